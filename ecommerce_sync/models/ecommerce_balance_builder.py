from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..connector.balance import MATCH_WINDOW
from ..connector.records import ZERO
from ..ledger.plans import Settlement

SETTLED_CATEGORIES = ("charge", "refund")
DISPUTE_CATEGORIES = ("dispute", "dispute_reversal")


class EcommerceBalanceBuilder(models.AbstractModel):
    """Payment platform balances -> the clearing journal: each movement once, each payout tied out.

    The handler of ``BalanceMovement``, ``BalancePayout``, ``Dispute`` and
    ``FailedPayment`` records (``connector/balance.py``). The clearing journal
    of a payment platform store holds its balance: every movement is booked
    in it once (binding kind "movement"), so that after each payout the
    clearing account equals the platform's balance.

    * A charge or a refund settles the payment Odoo already has for it: the
      payment of the store's own order (a direct sale, imported by the
      orders flow), or the payment a linked store's order import booked
      (found by :meth:`_linked_payment`). Nothing is received twice. A
      payment in another currency than the settlement's is converted at the
      platform's amount; its fee becomes a fee entry
      (``ecommerce.fee.builder``).
    * A dispute withdraws its amount to the disputes account (its fee to the
      fee account) and opens a ``dispute`` discrepancy for the responsible
      user; a won dispute's reinstatement comes back from the disputes account.
    * Platform fees, adjustments, holds, releases and conversions are booked
      against the fee or adjustments account; a category the connector does
      not know goes to the suspense account with a discrepancy.
    * A payout's own movement is booked by its ``BalancePayout`` (the
      transfer to the bank, :meth:`_import_balance_payout`), after which the
      clearing account is compared with the balance the platform reported
      (``ecommerce.balance.check``); a payout the bank returned
      (``payout_reversal``) comes back from the bank journal.
    """

    _name = "ecommerce.balance.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Payment Platform Balance Builder"

    # ------------------------------------------------------------------
    # movements
    @api.model
    def _import_movement(self, store, movement):
        """Book one balance movement in the clearing journal.

        :param movement: canonical BalanceMovement
        :return: "created" or "skipped"
        :raise UserError: when the order or the payment it settles is not in Odoo yet
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        if Binding._find(store, "movement", movement.external_id) or movement.category == "payout":
            return "skipped"  # booked before; a payout's own movement is its transfer
        date = self._store_date(movement.created_at)
        if movement.category in SETTLED_CATEGORIES and not (movement.amount or movement.fee):
            record = None  # a payment the platform refused moved no money: there is nothing to settle
        elif movement.category in SETTLED_CATEGORIES:
            record = self._settle_payment(store, movement, date)
        elif movement.category in DISPUTE_CATEGORIES:
            record = self._book_item(store, movement, store.dispute_account_id, date)
        elif movement.category == "payout_reversal":
            record = self._reverse_payout(store, movement, date)
        elif movement.category == "other":
            message = _(
                "Balance movement %(movement)s of an unknown kind (%(kind)s) for %(amount)s %(currency)s is "
                "booked to the suspense account; book it where it belongs.",
                movement=movement.external_id,
                kind=movement.platform_category or movement.category,
                amount=movement.amount,
                currency=movement.currency,
            )
            record = self._book_to_suspense(store, movement, date, "unknown_movement", message, movement.net)
        else:
            account = store.fee_account_id if movement.category == "fee" else store.adjustment_account_id
            record = self._book_item(store, movement, account or store.fee_account_id, date)
        fee = movement.fee_record()
        if fee and movement.category != "fee":
            self.env["ecommerce.fee.builder"]._import_fee(store, fee)
        Binding._bind(
            store,
            "movement",
            movement.external_id,
            record or store,  # a movement of nothing is still handled once
            revision=movement.status or movement.category,
            external_name=movement.source_id or movement.category,
            created_at=self._to_naive(movement.created_at),
        )
        return "created"

    @api.model
    def _book_to_suspense(self, store, movement, date, kind, message, found):
        """The movement's gross amount booked to the suspense account, with a discrepancy of ``kind`` to review.

        :param found: the figure the discrepancy shows (Decimal)
        :rtype: account.move
        """
        move = self._book_item(store, movement, store.suspense_account_id, date)
        self.env["ecommerce.discrepancy"]._flag(
            store,
            kind,
            message,
            external_id=movement.external_id,
            record=move,
            found=float(found),
            currency=self._currency(movement.currency),
        )
        return move

    @api.model
    def _book_item(self, store, movement, account, date):
        """An entry of the movement's gross amount: the clearing account against ``account``.

        :rtype: account.move
        """
        label = _(
            "%(kind)s %(movement)s: %(description)s",
            kind=(movement.platform_category or movement.category).replace("_", " "),
            movement=movement.external_id,
            description=movement.description or movement.source_id or "-",
        )
        lines = [
            self._move_line_values(store, store.clearing_account_id, movement.currency, movement.amount, date, label),
            self._move_line_values(store, account, movement.currency, -movement.amount, date, label),
        ]
        if not movement.amount:
            return self.env["account.move"]
        return self._post_clearing_entry(store, lines, label, date)

    # ------------------------------------------------------------------
    # charges and refunds: the payment Odoo has
    @api.model
    def _settle_payment(self, store, movement, date):
        """The payment a charge or refund settles, bound to its transaction; converted when in another currency.

        :return: the payment, or the conversion entry of a payment in another currency
        :raise UserError: when the order is not imported yet
        """
        Payments = self.env["ecommerce.payment.builder"]
        transaction = movement.transaction_external_id or movement.source_id
        payment = Payments._transaction_payment(store, transaction) or self._linked_payment(store, movement)
        if not payment:
            return self._unmatched_payment(store, movement, date)
        return self._settle_with(store, movement, payment, date)

    @api.model
    def _settle_with(self, store, movement, payment, date):
        """Settle ``payment`` with the movement's charge or refund (found by matching, or linked by hand).

        The payment is bound to the movement's transaction (so the charge stays matched), its
        amount checked against the movement's, and converted at the platform's amount when it
        was received in another currency.

        :return: the payment, or the conversion entry of a payment in another currency
        """
        Payments = self.env["ecommerce.payment.builder"]
        transaction = movement.transaction_external_id or movement.source_id
        if not Payments._transaction_payment(store, transaction):
            self.env["ecommerce.binding"]._bind(
                store,
                "transaction",
                transaction,
                payment,
                external_name=movement.source_id,
                created_at=self._to_naive(movement.created_at),
            )
        Payouts = self.env["ecommerce.payout.builder"]
        settlement = Settlement(movement.payout_line(), payment, payment.currency_id.name)
        issues = []
        Payouts._check_settled_amount(settlement, issues)
        label = _("Balance movement %(movement)s", movement=movement.external_id)
        self._flag_issues(store, issues, label, movement.external_id, payment)
        if settlement.converted:
            # the payout builder's conversion, done as the platform settles the payment
            return Payouts._convert_foreign_payments(store, movement, [settlement], date).move_id[:1]
        return payment

    @api.model
    def _linked_payment(self, store, movement):
        """The payment a linked store's order import booked for the movement's charge or refund.

        Tried in order: the transaction ids the linked store keeps (the
        charge's, the payment intent's), the order the payment names with the
        store's address, then one order alone of the same amount, currency,
        customer email and date (``balance.MATCH_WINDOW``).

        :rtype: account.payment
        """
        match = movement.match
        Payments = self.env["ecommerce.payment.builder"]
        if match is None or not store.linked_store_ids:
            return self.env["account.payment"]
        for linked in store.linked_store_ids:
            for reference in match.transaction_ids:
                payment = Payments._transaction_payment(linked, reference)
                if payment and movement.category == "charge":
                    return payment
            if match.order_reference and (not match.site_url or match.is_from(linked._site_address())):
                sale_order = self.env["ecommerce.binding"]._find_record(linked, "order", match.order_reference)
                payment = self._order_payment(store, sale_order, movement)
                if payment:
                    return payment
        sale_orders = self._orders_by_amount(store, movement)
        if len(sale_orders) == 1:
            return self._order_payment(store, sale_orders, movement)
        return self.env["account.payment"]

    @api.model
    def _orders_by_amount(self, store, movement):
        """The linked stores' sale orders of the movement's amount, currency, email and date."""
        match = movement.match
        if movement.category != "charge" or match.amount is None or not match.email or match.paid_at is None:
            return self.env["sale.order"]
        paid_at = self._to_naive(match.paid_at)
        orders = self.env["sale.order"].search(
            [
                ("ecommerce_store_id", "in", store.linked_store_ids.ids),
                ("currency_id.name", "=", match.currency.upper()),
                ("amount_total", "=", float(match.amount)),
                ("date_order", ">=", paid_at - MATCH_WINDOW),
                ("date_order", "<=", paid_at + MATCH_WINDOW),
            ]
        )
        email = match.email.lower()
        return orders.filtered(lambda order: (order.partner_id.email or "").lower() == email)

    @api.model
    def _order_payment(self, store, sale_order, movement):
        """The order's payment in the store's clearing journal, in the movement's direction, not settled yet."""
        if not sale_order:
            return self.env["account.payment"]
        documents = sale_order.invoice_ids.filtered(lambda move: move.state == "posted")
        payments = documents._get_reconciled_payments()
        payment_type = "inbound" if movement.amount >= 0 else "outbound"
        settled = self.env["ecommerce.binding"].search(
            [("store_id", "=", store.id), ("kind", "=", "transaction"), ("res_model", "=", "account.payment")]
        )
        candidates = payments.filtered(
            lambda payment: (
                payment.payment_type == payment_type
                and payment.journal_id == store.clearing_journal_id
                and payment.id not in settled.mapped("res_id")
            )
        )
        amount = abs(float(movement.presentment_amount or movement.amount))
        same = candidates.filtered(lambda payment: payment.currency_id.is_zero(payment.amount - amount))
        return (same or candidates)[:1]

    # ------------------------------------------------------------------
    # payouts
    @api.model
    def _reverse_payout(self, store, movement, date):
        """A payout the bank returned: its money comes back to the clearing account.

        One entry: the clearing account against the account the payout's deposit was awaited
        on (the payout bank journal's outstanding receipts, or the transfer account when the
        journal receives without one), settled with the deposit (:meth:`_settle_returned_deposit`),
        so that no bank statement line is awaited for it.

        :rtype: account.move
        """
        receiving = self._payout_receipt(store, movement.source_id)
        move = self._book_item(store, movement, self._return_account(store, receiving), date)
        self._settle_returned_deposit(store, movement.source_id, move)
        return move

    @api.model
    def _return_account(self, store, receiving):
        """Where the deposit of a payout was awaited: the receipt's outstanding account, else the transfer account."""
        if receiving:
            account = receiving.outstanding_account_id
        else:
            account = store.payout_journal_id.inbound_payment_method_line_ids[:1].payment_account_id
        return account or store.company_id.transfer_account_id

    @api.model
    def _payout_receipt(self, store, payout_id):
        """The payment into the payout bank journal of a booked payout (empty when none)."""
        sent = self.env["ecommerce.binding"]._find_record(store, "payout", payout_id)
        if sent is None or sent._name != "account.payment":
            return self.env["account.payment"]
        return sent.paired_internal_transfer_payment_id

    @api.model
    def _settle_returned_deposit(self, store, payout_id, move=None):
        """The deposit of a returned payout will not arrive: settle it with the entry that brought the money back.

        Either may be booked first (the return's movement, or the payout read as failed). A
        receipt with an outstanding line is reconciled with the return; one without (a journal
        that receives straight to the bank) is cancelled, and the transfer account's lines are
        reconciled.

        :param move: the return's entry (looked up by its movement's binding when None)
        """
        receiving = self._payout_receipt(store, payout_id)
        if move is None:
            binding = self.env["ecommerce.binding"].search(
                [
                    ("store_id", "=", store.id),
                    ("kind", "=", "movement"),
                    ("res_model", "=", "account.move"),
                    ("external_name", "=", payout_id),
                ],
                limit=1,
            )
            move = binding._record() if binding else None
        if not receiving or not move or receiving.state == "canceled":
            return
        if receiving.outstanding_account_id:
            account = receiving.outstanding_account_id
            lines = self._outstanding_line(receiving)
        else:
            account = store.company_id.transfer_account_id
            lines = receiving.paired_internal_transfer_payment_id.move_id.line_ids
            receiving.action_cancel()
        lines = (lines | move.line_ids).filtered(lambda line: line.account_id == account and not line.reconciled)
        if lines.filtered(lambda line: line.balance > 0) and lines.filtered(lambda line: line.balance < 0):
            lines.reconcile()

    @api.model
    def _movement_lines(self, store, movement_id, currency):
        """The open clearing lines of a booked movement, in the settlement currency (None when not booked)."""
        record = self.env["ecommerce.binding"]._find_record(store, "movement", movement_id)
        if record is None:
            return None
        if record._name not in ("account.payment", "account.move"):
            return self.env["account.move.line"]
        moves = record.move_id if record._name == "account.payment" else record
        return moves.line_ids.filtered(
            lambda line: (
                line.account_id == store.clearing_account_id
                and line.currency_id.name == currency
                and not line.reconciled
            )
        )

    @api.model
    def _import_balance_payout(self, store, payout):
        """Book a payout of the balance: its transfer to the bank, tied to the movements it settles.

        :param payout: canonical BalancePayout
        :return: "created", "updated" or "skipped"
        :raise UserError: when a movement it settles is not booked yet
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        Payouts = self.env["ecommerce.payout.builder"]
        transfer = Binding._find_record(store, "payout", payout.external_id)
        if transfer:
            if payout.status == "failed":
                self._settle_returned_deposit(store, payout.external_id)
                matched = False
            else:
                matched = transfer._name == "account.payment" and self.env["ecommerce.deposit.builder"]._match_deposit(
                    store, payout, transfer
                )
            if payout.revision != Binding._find(store, "payout", payout.external_id).revision:
                Binding._bind(store, "payout", payout.external_id, transfer, revision=payout.revision)
                return "updated"
            return "updated" if matched else "skipped"
        if payout.status not in ("paid", "in_transit", "failed"):
            return "skipped"
        if not store.payout_journal_id:
            raise UserError(_("The store %(store)s has no payout bank journal: set it on the store.", store=store.name))
        date = self._store_date(payout.date)
        clearing_lines, missing = self.env["account.move.line"], []
        for movement in payout.movements:
            lines = self._movement_lines(store, movement.external_id, payout.currency)
            if lines is None:
                missing.append(movement.external_id)
            else:
                clearing_lines |= lines
        if missing:
            raise UserError(
                _(
                    "Payout %(payout)s settles balance movements that are not booked yet (%(missing)s); it is "
                    "retried once they are.",
                    payout=payout.external_id,
                    missing=", ".join(missing),
                )
            )
        clearing_lines |= Payouts._book_fees(store, payout, date)
        transfer = Payouts._create_transfer(store, payout, date)
        if transfer:
            clearing_lines |= self._outstanding_line(transfer)
        issues = []
        if payout.automatic:
            Payouts._check_payout(store, payout, issues)
            Payouts._reconcile_clearing(store, payout, clearing_lines, issues)
        Payouts._record_issues(store, payout, transfer, issues)
        if transfer:
            Binding._bind(
                store,
                "payout",
                payout.external_id,
                transfer,
                revision=payout.revision,
                created_at=self._to_naive(payout.balance_at),
            )
            records = {
                external_id: binding._record()
                for external_id, binding in Binding._find_all(
                    store, "movement", [movement.external_id for movement in payout.movements]
                ).items()
            }
            self.env["ecommerce.payout.line"]._record_payout(store, payout, transfer, records)
            if payout.status == "failed":
                self._settle_returned_deposit(store, payout.external_id)
            else:
                self.env["ecommerce.deposit.builder"]._match_deposit(store, payout, transfer)
        self.env["ecommerce.balance.check"]._check_balance(store, payout, transfer)
        return "created"

    # ------------------------------------------------------------------
    # disputes and failed payments
    @api.model
    def _import_dispute(self, store, dispute):
        """A dispute opened, won or lost: a ``dispute`` discrepancy while it is open, closed with its outcome.

        Its money moves with its balance movements (:meth:`_import_movement`).

        :param dispute: canonical Dispute
        """
        Binding = self.env["ecommerce.binding"]
        Discrepancy = self.env["ecommerce.discrepancy"]
        binding = Binding._find(store, "dispute", dispute.external_id)
        if binding and binding.revision == dispute.revision:
            return "skipped"
        if not binding and (not dispute.is_inquiry or dispute.withdrawn):
            # first seen: flagged for the responsible user, even when it is read already decided
            Discrepancy._flag(
                store,
                "dispute",
                _(
                    "Dispute %(dispute)s of %(charge)s (%(reason)s): %(amount)s %(currency)s withdrawn, fees "
                    "%(fees)s; respond before %(due)s.",
                    dispute=dispute.external_id,
                    charge=dispute.charge_external_id,
                    reason=dispute.reason or "-",
                    amount=dispute.amount,
                    currency=dispute.currency,
                    fees=dispute.fees or ZERO,
                    due=dispute.evidence_due_by or "-",
                ),
                external_id=dispute.external_id,
                expected=float(dispute.amount),
                currency=self._currency(dispute.currency),
            )
        if dispute.status in ("won", "lost", "closed"):
            for discrepancy in Discrepancy._resolve(store, "dispute", dispute.external_id):
                discrepancy.message_post(
                    body=_(
                        "The dispute is %(status)s on the platform.", status=dispute.platform_status or dispute.status
                    )
                )
        Binding._bind(store, "dispute", dispute.external_id, store, revision=dispute.revision)
        return "updated" if binding else "created"

    @api.model
    def _import_failed_payment(self, store, failed):
        """A refused payment attempt: counted once for the store's failed-payment alert, noted on the store.

        :param failed: canonical FailedPayment
        """
        if self.env["ecommerce.binding"]._find(store, "transaction", failed.external_id):
            return "skipped"
        failed_at = self._to_naive(failed.failed_at) if failed.failed_at else fields.Datetime.now()
        name = failed.order_external_id or failed.external_id
        self.env["ecommerce.payment.builder"]._record_failed_payment(
            store, failed.transaction(), store, name, failed_at
        )
        return "created"
