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
        move = self._create_fee_entry(store, [fee], self._fee_label(fee), self._store_date(fee.date))
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
            for fee in pending:
                move = self._create_fee_entry(store, [fee], self._fee_label(fee), date)
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
            Binding._bind(store, "fee", fee.external_id, move, external_name=fee.description or fee.kind)

    @api.model
    def _fee_label(self, fee):
        parts = [_("Fee"), fee.kind.replace("_", " ")]
        if fee.order_external_id:
            parts.append(_("order %(order)s", order=fee.order_external_id))
        if fee.description and fee.description not in parts:
            parts.append(fee.description)
        return " - ".join(parts)

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
        for fee in fees:
            if not fee.amount:
                continue
            lines.append(
                self._move_line_values(
                    store, store.fee_account_id, fee.currency, fee.amount, date, self._fee_label(fee)
                )
            )
            totals[fee.currency] += fee.amount
        for currency_code, amount in totals.items():
            lines.append(
                self._move_line_values(
                    store, store.clearing_account_id, currency_code, -amount, date, _("Fees: %(ref)s", ref=ref)
                )
            )
        return lines
