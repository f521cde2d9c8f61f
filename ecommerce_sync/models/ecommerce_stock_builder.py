from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class EcommerceStockBuilder(models.AbstractModel):
    """Store events in, Odoo stock operations out.

    * fulfilments validate the sale order's delivery, step by step, with
      backorders for what is left (:meth:`_sync_fulfillments`);
    * restocked refunds come back through Odoo's return wizard
      (:meth:`_restock_refund`), and refunded or cancelled quantities that
      were never shipped leave the delivery (:meth:`_cancel_undelivered`),
      both in ``ecommerce_stock_builder_returns.py``.

    The store's levels are compared with Odoo's by ``ecommerce.stock.compare``.

    Every operation goes through Odoo's pickings, so valuation (and, with
    anglo-saxon accounting, the cost of goods sold) follows as usual.
    """

    _name = "ecommerce.stock.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Stock Builder"

    # ------------------------------------------------------------------
    # helpers on sale order lines
    @api.model
    def _lines_by_external_id(self, sale_order):
        """``{store line id: sale.order.line}``: the sale order lines of each store line delivering goods.

        A store line is usually one sale order line; the sale order builder writes it as two lines of the
        same product when no single unit price gives the store's amount (see ``ledger.amounts``).
        Lines are in creation order.
        """
        lines = sale_order.order_line.filtered(
            lambda line: line.ecommerce_line_external_id and line.product_id.type == "consu"
        )
        return lines.sorted("id").grouped("ecommerce_line_external_id")

    @api.model
    def _line_quantities(self, store_lines, sale_lines):
        """Sum store quantities per store line, keeping only lines that deliver goods.

        :param store_lines: FulfillmentLine or RefundLine records
        :param dict sale_lines: ``{store line id: sale.order.line}`` (see :meth:`_lines_by_external_id`)
        :return: ``{store line id: float}`` in the lines' unit
        """
        quantities = defaultdict(float)
        for store_line in store_lines:
            if store_line.line_external_id in sale_lines and store_line.quantity:
                quantities[store_line.line_external_id] += float(store_line.quantity)
        return dict(quantities)

    @api.model
    def _spread(self, quantity, lines, room):
        """Share ``quantity`` out over ``lines`` in order, each taking up to ``room(line)``.

        :return: ``{sale.order.line: float}`` (what the lines cannot hold stays out)
        """
        shares = {}
        left = quantity
        for line in lines:
            share = min(left, room(line))
            if self._is_positive(share, line):
                shares[line] = share
                left -= share
        return shares

    @api.model
    def _to_line_uom(self, move, quantity, line):
        return move.product_uom._compute_quantity(quantity, line.product_uom, round=False)

    @api.model
    def _is_positive(self, quantity, line):
        return float_compare(quantity, 0.0, precision_rounding=line.product_uom.rounding) > 0

    @api.model
    def _shipped_quantity(self, line):
        """Units of ``line`` that left for the customer (returns not deducted)."""
        moves = line.move_ids.filtered(lambda move: move.state == "done" and move.location_dest_id.usage == "customer")
        return sum(self._to_line_uom(move, move.quantity, line) for move in moves)

    @api.model
    def _open_ends(self, line):
        """The open moves of ``line`` that carry goods towards the customer and have no next step yet.

        One per chain: the delivery itself, or an earlier step (pick, pack)
        whose next step Odoo creates once it is done. Upstream steps come
        first, then newest moves (backorders) first.
        """
        moves = line.move_ids.filtered(
            lambda move: (
                move.state not in ("done", "cancel")
                and "customer" in (move.location_dest_id.usage, move.location_final_id.usage)
                and not move.move_dest_ids.filtered(lambda dest: dest.state != "cancel")
            )
        )
        return moves.sorted(lambda move: (move.location_dest_id.usage == "customer", -move.id))

    @api.model
    def _open_quantity(self, line):
        """Units of ``line`` still to deliver to the customer."""
        return sum(self._to_line_uom(move, move.product_uom_qty, line) for move in self._open_ends(line))

    @api.model
    def _returnable_moves(self, line):
        """``[(move, quantity in the line's unit)]``: delivered moves of ``line`` and what can
        still come back (delivered minus returned or being returned), newest first."""
        result = []
        moves = line.move_ids.filtered(lambda move: move.state == "done" and move.location_dest_id.usage == "customer")
        for move in moves.sorted(lambda move: (move.date, move.id), reverse=True):
            returned = sum(
                self._to_line_uom(back, back.quantity if back.state == "done" else back.product_uom_qty, line)
                for back in move.returned_move_ids.filtered(lambda back: back.state != "cancel")
            )
            left = self._to_line_uom(move, move.quantity, line) - returned
            if self._is_positive(left, line):
                result.append((move, left))
        return result

    @api.model
    def _chain_depth(self, move, seen=None):
        """How many steps separate ``move`` from the last move of its chain (0 for the last)."""
        seen = (seen or set()) | {move.id}
        dests = move.move_dest_ids.filtered(lambda dest: dest.state != "cancel" and dest.id not in seen)
        if not dests:
            return 0
        return 1 + max(self._chain_depth(dest, seen) for dest in dests)

    @api.model
    def _upstream_first(self, pickings):
        """Order pickings so that each step comes before the steps it feeds (pick, pack, ship)."""
        depth = {
            picking.id: max((self._chain_depth(move) for move in picking.move_ids), default=0) for picking in pickings
        }
        return pickings.sorted(lambda picking: (-depth[picking.id], picking.id))

    @api.model
    def _validate_picking(self, picking, quantities):
        """Validate ``quantities`` of a picking; what is left goes to a backorder.

        :param dict quantities: ``{stock.move: quantity in the move's unit}``
        :raise UserError: when Odoo asks for something a person must decide
            (e.g. a lot number) and the picking stays open
        """
        if picking.state in ("confirmed", "waiting"):
            picking.action_assign()
        for move in picking.move_ids.filtered(lambda move: move.state not in ("done", "cancel")):
            if move in quantities:
                move.quantity = quantities[move]
                move.picked = True
            elif move.picked:
                move.picked = False
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        if picking.state != "done":
            raise UserError(
                _(
                    "The transfer %(picking)s could not be validated automatically; validate it by hand.",
                    picking=picking.display_name,
                )
            )
        return picking

    # ------------------------------------------------------------------
    # fulfilments
    @api.model
    def _sync_fulfillments(self, store, order, sale_order):
        """Validate the delivery of ``sale_order`` as the store's fulfilments say.

        Fulfilments are handled in the order the store made them, each once
        (binding kind "fulfillment"): each validates the quantities it ships
        on the open transfers of the order, step by step for multi-step
        deliveries (pick, pack, ship), leaving backorders for the rest; its
        tracking number lands on the delivery (``carrier_tracking_ref``).

        What a fulfilment ships is counted against what already left Odoo for
        the customer, whatever validated it: when the warehouse validated the
        delivery in Odoo first, the store's fulfilment only adds its tracking
        number. Fulfilments that did not succeed (cancelled, failed) are
        ignored. Nothing happens before the sale order is confirmed.

        :param store: ecommerce.store
        :param order: canonical Order (``order.fulfillments``)
        :param sale_order: sale.order the order became
        :return: the transfers validated by this call
        :rtype: stock.picking
        :raise UserError: when a transfer needs a person (lots, serial numbers)
        """
        Binding = self.env["ecommerce.binding"].sudo()
        validated = self.env["stock.picking"]
        if sale_order.state != "sale":
            return validated
        sale_lines = self._lines_by_external_id(sale_order)
        fulfilled = defaultdict(float)  # store line id -> units shipped by the fulfilments so far
        fulfillments = sorted(
            (fulfillment for fulfillment in order.fulfillments if fulfillment.is_done),
            key=lambda fulfillment: (
                fulfillment.created_at.timestamp() if fulfillment.created_at else 0,
                fulfillment.external_id,
            ),
        )
        for fulfillment in fulfillments:
            quantities = self._line_quantities(fulfillment.lines, sale_lines)
            for key, quantity in quantities.items():
                fulfilled[key] += quantity
            if Binding._find(store, "fulfillment", fulfillment.external_id):
                continue
            to_ship = {}
            for key in quantities:
                # the lines of a store line ship in order: the first is full before the next one ships
                shipped = self._spread(fulfilled[key], sale_lines[key], lambda line: line.product_uom_qty)
                for line, quantity in shipped.items():
                    left = quantity - self._shipped_quantity(line)
                    if self._is_positive(left, line):
                        to_ship[line] = left
            pickings = self._validate_deliveries(sale_order, to_ship)
            validated |= pickings
            lines = self.env["sale.order.line"].union(*(sale_lines[key] for key in quantities))
            deliveries = self._deliveries_of(sale_order, pickings, lines)
            self._note_fulfillment(deliveries, fulfillment)
            self._date_and_carrier(store, pickings, deliveries, fulfillment)
            Binding._bind(
                store,
                "fulfillment",
                fulfillment.external_id,
                deliveries[-1:] or sale_order,
                external_name=fulfillment.tracking_number or fulfillment.external_id,
                created_at=self._to_naive(fulfillment.created_at),
            )
        return validated

    @api.model
    def _validate_deliveries(self, sale_order, to_ship):
        """Validate ``to_ship`` on the open transfers of ``sale_order``, upstream steps first.

        Each step (operation type) validates the quantities once; transfers
        that a validation creates (the next step, pushed by Odoo) are taken
        in turn, backorders are left for later fulfilments.

        :param dict to_ship: ``{sale.order.line: quantity in the line's unit}``
        :return: the validated transfers
        """
        validated = self.env["stock.picking"]
        if not to_ship:
            return validated
        left = {}  # (operation type, line) -> quantity still to validate at that step
        seen = set()
        while True:
            pickings = sale_order.picking_ids.filtered(
                lambda picking: picking.state not in ("done", "cancel") and picking.id not in seen
            )
            for picking in self._upstream_first(pickings):
                seen.add(picking.id)
                quantities = self._step_quantities(picking, to_ship, left)
                if quantities:
                    validated |= self._validate_picking(picking, quantities)
                    break  # look again: validating may have created the next step
            else:
                return validated

    @api.model
    def _step_quantities(self, picking, to_ship, left):
        """``{move: quantity in the move's unit}`` of ``picking`` that the shipment covers."""
        quantities = {}
        moves = picking.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel") and move.sale_line_id in to_ship
        )
        for move in moves:
            line = move.sale_line_id
            key = (picking.picking_type_id.id, line.id)
            remaining = left.setdefault(key, to_ship[line])
            if not self._is_positive(remaining, line):
                continue
            quantity = min(remaining, self._to_line_uom(move, move.product_uom_qty, line))
            left[key] = remaining - quantity
            quantities[move] = line.product_uom._compute_quantity(quantity, move.product_uom, round=False)
        return quantities

    @api.model
    def _deliveries_of(self, sale_order, validated, lines):
        """The customer deliveries a fulfilment concerns: those it validated, else the last done ones of ``lines``."""
        deliveries = validated.filtered(lambda picking: picking.location_dest_id.usage == "customer")
        if deliveries:
            return deliveries
        return lines.move_ids.filtered(
            lambda move: move.state == "done" and move.location_dest_id.usage == "customer"
        ).picking_id.sorted("date_done")[-1:]

    @api.model
    def _date_and_carrier(self, store, validated, deliveries, fulfillment):
        """The store's shipment on the transfers: its date and its carrier.

        The transfers this fulfilment validated are done when the store shipped (``date_done``
        and their moves' dates; never later than now); the deliveries take the carrier the store
        named (``carrier_id``, see :meth:`_store_carrier`) when they have none.
        """
        shipped_at = self._to_naive(fulfillment.created_at)
        if shipped_at:
            shipped_at = min(shipped_at, fields.Datetime.now())
            validated.write({"date_done": shipped_at})
            validated.move_ids.filtered(lambda move: move.state == "done").write({"date": shipped_at})
            validated.move_line_ids.filtered(lambda line: line.state == "done").write({"date": shipped_at})
        carrier = self._store_carrier(store, fulfillment.tracking_company)
        if carrier:
            deliveries.filtered(lambda picking: not picking.carrier_id).write({"carrier_id": carrier.id})

    @api.model
    def _store_carrier(self, store, name):
        """The delivery method of a carrier the store names, found by name among the store's, or created
        (on the store's shipping product, made when the store has none yet, priced at nothing: the
        store charged the shipping).

        :rtype: delivery.carrier
        """
        name = (name or "").strip()
        Carrier = self.env["delivery.carrier"].sudo()
        if not name:
            return Carrier
        product = store.shipping_product_id
        if not product:  # a delivery method needs a product: the store's shipping product, made once
            product = store._create_service_product(_("%(store)s: shipping", store=store.name))
            store.sudo().shipping_product_id = product
        carrier = Carrier.with_context(active_test=False).search(
            [("name", "=ilike", name), ("product_id", "=", product.id)], limit=1
        )
        return carrier or Carrier.create({"name": name, "product_id": product.id, "delivery_type": "fixed"})

    @api.model
    def _note_fulfillment(self, pickings, fulfillment):
        """Write the fulfilment's tracking number on the deliveries and say who shipped them."""
        number = fulfillment.tracking_number
        for picking in pickings:
            if number:
                refs = [ref.strip() for ref in (picking.carrier_tracking_ref or "").split(",") if ref.strip()]
                if number not in refs:
                    picking.carrier_tracking_ref = ",".join([*refs, number])
            picking.message_post(
                body=_(
                    "Shipped in the store (fulfilment %(fulfillment)s). Carrier: %(carrier)s. Tracking: "
                    "%(number)s %(url)s",
                    fulfillment=fulfillment.external_id,
                    carrier=fulfillment.tracking_company or "-",
                    number=number or "-",
                    url=fulfillment.tracking_url or "",
                ),
            )
