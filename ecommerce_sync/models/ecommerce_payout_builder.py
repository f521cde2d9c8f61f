from odoo import _, api, models
from odoo.exceptions import UserError

from ..ledger.issues import Issue
from ..ledger.plans import PaymentPlan, Settlement

BOOKED_STATUSES = ("paid", "in_transit")
CANCELLED_STATUSES = ("failed", "cancelled")
SETTLED_KINDS = ("charge", "refund")


class EcommercePayoutBuilder(models.AbstractModel):
    """Store payouts -> fee entries, internal transfer clearing -> bank, reconciliation.

    The handler of canonical ``Payout`` records, once the platform has sent
    the money (status "in_transit" or "paid"):

    1. every charge and refund the payout settles is found in Odoo (the
       payment of its transaction); a payout whose transactions are not all
       imported yet fails and is retried later;
    2. the payout's fees are booked (``ecommerce.fee.builder``), per balance
       transaction or in one entry, as the store says;
    3. the other items (chargebacks, reserves, adjustments) are booked
       against the store's adjustments account, and fee items against the
       fee expense account;
    4. a charge received in another currency than the payout's is converted
       at the amount the payout reports: an entry moves it out of the
       clearing account in its currency and back in the payout's currency,
       and Odoo's reconciliation of the two lines in the order currency books
       the realised exchange difference;
    5. the net amount leaves the clearing journal for the payout bank journal
       as an internal transfer (two payments through the company's transfer
       account, reconciled together: ``ecommerce.payment.builder``);
    6. the clearing lines of all of the above are reconciled together: after
       the payout, the clearing account holds exactly the transactions not
       paid out yet;
    7. the bank statement line of the deposit, when it exists, is matched
       with the transfer (and, when it is imported later, as it is created):
       ``ecommerce.deposit.builder``.

    A difference between the payout's amount and its lines, or between a
    line and the Odoo payment it settles, raises a ``payout_mismatch``.
    A booked payout that the platform reports failed or cancelled has its
    transfer cancelled, so that the money is back in the clearing account.
    """

    _name = "ecommerce.payout.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Payout Builder"

    # ------------------------------------------------------------------
    @api.model
    def _import_payouts(self, store, payouts):
        """Handle the canonical payouts of a page: the payments their lines settle are looked up at
        once, then each payout is booked in turn (a payout sees the transfers the ones before made).

        :return: per payout, "created", "updated" or "skipped"
        :rtype: list[str]
        """
        payments = self.env["ecommerce.payment.builder"]._transaction_payments(
            store, [external_id for payout in payouts for external_id in self._settled_transaction_ids(payout)]
        )
        return [self._import_payout(store, payout, payments=payments) for payout in payouts]

    @api.model
    def _import_payout(self, store, payout, payments=None):
        """Handle one canonical payout.

        :param store: ecommerce.store
        :param payout: canonical Payout
        :param dict payments: ``{transaction external id: account.payment}`` looked up for the page
            (the payout's own are looked up when None)
        :return: "created", "updated" or "skipped"
        :raise UserError: when a settled transaction is not in Odoo yet, or
            the store has no payout bank journal
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        Deposits = self.env["ecommerce.deposit.builder"]
        transfer = Binding._find_record(store, "payout", payout.external_id)
        revision = self._revision(payout)
        if transfer and transfer._name != "account.payment":
            return "skipped"  # a payout of zero: its entries are booked, there is no transfer to follow
        if transfer:
            if payout.status in CANCELLED_STATUSES and transfer.state != "canceled":
                self._cancel_transfer(store, payout, transfer)
                Binding._bind(store, "payout", payout.external_id, transfer, revision=revision)
                return "updated"
            matched = Deposits._match_deposit(store, payout, transfer)
            if revision != Binding._find(store, "payout", payout.external_id).revision:
                Binding._bind(store, "payout", payout.external_id, transfer, revision=revision)
            return "updated" if matched else "skipped"
        if payout.status not in BOOKED_STATUSES:
            return "skipped"
        if not store.payout_journal_id:
            raise UserError(_("The store %(store)s has no payout bank journal: set it on the store.", store=store.name))
        issues = []
        date = self._store_date(payout.date)
        settled = self._settled_payments(store, payout, issues, payments=payments)
        clearing_lines = self.env["account.move.line"]
        clearing_lines |= self._clearing_lines(store, settled)
        clearing_lines |= self._convert_foreign_payments(store, payout, settled, date)
        clearing_lines |= self._book_fees(store, payout, date)
        adjustments = self._book_adjustments(store, payout, date)
        clearing_lines |= adjustments
        transfer = self._create_transfer(store, payout, date)
        if transfer:
            clearing_lines |= self._outstanding_line(transfer)
        self._check_payout(store, payout, issues)
        self._reconcile_clearing(store, payout, clearing_lines, issues)
        self._record_issues(store, payout, transfer, issues)
        record = transfer or clearing_lines.move_id[:1]
        if record:
            Binding._bind(store, "payout", payout.external_id, record, revision=revision)
        if transfer:
            records = {str(settlement.line.external_id): settlement.payment for settlement in settled}
            for line in payout.lines:
                if line.kind not in SETTLED_KINDS and line.amount:
                    records[str(line.external_id)] = adjustments.move_id[:1]
            self.env["ecommerce.payout.line"]._record_payout(store, payout, transfer, records)
            Deposits._match_deposit(store, payout, transfer)
        return "created"

    @api.model
    def _revision(self, payout):
        return payout.updated_at.isoformat() if payout.updated_at else payout.status

    # ------------------------------------------------------------------
    # what the payout settles
    @api.model
    def _settled_transaction_ids(self, payout):
        """The store transactions the charge and refund lines of ``payout`` name."""
        return [
            line.transaction_external_id
            for line in payout.lines
            if line.kind in SETTLED_KINDS and line.transaction_external_id
        ]

    @api.model
    def _settled_payments(self, store, payout, issues, payments=None):
        """The Odoo payment of each charge and refund line of the payout.

        :param list issues: collects ``ledger.issues.Issue``
        :param dict payments: ``{transaction external id: account.payment}`` (looked up at once
            for the payout's lines when None)
        :rtype: list[ledger.plans.Settlement]
        :raise UserError: when some are not imported yet
        """
        if payments is None:
            payments = self.env["ecommerce.payment.builder"]._transaction_payments(
                store, self._settled_transaction_ids(payout)
            )
        settled, missing = [], []
        used = self.env["account.payment"]
        for line in payout.lines:
            if line.kind not in SETTLED_KINDS:
                continue
            payment = self.env["account.payment"]
            if line.transaction_external_id:
                payment = payments.get(str(line.transaction_external_id), payment)
            if not payment and line.order_external_id:
                payment = self._payment_by_order(store, line, used)
            if not payment:
                missing.append(line.transaction_external_id or line.order_external_id or line.external_id)
                continue
            used |= payment
            settlement = Settlement(line, payment, payment.currency_id.name)
            settled.append(settlement)
            self._check_settled_amount(settlement, issues)
        if missing:
            raise UserError(
                _(
                    "Payout %(payout)s settles transactions that are not in Odoo yet (%(missing)s); "
                    "it is retried once their orders and refunds are imported.",
                    payout=payout.external_id,
                    missing=", ".join(missing),
                )
            )
        return settled

    @api.model
    def _payment_by_order(self, store, line, used):
        """The payment of an order matching a payout line that names no transaction (same direction and amount).

        :param used: account.payment already matched with other lines of the payout
        :rtype: account.payment
        """
        sale_order = self.env["ecommerce.binding"]._find_record(store, "order", line.order_external_id)
        if not sale_order:
            return self.env["account.payment"]
        bindings = self.env["ecommerce.binding"].search(
            [
                ("store_id", "=", store.id),
                ("kind", "=", "transaction"),
                ("res_model", "=", "account.payment"),
                ("external_name", "=", sale_order.ecommerce_order_name),
            ]
        )
        payments = self.env["account.payment"].browse(bindings.mapped("res_id")).exists() - used
        payment_type = "inbound" if line.amount >= 0 else "outbound"
        payments = payments.filtered(lambda payment: payment.payment_type == payment_type)
        same = payments.filtered(
            lambda payment: (
                payment.currency_id.name == line.currency
                and payment.currency_id.is_zero(payment.amount - abs(float(line.amount)))
            )
        )
        return (same or payments)[:1]

    @api.model
    def _check_settled_amount(self, settlement, issues):
        """Note a line whose amount differs from the Odoo payment it settles (same currency)."""
        line, payment = settlement.line, settlement.payment
        if settlement.converted:
            return
        if not payment.currency_id.is_zero(payment.amount - abs(float(line.amount))):
            issues.append(
                Issue(
                    "payout_mismatch",
                    _(
                        "Line %(line)s settles %(amount)s %(currency)s, the Odoo payment %(payment)s is %(odoo)s.",
                        line=line.external_id,
                        amount=line.amount,
                        currency=line.currency,
                        payment=payment.display_name,
                        odoo=payment.amount,
                    ),
                )
            )

    @api.model
    def _clearing_lines(self, store, settled):
        """The clearing lines of the settled payments in the payout's currency (others are converted)."""
        lines = self.env["account.move.line"]
        for settlement in settled:
            if not settlement.converted:
                lines |= self._outstanding_line(settlement.payment)
        return lines

    # ------------------------------------------------------------------
    # entries of the payout
    @api.model
    def _convert_foreign_payments(self, store, payout, settled, date):
        """Convert payments received in another currency at the amount the payout reports.

        One entry in the clearing journal with, per payment, a line taking the
        payment out of the clearing account in its currency (valued at the
        payout's amount) and a line putting the payout's amount back in the
        payout's currency. The first is reconciled with the payment, which
        lets Odoo book the exchange difference.

        :param list settled: ``ledger.plans.Settlement``
        :return: the lines in the payout's currency, to reconcile with the payout
        """
        foreign = [settlement for settlement in settled if settlement.converted]
        if not foreign:
            return self.env["account.move.line"]
        values = []
        for settlement in foreign:
            line, payment = settlement.line, settlement.payment
            clearing_line = self._outstanding_line(payment)
            payout_line = self._move_line_values(
                store,
                store.clearing_account_id,
                line.currency,
                line.amount,
                date,
                _("%(payment)s converted to %(currency)s", payment=payment.display_name, currency=line.currency),
            )
            values.append(payout_line)
            values.append(
                {
                    "name": payout_line["name"],
                    "account_id": clearing_line.account_id.id,
                    "currency_id": payment.currency_id.id,
                    "amount_currency": -clearing_line.amount_currency,
                    "balance": -payout_line["balance"],
                    "partner_id": clearing_line.partner_id.id,
                }
            )
        move = self._post_clearing_entry(
            store, values, _("Payout %(payout)s: currency conversion", payout=payout.external_id), date
        )
        for settlement in foreign:
            clearing_line = self._outstanding_line(settlement.payment)
            counterpart = move.line_ids.filtered(
                lambda item, clearing_line=clearing_line: (
                    item.currency_id == clearing_line.currency_id
                    and item.currency_id.compare_amounts(item.amount_currency, -clearing_line.amount_currency) == 0
                    and not item.reconciled
                )
            )[:1]
            (clearing_line | counterpart).reconcile()
        return move.line_ids.filtered(
            lambda item: item.currency_id.name == payout.currency and item.account_id == store.clearing_account_id
        )

    @api.model
    def _book_fees(self, store, payout, date):
        """The fee entries of the payout (new or already booked); return their open clearing lines."""
        moves = self.env["ecommerce.fee.builder"]._book_payout_fees(store, payout, date)
        return moves.line_ids.filtered(
            lambda line: line.account_id == store.clearing_account_id and not line.reconciled
        )

    @api.model
    def _book_adjustments(self, store, payout, date):
        """One entry for the payout's other items (chargebacks, reserves, adjustments); return its clearing lines."""
        others = [line for line in payout.lines if line.kind not in SETTLED_KINDS and line.amount]
        if not others:
            return self.env["account.move.line"]
        values = []
        for line in others:
            # fees charged as payout items are fees; the rest are adjustments
            account = (
                store.fee_account_id if line.kind == "fee" else store.adjustment_account_id or store.fee_account_id
            )
            label = _(
                "Payout %(payout)s: %(kind)s %(description)s",
                payout=payout.external_id,
                kind=line.kind,
                description=line.description or line.external_id,
            )
            values.append(
                self._move_line_values(store, store.clearing_account_id, line.currency, line.amount, date, label)
            )
            values.append(self._move_line_values(store, account, line.currency, -line.amount, date, label))
        move = self._post_clearing_entry(
            store, values, _("Payout %(payout)s: other items", payout=payout.external_id), date
        )
        return move.line_ids.filtered(lambda line: line.account_id == store.clearing_account_id)

    @api.model
    def _create_transfer(self, store, payout, date):
        """The internal transfer of the payout: clearing journal -> payout bank journal.

        Two payments through the company's transfer account, paired and
        reconciled together.

        :return: the payment out of the clearing journal (empty for a zero payout)
        :raise UserError: when the company has no internal transfer account
        """
        if not payout.amount:
            return self.env["account.payment"]
        if not store.company_id.transfer_account_id:
            raise UserError(_("Set the company's internal transfer account to book payouts."))
        return self.env["ecommerce.payment.builder"]._post_transfer(
            store,
            self._prepare_transfer_payment(store, payout, date, store.clearing_journal_id, outgoing=True),
            self._prepare_transfer_payment(store, payout, date, store.payout_journal_id, outgoing=False),
        )

    @api.model
    def _prepare_transfer_payment(self, store, payout, date, journal, outgoing):
        """One side of the payout transfer: out of the clearing journal, or into the payout bank journal.

        A negative payout (the platform takes money back) moves the other way.

        :rtype: ledger.plans.PaymentPlan
        """
        sends = outgoing == (payout.amount > 0)
        company = store.company_id
        return PaymentPlan(
            amount=abs(payout.amount),
            currency=payout.currency,
            date=date,
            partner=company.partner_id,
            memo=_("Payout %(payout)s", payout=payout.external_id),
            reference=payout.external_id,
            payment_type="outbound" if sends else "inbound",
            journal=journal,
            destination_account=company.transfer_account_id,
        )

    @api.model
    def _cancel_transfer(self, store, payout, transfer):
        """The platform reports the payout failed or cancelled: undo its transfer (money back in clearing)."""
        payments = transfer | transfer.paired_internal_transfer_payment_id
        payments.move_id.line_ids.remove_move_reconcile()
        payments.action_draft()
        payments.action_cancel()
        transfer.message_post(
            body=_("Payout %(payout)s is %(status)s on the platform.", payout=payout.external_id, status=payout.status)
        )

    # ------------------------------------------------------------------
    # checks and reconciliation
    @api.model
    def _check_payout(self, store, payout, issues):
        if payout.net_total != payout.amount:
            issues.append(
                Issue(
                    "payout_mismatch",
                    _(
                        "The payout's lines add up to %(net)s, the payout is %(amount)s %(currency)s.",
                        net=payout.net_total,
                        amount=payout.amount,
                        currency=payout.currency,
                    ),
                )
            )

    @api.model
    def _reconcile_clearing(self, store, payout, lines, issues):
        """Reconcile the payout's clearing lines together; what does not net to zero is reported."""
        lines = lines.filtered(lambda line: not line.reconciled)
        for account, group in lines.grouped("account_id").items():
            if account != store.clearing_account_id:
                issues.append(
                    Issue(
                        "payout_mismatch",
                        _(
                            "%(count)s payments of the payout are on %(account)s, not on the store's clearing account.",
                            count=len(group),
                            account=account.display_name,
                        ),
                    )
                )
                continue
            if group.filtered(lambda line: line.balance > 0) and group.filtered(lambda line: line.balance < 0):
                group.reconcile()
            residual = sum(group.mapped("amount_residual"))
            if not store.company_id.currency_id.is_zero(residual):
                issues.append(
                    Issue(
                        "payout_mismatch",
                        _(
                            "The payout leaves %(residual)s %(currency)s open on the clearing account.",
                            residual=residual,
                            currency=store.company_id.currency_id.name,
                        ),
                    )
                )

    @api.model
    def _record_issues(self, store, payout, transfer, issues):
        """Flag one ``payout_mismatch`` with every issue the payout has, or close it when it has none.

        :param list issues: ``ledger.issues.Issue`` (all of kind ``payout_mismatch``)
        """
        if not issues:
            self.env["ecommerce.discrepancy"]._resolve(store, "payout_mismatch", payout.external_id)
            return
        mismatch = Issue(
            "payout_mismatch",
            "\n".join(issue.message for issue in issues),
            expected=float(payout.amount),
            found=float(payout.net_total),
            currency=self._currency(payout.currency),
        )
        self._flag_issues(
            store, [mismatch], _("Payout %(payout)s", payout=payout.external_id), payout.external_id, transfer or None
        )
