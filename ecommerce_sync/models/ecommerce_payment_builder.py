from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..ledger.plans import PaymentPlan


class EcommercePaymentBuilder(models.AbstractModel):
    """Store transactions and payouts -> posted payments, reconciled with what they settle.

    Shared by the order builder (a receipt per captured transaction, reconciled with the
    invoice), the refund builder (a refund per refund transaction, reconciled with the credit
    note) and the payout builder (the two payments of the transfer from the clearing journal to
    the bank). Each caller says what the payment is, as a ``ledger.plans.PaymentPlan``: journal
    or gateway, amount and currency, date, partner, memo and reference, the document it settles,
    the store transaction it records. A payment that records a transaction is bound to it
    (binding kind "transaction"), so it is made once.

    Failed payments of an order are recorded here too: bound once, noted on the sale order,
    counted for the store's alert.
    """

    _name = "ecommerce.payment.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Payment Builder"

    # ------------------------------------------------------------------
    @api.model
    def _transaction_payment(self, store, external_id):
        """The payment already made for a store transaction (an empty recordset when none).

        :rtype: account.payment
        """
        record = self.env["ecommerce.binding"]._find_record(store, "transaction", external_id)
        if record and record._name == "account.payment":
            return record
        return self.env["account.payment"]

    @api.model
    def _transaction_payments(self, store, external_ids):
        """The payments already made for store transactions, looked up at once.

        :return: ``{transaction external id: account.payment}``
        :rtype: dict
        """
        bindings = self.env["ecommerce.binding"]._find_all(store, "transaction", external_ids)
        return {
            external_id: record
            for external_id, binding in bindings.items()
            if binding.res_model == "account.payment" and (record := binding._record())
        }

    @api.model
    def _order_receipts(self, store, order_name):
        """The receipts booked for the transactions of a store order (cancelled ones left out).

        :param str order_name: the store's order number (the transactions' bindings name it)
        :return: ``(ecommerce.binding, account.payment)`` pairs
        :rtype: list
        """
        bindings = self.env["ecommerce.binding"].search(
            [
                ("store_id", "=", store.id),
                ("kind", "=", "transaction"),
                ("external_name", "=", order_name),
                ("res_model", "=", "account.payment"),
            ]
        )
        return [
            (binding, payment)
            for binding in bindings
            if (payment := binding._record()) and payment.payment_type == "inbound" and payment.state != "canceled"
        ]

    @api.model
    def _edited_transaction_payments(self, store, order, transactions):
        """The payments of earlier revisions of ``order`` that ``transactions`` (not bound yet) are.

        A store may fill in or correct a payment's transaction id after the fact (the gateway's id
        of an order paid earlier): the payment is the same, found again by the order, its kind (a receipt)
        and its gateway (its journal and memo), among the order's payments whose transaction the order no
        longer lists, of the same amount (another amount is another payment). Each one found is bound to its new
        transaction id and takes its reference.

        :param order: canonical Order
        :param list transactions: canonical captured Transaction of the order without a payment
        :return: ``{transaction external id: account.payment}`` of the transactions found again
        :rtype: dict
        """
        if not transactions:
            return {}
        listed = {str(transaction.external_id) for transaction in order.transactions}
        orphans = [
            (binding, payment)
            for binding, payment in self._order_receipts(store, order.name)
            if binding.external_id not in listed
        ]
        found = {}
        for transaction in transactions:
            journal = store._payment_journal(transaction.gateway)
            memo = self._transaction_memo(order.name, transaction.gateway)
            candidates = [
                (binding, payment)
                for binding, payment in orphans
                if payment.journal_id == journal
                and payment.memo == memo
                and payment.currency_id.name == transaction.currency
                and not payment.currency_id.compare_amounts(payment.amount, float(transaction.amount))
            ]
            if not candidates:
                continue
            binding, payment = candidates[0]
            orphans.remove((binding, payment))
            previous = binding.external_id
            binding.write({"external_id": str(transaction.external_id), "synced_at": fields.Datetime.now()})
            # the reference alone: it is on no journal item (their labels are the memo), and Odoo's
            # payment-to-entry synchronisation would rewrite the posted, reconciled entry for it
            payment._write({"payment_reference": transaction.reference or transaction.external_id})
            payment.invalidate_recordset(["payment_reference"])
            payment.message_post(
                body=_(
                    "The store's transaction of this payment is now %(new)s (was %(old)s).",
                    new=transaction.external_id,
                    old=previous,
                )
            )
            found[str(transaction.external_id)] = payment
        return found

    @api.model
    def _transaction_memo(self, name, gateway):
        """The memo of a transaction's payment: the order's name and the gateway."""
        return " ".join(part for part in (name, gateway) if part)

    @api.model
    def _prepare_transaction_plan(
        self, transaction, moment, partner, document, name, external_name=None, payment_type="inbound"
    ):
        """The payment of a store transaction (a receipt, or a refund when ``payment_type`` is "outbound").

        :param transaction: canonical Transaction
        :param datetime moment: when it happened, as the store says (its date is the payment's)
        :param partner: res.partner who paid or is paid
        :param document: account.move it settles (invoice or credit note; may be empty)
        :param str name: the order's name, in the memo
        :param str external_name: the order number the transaction binding carries (``name`` when None)
        :rtype: ledger.plans.PaymentPlan
        """
        return PaymentPlan(
            amount=transaction.amount,
            currency=transaction.currency,
            date=self._store_date(moment),
            partner=partner,
            memo=self._transaction_memo(name, transaction.gateway),
            reference=transaction.reference or transaction.external_id,
            payment_type=payment_type,
            gateway=transaction.gateway,
            document=document,
            transaction=transaction,
            external_name=name if external_name is None else external_name,
            recorded_at=self._to_naive(moment),
            shop_amount=transaction.shop_amount,
            shop_currency=transaction.shop_currency,
        )

    @api.model
    def _prepare_payment(self, store, plan):
        """Values of the ``account.payment`` of a plan.

        With the store's rate policy, a payment in the currency of the foreign-currency document it
        settles is valued at that document's rate: no exchange difference before the payout. When
        the platform converted the payment itself, a cent away from that rate, the payment takes
        the platform's amount (:meth:`_prepare_store_conversion`): no exchange difference at the
        payout either.

        :param plan: ledger.plans.PaymentPlan
        :rtype: dict
        :raise UserError: when the store has no journal for the payment
        """
        journal = plan.journal or store._payment_journal(plan.gateway)
        if not journal:
            raise UserError(_("The store %(store)s has no clearing journal.", store=store.name))
        currency = self._currency(plan.currency)
        method_lines = (
            journal.inbound_payment_method_line_ids
            if plan.payment_type == "inbound"
            else journal.outbound_payment_method_line_ids
        )
        values = {
            "payment_type": plan.payment_type,
            "partner_type": "customer",
            "partner_id": plan.partner.id,
            "amount": float(plan.amount),
            "currency_id": currency.id,
            "journal_id": journal.id,
            "payment_method_line_id": method_lines[:1].id,
            "date": plan.date,
            "memo": plan.memo,
            "payment_reference": plan.reference,
            "company_id": store.company_id.id,
        }
        if plan.destination_account:
            values["destination_account_id"] = plan.destination_account.id
        document = plan.document
        if document:
            receivable = document.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            values["destination_account_id"] = receivable.account_id[:1].id
            values["invoice_ids"] = [Command.set(document.ids)]
        company_currency = store.company_id.currency_id
        if (
            store.currency_rate_policy == "store"
            and document
            and currency == document.currency_id != company_currency
            and document.amount_total
        ):
            # at the rate of the document it settles (its receivable's own ratio, so that paying the whole
            # document matches it to the cent)
            ratio = abs(document.amount_total_signed) / document.amount_total
            values["force_balance"] = company_currency.round(float(plan.amount) * ratio)
            values.update(self._prepare_store_conversion(store, plan, currency, values["force_balance"]))
        return values

    @api.model
    def _prepare_store_conversion(self, store, plan, currency, balance):
        """The payment of ``plan`` at what the platform converted it to, when that differs from
        ``balance`` (the payment at the rate of the document it settles) by one rounding unit.

        A platform that takes payments in the customer's currency converts each transaction to its
        own currency by itself, and its payouts settle those amounts, while the document's rate
        converts the whole order: a partial payment or a refund may be a cent away from it, which
        would come back as an exchange difference when the payout converts the payment. The payment
        takes the platform's amount on its clearing line and stays at the document's rate on its
        receivable line, so that it settles the document as before; the cent between them is the
        payment's difference, on the company's exchange gain or loss account (Odoo's payment
        write-off line). Further apart, the two amounts are not a rounding of the same rate: the
        payment stays at the document's rate and the payout books the exchange difference.

        :param currency: res.currency of the payment
        :param float balance: the payment in the company's currency at the document's rate
        :return: the payment's values for that (``force_balance`` and ``write_off_line_vals``), or
            an empty dict
        :rtype: dict
        """
        company = store.company_id
        company_currency = company.currency_id
        if plan.shop_amount is None or plan.shop_currency != company_currency.name:
            return {}
        converted = company_currency.round(float(plan.shop_amount))
        difference = company_currency.round(converted - balance)
        if (
            company_currency.is_zero(difference)
            or company_currency.compare_amounts(abs(difference), company_currency.rounding) > 0
        ):
            return {}
        # the write-off line's balance, as Odoo signs it: the receivable is what the clearing line is not
        write_off = -difference if plan.payment_type == "inbound" else difference
        account = (
            company.expense_currency_exchange_account_id
            if write_off > 0
            else company.income_currency_exchange_account_id
        )
        if not account:
            return {}
        return {
            "force_balance": converted,
            "write_off_line_vals": [
                {
                    "name": _(
                        "Rounding of the store's conversion: %(amount)s %(currency)s to %(shop)s %(shop_currency)s",
                        amount=plan.amount,
                        currency=plan.currency,
                        shop=plan.shop_amount,
                        shop_currency=plan.shop_currency,
                    ),
                    "account_id": account.id,
                    "partner_id": plan.partner.id,
                    "currency_id": currency.id,
                    "amount_currency": 0.0,
                    "balance": write_off,
                }
            ],
        }

    @api.model
    def _post_payment(self, store, plan):
        """Create and post the payment of ``plan``; bind it to the store transaction it records.

        :rtype: account.payment
        """
        return self._post_payments(store, [plan])

    @api.model
    def _post_payments(self, store, plans):
        """Create and post the payments of ``plans`` at once; bind each to the store transaction it
        records, with a note naming the store and its order.

        :param list plans: ledger.plans.PaymentPlan of transactions not booked yet
        :return: the payments, in the order of ``plans``
        :rtype: account.payment
        """
        if not plans:
            return self.env["account.payment"]
        payments = self.env["account.payment"].create([self._prepare_payment(store, plan) for plan in plans])
        payments.action_post()
        payments.move_id.write({"ecommerce_store_id": store.id})
        recorded = [(plan, payment) for plan, payment in zip(plans, payments, strict=True) if plan.transaction]
        self.env["ecommerce.binding"]._bind_new(
            store,
            "transaction",
            [
                (
                    plan.transaction.external_id,
                    payment,
                    plan.transaction.status,
                    plan.external_name,
                    plan.recorded_at,
                )
                for plan, payment in recorded
            ],
        )
        self._note_imported(store, [(payment, plan.external_name) for plan, payment in recorded if plan.external_name])
        return payments

    @api.model
    def _post_transfer(self, store, sending, receiving):
        """Post an internal transfer: two payments through their common destination account, paired
        and reconciled together.

        :param sending: ledger.plans.PaymentPlan of the payment out of the first journal
        :param receiving: ledger.plans.PaymentPlan of the payment into the second one
        :return: the sending payment
        :rtype: account.payment
        """
        Payment = self.env["account.payment"]
        sent = Payment.create(self._prepare_payment(store, sending))
        received = Payment.create(self._prepare_payment(store, receiving))
        sent.paired_internal_transfer_payment_id = received
        received.paired_internal_transfer_payment_id = sent
        payments = sent | received
        payments.action_post()
        payments.move_id.write({"ecommerce_store_id": store.id})
        payments.move_id.line_ids.filtered(lambda line: line.account_id == sending.destination_account).reconcile()
        return sent

    @api.model
    def _reconcile(self, moves, documents):
        """Reconcile the open receivable lines of payments (or credit notes) with those of documents."""
        self._reconcile_pairs([(moves, documents)])

    @api.model
    def _reconcile_pairs(self, pairs):
        """Reconcile, pair by pair, the open receivable lines of payments (or credit notes) with those of
        the documents they settle, in one reconciliation of Odoo for all the pairs.

        :param list pairs: ``(account.move of payments or credit notes, account.move settled)``
        """
        plan = []
        for moves, documents in pairs:
            lines = (moves.line_ids | documents.line_ids).filtered(
                lambda line: (
                    line.account_type == "asset_receivable" and not line.reconciled and line.parent_state == "posted"
                )
            )
            for _account, group in lines.grouped("account_id").items():
                if group.filtered(lambda line: line.balance > 0) and group.filtered(lambda line: line.balance < 0):
                    plan.append(group)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
        for moves, documents in pairs:
            payments = moves.origin_payment_id
            if payments:
                for document in documents:
                    if payments - document.matched_payment_ids:
                        document.matched_payment_ids |= payments
                for payment in payments:
                    kept = payment.invoice_ids.filtered(lambda move: move.payment_state != "reversed")
                    if kept | documents != payment.invoice_ids:
                        payment.invoice_ids = kept | documents

    # ------------------------------------------------------------------
    # failed payments
    @api.model
    def _record_failed_payment(self, store, transaction, sale_order, order_name, recorded_at):
        """Note a failed payment of an order once; check the store's alert.

        :param transaction: canonical Transaction (failed)
        :param str order_name: the store's order number
        :param datetime recorded_at: when it failed (naive UTC): the alert counts the failures of its window
        """
        Binding = self.env["ecommerce.binding"]
        if Binding._find(store, "transaction", transaction.external_id):
            return
        Binding._bind(
            store,
            "transaction",
            transaction.external_id,
            sale_order,
            revision="failed",
            external_name=order_name,
            created_at=recorded_at,
        )
        sale_order.message_post(
            body=_(
                "Failed payment of %(amount)s %(currency)s (%(gateway)s): %(message)s",
                amount=transaction.amount,
                currency=transaction.currency,
                gateway=transaction.gateway or "-",
                message=transaction.message or transaction.status,
            )
        )
        self._check_failed_payments(store, sale_order, order_name)

    @api.model
    def _check_failed_payments(self, store, sale_order, order_name):
        """Flag the store (``failed_payment``) when the failed payments of its window exceed its threshold."""
        if store.failed_payment_threshold <= 0:
            return
        hours = store.failed_payment_window or 24
        since = fields.Datetime.now() - timedelta(hours=hours)
        count = self.env["ecommerce.binding"].search_count(
            [
                ("store_id", "=", store.id),
                ("kind", "=", "transaction"),
                ("revision", "=", "failed"),
                ("external_created_at", ">=", since),
            ]
        )
        if count > store.failed_payment_threshold:
            self.env["ecommerce.discrepancy"]._flag(
                store,
                "failed_payment",
                _(
                    "%(count)s failed payments in the last %(hours)s hours (alert above %(threshold)s); "
                    "the last one on order %(order)s.",
                    count=count,
                    hours=hours,
                    threshold=store.failed_payment_threshold,
                    order=order_name,
                ),
                record=sale_order,
                expected=store.failed_payment_threshold,
                found=count,
            )
