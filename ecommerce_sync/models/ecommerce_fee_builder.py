from collections import defaultdict

from odoo import _, api, models

from ..connector.records import ZERO


class EcommerceFeeBuilder(models.AbstractModel):
    """Store fees -> journal entries: fee expense against the clearing account.

    A fee (gateway, platform, currency conversion) is money the platform keeps
    out of what it collected, so its entry debits the store's fee expense
    account and credits the clearing account, in the clearing journal. A
    negative fee (a fee given back) reverses the sides.

    Fees are keyed by their external id, which is the id of the balance
    transaction they belong to (``Payout.fees()`` gives them that id): a fee
    is booked once, whether it comes alone (``Fee`` records) or within its
    payout (:meth:`_book_payout_fees`). The store's fee grouping decides the
    entries of a payout's fees: one per balance transaction, or one per
    payout; fees that come alone and belong to a payout wait for it when the
    store groups per payout.
    """

    _name = "ecommerce.fee.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Fee Builder"

    @api.model
    def _import_fee(self, store, fee):
        """Handle one canonical fee.

        :param store: ecommerce.store
        :param fee: canonical Fee
        :return: "created" or "skipped"
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        if self.env["ecommerce.binding"]._find(store, "fee", fee.external_id):
            return "skipped"
        if store.fee_grouping == "payout" and fee.payout_external_id:
            return "skipped"
        if not fee.amount:
            return "skipped"
        move = self._create_fee_entry(store, [fee], self._fee_label(store, fee), self._store_date(fee.date))
        self._bind_fees(store, [fee], move)
        return "created"

    @api.model
    def _book_payout_fees(self, store, payout, date):
        """The fee entries of a payout's fees, booked now or before (alone or with the payout).

        :param payout: canonical Payout
        :rtype: account.move
        """
        Binding = self.env["ecommerce.binding"]
        moves = self.env["account.move"]
        pending = []
        for fee in payout.fees():
            booked = Binding._find_record(store, "fee", fee.external_id)
            if booked:
                moves |= booked
            else:
                pending.append(fee)
        if pending and store.fee_grouping == "transaction":
            order_names = self._fee_order_names(store, pending)
            for fee in pending:
                move = self._create_fee_entry(store, [fee], self._fee_label(store, fee, order_names), date)
                self._bind_fees(store, [fee], move)
                moves |= move
        elif pending:
            move = self._create_fee_entry(store, pending, _("Payout %(payout)s fees", payout=payout.external_id), date)
            self._bind_fees(store, pending, move)
            moves |= move
        return moves

    @api.model
    def _bind_fees(self, store, fees, move):
        """Bind each fee to the entry that books it, so that it is booked once."""
        Binding = self.env["ecommerce.binding"]
        for fee in fees:
            Binding._bind(
                store,
                "fee",
                fee.external_id,
                move,
                external_name=fee.description or fee.kind,
                created_at=self._to_naive(fee.date),
            )

    @api.model
    def _fee_label(self, store, fee, order_names=None):
        """What a fee is, for the entry's label: its kind, what it was charged on, the store's order number.

        "Payment processing fee on the payment of order #1003", "Platform fee (adjustment: reserve)".

        :param dict order_names: ``{order external id: the store's order number}`` when looked up already
        :rtype: str
        """
        kinds = {"gateway": _("Payment processing fee"), "platform": _("Platform fee")}
        label = kinds.get(fee.kind) or _("Fee (%(kind)s)", kind=fee.kind.replace("_", " "))
        description = (fee.description or "").strip()
        if fee.order_external_id:
            if order_names is None:
                order_names = self._fee_order_names(store, [fee])
            order = order_names.get(str(fee.order_external_id)) or fee.order_external_id
            on_what = {
                "charge": _("%(fee)s on the payment of order %(order)s"),
                "refund": _("%(fee)s on the refund of order %(order)s"),
            }.get(description.lower())
            if on_what:
                return on_what % {"fee": label, "order": order}
            label = _("%(fee)s on order %(order)s", fee=label, order=order)
        if description:
            label = _("%(fee)s (%(what)s)", fee=label, what=description)
        return label

    @api.model
    def _fee_order_names(self, store, fees):
        """The store's order numbers of the fees' orders (as their bindings name them).

        :return: ``{order external id: order number}``
        :rtype: dict
        """
        bindings = self.env["ecommerce.binding"]._find_all(
            store, "order", [fee.order_external_id for fee in fees if fee.order_external_id]
        )
        return {
            external_id: binding.external_name for external_id, binding in bindings.items() if binding.external_name
        }

    @api.model
    def _create_fee_entry(self, store, fees, ref, date):
        """Post one entry for ``fees``: a debit per fee, a credit of the clearing account per currency.

        :param list fees: canonical Fee records
        :rtype: account.move
        """
        return self._post_clearing_entry(store, self._fee_entry_lines(store, fees, ref, date), ref, date)

    @api.model
    def _fee_entry_lines(self, store, fees, ref, date):
        """Journal items of a fee entry: a debit per fee, a credit of the clearing account per currency.

        :rtype: list
        """
        lines = []
        totals = defaultdict(lambda: ZERO)
        order_names = self._fee_order_names(store, fees)
        for fee in fees:
            if not fee.amount:
                continue
            label = self._fee_label(store, fee, order_names)
            lines.append(self._move_line_values(store, store.fee_account_id, fee.currency, fee.amount, date, label))
            totals[fee.currency] += fee.amount
        for currency_code, amount in totals.items():
            lines.append(
                self._move_line_values(
                    store, store.clearing_account_id, currency_code, -amount, date, _("Fees: %(ref)s", ref=ref)
                )
            )
        return lines
