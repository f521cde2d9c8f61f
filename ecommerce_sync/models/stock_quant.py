from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.tools import SQL, mute_logger

#: quant fields whose change moves the available quantity of a product somewhere
LEVEL_FIELDS = {"quantity", "reserved_quantity", "location_id", "product_id"}


class StockQuant(models.Model):
    """Notes every change of on-hand or reserved quantity for the stock push queue.

    Quants are where every stock operation ends (moves done, reservations and
    unreservations, inventory adjustments, scrap, manufacturing, returns), so
    hooking them misses no path; see ``ecommerce.stock.push``.
    """

    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        """Imports side by side (context ``ecommerce_import_quants``) never stop on each other's quants.

        Odoo locks one of the quants it updates (``FOR NO KEY UPDATE SKIP LOCKED``), creating a
        new one when every quant is locked. A quant that another transaction changed and
        committed since this transaction began is not locked any more, but PostgreSQL refuses it
        ("could not serialize access"), which rolls back the whole import. Imports therefore pick
        the quant they update themselves: the first one they can lock, in a savepoint; with none,
        Odoo creates a new quant, as it does when all are locked (quants of one product and place
        add up, and Odoo merges them when the stock is opened).
        """
        if not self.env.context.get("ecommerce_import_quants"):
            return super()._update_available_quantity(product_id, location_id, *args, **kwargs)
        names = ("quantity", "reserved_quantity", "lot_id", "package_id", "owner_id")
        keys = dict(zip(names, args, strict=False)) | kwargs
        quants = self.sudo()._gather(
            product_id,
            location_id,
            lot_id=keys.get("lot_id"),
            package_id=keys.get("package_id"),
            owner_id=keys.get("owner_id"),
            strict=True,
        )
        taken = quants._ecommerce_lock_first()
        passed = self.with_context(ecommerce_import_quants=False, ecommerce_quants_passed=(quants - taken).ids)
        return super(StockQuant, passed)._update_available_quantity(product_id, location_id, *args, **kwargs)

    def _ecommerce_lock_first(self):
        """Lock the first of these quants this transaction may change, in a savepoint each.

        :return: the quant locked, or an empty recordset when every one is locked by another
            transaction or was changed by one committed since this transaction began
        """
        for quant in self.sorted("id"):
            try:
                with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                    self.env.cr.execute(
                        SQL("SELECT id FROM stock_quant WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", quant.id)
                    )
                    if self.env.cr.fetchone():
                        return quant
            except pg_errors.SerializationFailure:
                continue
        return self.browse()

    def _gather(self, product_id, location_id, *args, **kwargs):
        """Without the quants an import passed over (see :meth:`_update_available_quantity`)."""
        quants = super()._gather(product_id, location_id, *args, **kwargs)
        passed = self.env.context.get("ecommerce_quants_passed")
        return quants.filtered(lambda quant: quant.id not in passed) if passed else quants

    @api.model_create_multi
    def create(self, vals_list):
        quants = super().create(vals_list)
        if any(vals.get("quantity") or vals.get("reserved_quantity") for vals in vals_list):
            quants._ecommerce_note_change()
        return quants

    def write(self, vals):
        changes = LEVEL_FIELDS & vals.keys()
        if changes:
            self._ecommerce_note_change()
        res = super().write(vals)
        if changes & {"location_id", "product_id"}:
            self._ecommerce_note_change()
        return res

    def unlink(self):
        self.filtered(lambda quant: quant.quantity or quant.reserved_quantity)._ecommerce_note_change()
        return super().unlink()

    def _ecommerce_note_change(self):
        quants = self.sudo()
        self.env["ecommerce.stock.push"]._note_stock_changes(
            {(quant.product_id.id, quant.location_id.id) for quant in quants if quant.product_id and quant.location_id}
        )
