import logging
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

BOOKED_STATUSES = ("paid", "in_transit")
CANCELLED_STATUSES = ("failed", "cancelled")
SETTLED_KINDS = ("charge", "refund")
# days around the payout date within which the bank deposit is looked for
DEPOSIT_WINDOW_BEFORE = 3
DEPOSIT_WINDOW_AFTER = 10


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
       account, reconciled together);
    6. the clearing lines of all of the above are reconciled together: after
       the payout, the clearing account holds exactly the transactions not
       paid out yet;
    7. the bank statement line of the deposit, when it exists, is matched
       with the transfer (and, when it is imported later, as it is created).

    A difference between the payout's amount and its lines, or between a
    line and the Odoo payment it settles, raises a ``payout_mismatch``.
    A booked payout that the platform reports failed or cancelled has its
    transfer cancelled, so that the money is back in the clearing account.
    """

    _name = "ecommerce.payout.builder"
    _description = "Store Payout Builder"

    # ------------------------------------------------------------------
    @api.model
    def _import_payout(self, store, payout):
        """Handle one canonical payout.

        :param store: ecommerce.store
        :param payout: canonical Payout
        :return: "created", "updated" or "skipped"
        :raise UserError: when a settled transaction is not in Odoo yet, or
            the store has no payout bank journal
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        transfer = Binding._find_record(store, "payout", payout.external_id)
        revision = self._revision(payout)
        if transfer and transfer._name != "account.payment":
            return "skipped"  # a payout of zero: its entries are booked, there is no transfer to follow
        if transfer:
            if payout.status in CANCELLED_STATUSES and transfer.state != "canceled":
                self._cancel_transfer(store, payout, transfer)
                Binding._bind(store, "payout", payout.external_id, transfer, revision=revision)
                return "updated"
            matched = self._match_deposit(store, payout, transfer)
            if revision != Binding._find(store, "payout", payout.external_id).revision:
                Binding._bind(store, "payout", payout.external_id, transfer, revision=revision)
            return "updated" if matched else "skipped"
        if payout.status not in BOOKED_STATUSES:
            return "skipped"
        if not store.payout_journal_id:
            raise UserError(_("The store %(store)s has no payout bank journal: set it on the store.", store=store.name))
        issues = []
        date = self._payout_date(payout)
        settled = self._settled_payments(store, payout, issues)
        clearing_lines = self.env["account.move.line"]
        clearing_lines |= self._clearing_lines(store, settled)
        clearing_lines |= self._convert_foreign_payments(store, payout, settled, date)
        clearing_lines |= self._book_fees(store, payout, date)
        clearing_lines |= self._book_adjustments(store, payout, date)
        transfer = self._create_transfer(store, payout, date)
        if transfer:
            clearing_lines |= self._transfer_clearing_line(store, transfer)
        self._check_payout(store, payout, issues)
        self._reconcile_clearing(store, payout, clearing_lines, issues)
        self._record_issues(store, payout, transfer, issues)
        record = transfer or clearing_lines.move_id[:1]
        if record:
            Binding._bind(store, "payout", payout.external_id, record, revision=revision)
        if transfer:
            self._match_deposit(store, payout, transfer)
        return "created"

    @api.model
    def _revision(self, payout):
        return payout.updated_at.isoformat() if payout.updated_at else payout.status

    @api.model
    def _payout_date(self, payout):
        if payout.date:
            return self.env["ecommerce.order.builder"]._order_date(payout.date)
        return fields.Date.context_today(self)

    # ------------------------------------------------------------------
    # what the payout settles
    @api.model
    def _settled_payments(self, store, payout, issues):
        """The Odoo payment of each charge and refund line of the payout.

        :return: list of ``(payout line, account.payment)``
        :raise UserError: when some are not imported yet
        """
        Binding = self.env["ecommerce.binding"]
        settled, missing = [], []
        used = self.env["account.payment"]
        for line in payout.lines:
            if line.kind not in SETTLED_KINDS:
                continue
            payment = None
            if line.transaction_external_id:
                record = Binding._find_record(store, "transaction", line.transaction_external_id)
                payment = record if record and record._name == "account.payment" else None
            if payment is None and line.order_external_id:
                payment = self._payment_by_order(store, line, used)
            if payment is None:
                missing.append(line.transaction_external_id or line.order_external_id or line.external_id)
                continue
            used |= payment
            settled.append((line, payment))
            self._check_settled_amount(store, line, payment, issues)
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
        """The payment of an order matching a payout line that names no transaction (same direction and amount)."""
        sale_order = self.env["ecommerce.binding"]._find_record(store, "order", line.order_external_id)
        if not sale_order:
            return None
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
        return (same or payments)[:1] or None

    @api.model
    def _check_settled_amount(self, store, line, payment, issues):
        if payment.currency_id.name != line.currency:
            return
        if not payment.currency_id.is_zero(payment.amount - abs(float(line.amount))):
            issues.append(
                _(
                    "Line %(line)s settles %(amount)s %(currency)s, the Odoo payment %(payment)s is %(odoo)s.",
                    line=line.external_id,
                    amount=line.amount,
                    currency=line.currency,
                    payment=payment.display_name,
                    odoo=payment.amount,
                )
            )

    @api.model
    def _payment_clearing_line(self, payment):
        return payment.move_id.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)

    @api.model
    def _clearing_lines(self, store, settled):
        """The clearing lines of the settled payments in the payout's currency (others are converted)."""
        lines = self.env["account.move.line"]
        for line, payment in settled:
            if payment.currency_id.name == line.currency:
                lines |= self._payment_clearing_line(payment)
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

        :return: the lines in the payout's currency, to reconcile with the payout
        """
        foreign = [(line, payment) for line, payment in settled if payment.currency_id.name != line.currency]
        if not foreign:
            return self.env["account.move.line"]
        FeeBuilder = self.env["ecommerce.fee.builder"]
        values = []
        for line, payment in foreign:
            clearing_line = self._payment_clearing_line(payment)
            payout_line = FeeBuilder._move_line_values(
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
        move = FeeBuilder._post_clearing_entry(
            store, values, _("Payout %(payout)s: currency conversion", payout=payout.external_id), date
        )
        for _line, payment in foreign:
            clearing_line = self._payment_clearing_line(payment)
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
        """The fee entries of the payout (new or already booked); return their clearing lines."""
        Binding = self.env["ecommerce.binding"]
        FeeBuilder = self.env["ecommerce.fee.builder"]
        moves = self.env["account.move"]
        fees = payout.fees()
        pending = []
        for fee in fees:
            booked = Binding._find_record(store, "fee", fee.external_id)
            if booked:
                moves |= booked
            else:
                pending.append(fee)
        if pending and store.fee_grouping == "transaction":
            for fee in pending:
                move = FeeBuilder._create_fee_entry(store, [fee], FeeBuilder._fee_label(fee), date)
                Binding._bind(store, "fee", fee.external_id, move, external_name=fee.description or fee.kind)
                moves |= move
        elif pending:
            move = FeeBuilder._create_fee_entry(
                store, pending, _("Payout %(payout)s fees", payout=payout.external_id), date
            )
            for fee in pending:
                Binding._bind(store, "fee", fee.external_id, move, external_name=fee.description or fee.kind)
            moves |= move
        return moves.line_ids.filtered(
            lambda line: line.account_id == store.clearing_account_id and not line.reconciled
        )

    @api.model
    def _book_adjustments(self, store, payout, date):
        """One entry for the payout's other items (chargebacks, reserves, adjustments); return its clearing lines."""
        others = [line for line in payout.lines if line.kind not in SETTLED_KINDS and line.amount]
        if not others:
            return self.env["account.move.line"]
        FeeBuilder = self.env["ecommerce.fee.builder"]
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
                FeeBuilder._move_line_values(store, store.clearing_account_id, line.currency, line.amount, date, label)
            )
            values.append(FeeBuilder._move_line_values(store, account, line.currency, -line.amount, date, label))
        move = FeeBuilder._post_clearing_entry(
            store, values, _("Payout %(payout)s: other items", payout=payout.external_id), date
        )
        return move.line_ids.filtered(lambda line: line.account_id == store.clearing_account_id)

    @api.model
    def _create_transfer(self, store, payout, date):
        """The internal transfer of the payout: clearing journal -> payout bank journal.

        Two payments through the company's transfer account, paired and
        reconciled together.

        :return: the payment out of the clearing journal (empty for a zero payout)
        """
        if not payout.amount:
            return self.env["account.payment"]
        company = store.company_id
        if not company.transfer_account_id:
            raise UserError(_("Set the company's internal transfer account to book payouts."))
        sending = self.env["account.payment"].create(
            self._prepare_transfer_payment(store, payout, date, store.clearing_journal_id, outgoing=True)
        )
        receiving = self.env["account.payment"].create(
            self._prepare_transfer_payment(store, payout, date, store.payout_journal_id, outgoing=False)
        )
        sending.paired_internal_transfer_payment_id = receiving
        receiving.paired_internal_transfer_payment_id = sending
        (sending | receiving).action_post()
        (sending | receiving).move_id.write({"ecommerce_store_id": store.id})
        (sending | receiving).move_id.line_ids.filtered(
            lambda line: line.account_id == company.transfer_account_id
        ).reconcile()
        return sending

    @api.model
    def _prepare_transfer_payment(self, store, payout, date, journal, outgoing):
        """Values of one side of the payout transfer.

        :rtype: dict
        """
        sends = outgoing == (payout.amount > 0)
        payment_type = "outbound" if sends else "inbound"
        method_lines = journal.outbound_payment_method_line_ids if sends else journal.inbound_payment_method_line_ids
        company = store.company_id
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": company.partner_id.id,
            "destination_account_id": company.transfer_account_id.id,
            "amount": abs(float(payout.amount)),
            "currency_id": self.env["ecommerce.order.builder"]._currency(payout.currency).id,
            "journal_id": journal.id,
            "payment_method_line_id": method_lines[:1].id,
            "date": date,
            "memo": _("Payout %(payout)s", payout=payout.external_id),
            "payment_reference": payout.external_id,
            "company_id": company.id,
        }

    @api.model
    def _transfer_clearing_line(self, store, transfer):
        return self._payment_clearing_line(transfer)

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
                _(
                    "The payout's lines add up to %(net)s, the payout is %(amount)s %(currency)s.",
                    net=payout.net_total,
                    amount=payout.amount,
                    currency=payout.currency,
                )
            )

    @api.model
    def _reconcile_clearing(self, store, payout, lines, issues):
        """Reconcile the payout's clearing lines together; what does not net to zero is reported."""
        lines = lines.filtered(lambda line: not line.reconciled)
        for account, group in lines.grouped("account_id").items():
            if account != store.clearing_account_id:
                issues.append(
                    _(
                        "%(count)s payments of the payout are on %(account)s, not on the store's clearing account.",
                        count=len(group),
                        account=account.display_name,
                    )
                )
                continue
            if group.filtered(lambda line: line.balance > 0) and group.filtered(lambda line: line.balance < 0):
                group.reconcile()
            residual = sum(group.mapped("amount_residual"))
            if not store.company_id.currency_id.is_zero(residual):
                issues.append(
                    _(
                        "The payout leaves %(residual)s %(currency)s open on the clearing account.",
                        residual=residual,
                        currency=store.company_id.currency_id.name,
                    )
                )

    @api.model
    def _record_issues(self, store, payout, transfer, issues):
        Discrepancy = self.env["ecommerce.discrepancy"]
        if not issues:
            Discrepancy._resolve(store, "payout_mismatch", payout.external_id)
            return
        Discrepancy._flag(
            store,
            "payout_mismatch",
            _("Payout %(payout)s: %(issues)s", payout=payout.external_id, issues="\n".join(issues)),
            external_id=payout.external_id,
            record=transfer or None,
            expected=float(payout.amount),
            found=float(payout.net_total),
            currency=self.env["ecommerce.order.builder"]._currency(payout.currency),
        )

    # ------------------------------------------------------------------
    # bank deposit
    @api.model
    def _match_deposit(self, store, payout, transfer):
        """Match the payout's bank statement line, when it exists, with the receiving payment.

        :return: whether a statement line was matched now
        """
        receiving = transfer.paired_internal_transfer_payment_id
        if not receiving or receiving.is_matched or receiving.state not in ("in_process", "paid"):
            return False
        statement_line = self._find_deposit(receiving, payout.external_id)
        if not statement_line:
            return False
        return self._reconcile_deposit(statement_line, receiving)

    @api.model
    def _find_deposit(self, receiving, reference=""):
        """An unreconciled statement line of the payout journal with the payout's amount near its date."""
        amount = receiving.amount if receiving.payment_type == "inbound" else -receiving.amount
        candidates = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", receiving.journal_id.id),
                ("is_reconciled", "=", False),
                ("amount", "=", amount),
                ("date", ">=", receiving.date - timedelta(days=DEPOSIT_WINDOW_BEFORE)),
                ("date", "<=", receiving.date + timedelta(days=DEPOSIT_WINDOW_AFTER)),
            ]
        )
        if reference:
            named = candidates.filtered(lambda line: reference in (line.payment_ref or ""))
            candidates = named or candidates
        return candidates.sorted(lambda line: (abs((line.date - receiving.date).days), line.id))[:1]

    @api.model
    def _reconcile_deposit(self, statement_line, receiving):
        """Match a statement line with a payment: its suspense line takes the payment's outstanding account
        and the two are reconciled (what Odoo's bank reconciliation does)."""
        payment_line = self._payment_clearing_line(receiving)
        if not payment_line or payment_line.account_id == receiving.journal_id.default_account_id:
            return False
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        if len(suspense) != 1:
            return False
        statement_line.move_id.with_context(skip_readonly_check=True).write(
            {
                "line_ids": [
                    Command.update(
                        suspense.id,
                        {"account_id": payment_line.account_id.id, "partner_id": payment_line.partner_id.id},
                    )
                ]
            }
        )
        (suspense | payment_line).filtered(lambda line: not line.reconciled).reconcile()
        return True

    @api.model
    def _match_statement_lines(self, statement_lines):
        """Match newly imported statement lines with the payout transfers waiting for them."""
        stores = (
            self.env["ecommerce.store"].sudo().search([("payout_journal_id", "in", statement_lines.journal_id.ids)])
        )
        if not stores:
            return
        Payment = self.env["account.payment"].sudo()
        for statement_line in statement_lines.filtered(lambda line: not line.is_reconciled and line.amount):
            store = stores.filtered(lambda store, line=statement_line: store.payout_journal_id == line.journal_id)[:1]
            window = (
                statement_line.date - timedelta(days=DEPOSIT_WINDOW_AFTER),
                statement_line.date + timedelta(days=DEPOSIT_WINDOW_BEFORE),
            )
            receiving = Payment.search(
                [
                    ("journal_id", "=", statement_line.journal_id.id),
                    ("paired_internal_transfer_payment_id.journal_id", "=", store.clearing_journal_id.id),
                    ("is_matched", "=", False),
                    ("state", "in", ("in_process", "paid")),
                    ("amount", "=", abs(statement_line.amount)),
                    ("payment_type", "=", "inbound" if statement_line.amount > 0 else "outbound"),
                    ("date", ">=", window[0]),
                    ("date", "<=", window[1]),
                ]
            )
            receiving = receiving.sorted(
                lambda payment, line=statement_line: (abs((payment.date - line.date).days), payment.id)
            )
            if receiving:
                self._reconcile_deposit(statement_line, receiving[0])
