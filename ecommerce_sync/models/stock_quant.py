from odoo import api, models

#: quant fields whose change moves the available quantity of a product somewhere
LEVEL_FIELDS = {"quantity", "reserved_quantity", "location_id", "product_id"}


class StockQuant(models.Model):
    """Notes every change of on-hand or reserved quantity for the stock push queue.

    Quants are where every stock operation ends (moves done, reservations and
    unreservations, inventory adjustments, scrap, manufacturing, returns), so
    hooking them misses no path; see ``ecommerce.stock.push``.
    """

    _inherit = "stock.quant"

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
