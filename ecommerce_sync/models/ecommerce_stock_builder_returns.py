from collections import defaultdict

from odoo import _, api, models
from odoo.tools import float_compare


class EcommerceStockBuilder(models.AbstractModel):
    """Stock given back: restocked refunds through Odoo's returns, and refunded or cancelled quantities
    that were never shipped off the sale order's open delivery (see ``ecommerce_stock_builder.py``)."""

    _inherit = "ecommerce.stock.builder"

    # ------------------------------------------------------------------
    # refunds and cancelled quantities
    @api.model
    def _restock_refund(self, store, refund, sale_order):
        """Bring back the restocked quantities of a refund, once (binding kind "return").

        Per refunded line marked restock, the quantity:

        1. first leaves what is still to deliver (the store refunded units it
           never shipped, e.g. the rest of a partial shipment): the open
           delivery moves are reduced or cancelled, freeing their reservation;
        2. the rest comes back from the delivered goods through Odoo's return
           wizard (``stock.return.picking``, "update quantities on SO" on),
           validated at once, newest delivery first; never more than was
           delivered and not yet returned.

        When the store says the units were shipped (``restock_type``
        "return"), they come back from the delivered goods first, and only
        what was not delivered leaves the open delivery.

        Lines without restock move nothing (the customer keeps the goods or
        the refund is a price adjustment), nor do refunds without any.

        :param store: ecommerce.store
        :param refund: canonical Refund
        :param sale_order: sale.order of the refunded order
        :return: the validated return transfers
        :rtype: stock.picking
        """
        Binding = self.env["ecommerce.binding"].sudo()
        returns = self.env["stock.picking"]
        restock_lines = [line for line in refund.lines if line.restock and line.quantity]
        if not restock_lines or Binding._find(store, "return", refund.external_id):
            return returns
        sale_lines = self._lines_by_external_id(sale_order)
        undelivered = defaultdict(float)
        to_return = defaultdict(float)

        def open_room(line):
            return self._open_quantity(line) - undelivered[line]

        def returnable_room(line):
            return sum(rest for _move, rest in self._returnable_moves(line)) - to_return[line]

        for restock_type in sorted({line.restock_type for line in restock_lines}):
            group = [line for line in restock_lines if line.restock_type == restock_type]
            steps = [(open_room, undelivered), (returnable_room, to_return)]
            if restock_type == "return":
                steps.reverse()
            for key, quantity in self._line_quantities(group, sale_lines).items():
                left = quantity
                for room, planned in steps:
                    for line, share in self._spread(left, sale_lines[key], room).items():
                        planned[line] += share
                        left -= share
        self._reduce_open_moves(undelivered, _("Refunded in the store (refund %(refund)s).", refund=refund.external_id))
        returns = self._create_returns(to_return)
        Binding._bind(
            store,
            "return",
            refund.external_id,
            returns[:1] or sale_order,
            external_name=returns[:1].name or refund.external_id,
        )
        return returns

    @api.model
    def _cancel_undelivered(self, store, sale_order, quantities):
        """Take quantities that the store cancelled off the open delivery of ``sale_order``.

        For order edits that remove units before they ship (the whole order's
        cancellation is Odoo's own ``sale.order._action_cancel``, which cancels
        the open transfers and frees their reservation).

        :param dict quantities: ``{store line id: quantity cancelled}``
        :return: the moves reduced or cancelled
        :rtype: stock.move
        """
        sale_lines = self._lines_by_external_id(sale_order)
        wanted = {}
        for external_id, quantity in quantities.items():
            if external_id in sale_lines and quantity:
                wanted.update(self._spread(float(quantity), sale_lines[external_id], self._open_quantity))
        return self._reduce_open_moves(wanted, _("Cancelled in the store (order %(order)s).", order=sale_order.name))

    @api.model
    def _reduce_open_moves(self, quantities, reason):
        """Take quantities off what is still to deliver, with the earlier steps of the same goods.

        Goods not yet picked go first, then the newest moves (backorders); a
        move reduced to nothing is cancelled, the others keep a reservation
        for what is left.

        :param dict quantities: ``{sale.order.line: quantity in the line's unit}``
        :return: the moves changed
        """
        changed = self.env["stock.move"]
        for line, quantity in quantities.items():
            left = quantity
            for move in self._open_ends(line):
                if not self._is_positive(left, line):
                    break
                cut = min(left, self._to_line_uom(move, move.product_uom_qty, line))
                left -= cut
                changed |= self._cut_chain(move, cut, line)
        for picking in changed.picking_id:
            picking.message_post(body=reason)
        return changed

    @api.model
    def _cut_chain(self, move, quantity, line):
        """Lower ``move`` and its open earlier steps by ``quantity`` (in the line's unit)."""
        changed = move
        origins = move.move_orig_ids.filtered(lambda origin: origin.state not in ("done", "cancel"))
        demand = self._to_line_uom(move, move.product_uom_qty, line)
        if float_compare(quantity, demand, precision_rounding=line.product_uom.rounding) >= 0:
            move._action_cancel()
        else:
            move.product_uom_qty = line.product_uom._compute_quantity(demand - quantity, move.product_uom)
            if move.state in ("confirmed", "partially_available"):
                move._action_assign()
        left = quantity
        for origin in origins.sorted("id", reverse=True):
            if not self._is_positive(left, line) or origin.state in ("done", "cancel"):
                continue
            cut = min(left, self._to_line_uom(origin, origin.product_uom_qty, line))
            left -= cut
            changed |= self._cut_chain(origin, cut, line)
        return changed

    @api.model
    def _create_returns(self, to_return):
        """Return and validate quantities of delivered goods through Odoo's return wizard.

        :param dict to_return: ``{sale.order.line: quantity in the line's unit}``
        :return: the validated return transfers
        """
        returns = self.env["stock.picking"]
        by_picking = defaultdict(dict)
        for line, quantity in to_return.items():
            left = quantity
            for move, returnable in self._returnable_moves(line):
                take = min(left, returnable)
                if not self._is_positive(take, line):
                    break
                by_picking[move.picking_id][move] = line.product_uom._compute_quantity(
                    take, move.product_id.uom_id, round=False
                )
                left -= take
        for picking, move_quantities in by_picking.items():
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
                .create({"picking_id": picking.id})
            )
            for wizard_line in wizard.product_return_moves:
                wizard_line.quantity = move_quantities.get(wizard_line.move_id, 0.0)
            action = wizard.action_create_returns()
            back = self.env["stock.picking"].browse(action["res_id"])
            self._validate_picking(back, {move: move.product_uom_qty for move in back.move_ids})
            returns |= back
        return returns
