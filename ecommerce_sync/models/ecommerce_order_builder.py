from odoo import _, api, models

from ..ledger.issues import Issue
from .ecommerce_builder_mixin import IMPORT_CONTEXT

# discrepancy kinds the order builder raises and closes again once the difference is gone
TOTAL_KINDS = ("amount_mismatch", "tax_mismatch", "overpayment")


class EcommerceOrderBuilder(models.AbstractModel):
    """Store orders -> confirmed sale order -> posted invoice -> payments.

    The handler of canonical ``Order`` records (see ``_import_order``), which it books through
    the builder of each document:

    * the sale order and its lines at the store's amounts: ``ecommerce.sale.order.builder``
      (customers: ``ecommerce.partner.builder``);
    * the invoice, made by Odoo's ``_create_invoices`` from the sale order, dated on the order,
      at the store's rate and tax: ``ecommerce.invoice.builder``;
    * a posted payment per captured transaction, in the store's clearing journal (or the
      journal mapped to its gateway), reconciled with the invoice; failed payments count
      towards the store's alert: ``ecommerce.payment.builder``;
    * the deliveries the store's fulfilments ship: ``ecommerce.stock.builder``;
    * the refunds the order carries: ``ecommerce.refund.builder``.

    What the builders find (unmatched products, unmapped taxes, totals that differ) is flagged
    here, once per kind and reference; total differences close once a revision books right.

    **Edits.** A newer revision of an order updates the same sale order.
    When what the invoice says (products, quantities, prices, discounts,
    taxes) has not changed, the invoice is left alone. When it has, the
    posted invoice is never rewritten: it is reversed by a full credit note
    reconciled with it (Odoo's "reverse and create invoice"), which frees its
    payments, and a new invoice is made from the updated sale order, posted,
    and reconciled with the payments. The books show both documents, the
    numbering keeps no gap, and locked periods stay untouched.

    **Cancellations.** A cancelled order cancels its sale order. Its invoice,
    when nothing was paid or credited on it, is reversed by a full credit
    note; when the customer had paid, the store's refunds settle it.

    Every step is a small method the stock part (or a platform) extends with
    ``_inherit`` and ``super()``.
    """

    _name = "ecommerce.order.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Order Builder"

    # ------------------------------------------------------------------
    # entry points
    @api.model
    def _import_order(self, store, order):
        """Handle one canonical order: create or update its documents (a batch of one).

        :param store: ecommerce.store
        :param order: canonical Order
        :return: "created", "updated" or "skipped"
        :raise UserError: when the order cannot be booked (inactive currency, ...)
        """
        return self._import_orders(store, [order])[0]

    @api.model
    def _import_orders(self, store, orders):
        """Handle canonical orders as one batch: create or update their documents.

        New orders are booked together (:meth:`_create_orders`); known ones are updated one by
        one (:meth:`_update_order`); an order that comes twice (two revisions) is handled again
        after the others.

        :return: per order, "created", "updated" or "skipped"
        :rtype: list[str]
        :raise UserError: when an order cannot be booked (the engine splits the batch to find it)
        """
        if not self.env.context.get("tracking_disable"):
            return self.with_context(**IMPORT_CONTEXT)._import_orders(store, orders)
        store = store.with_env(self.env).with_company(store.company_id)
        store._ensure_accounting()
        outcomes = [None] * len(orders)
        seen, later = set(), []
        bindings = self.env["ecommerce.binding"]._find_all(store, "order", [order.external_id for order in orders])
        new = []
        for index, order in enumerate(orders):
            if order.external_id in seen:
                later.append(index)
                continue
            seen.add(order.external_id)
            binding = bindings.get(str(order.external_id))
            sale_order = binding._record() if binding else None
            if not sale_order:
                new.append(index)
            elif binding.revision and order.revision and binding.revision >= order.revision:
                outcomes[index] = "skipped"
            else:
                outcomes[index] = self._update_order(store, order, sale_order)
        if new:
            self._create_orders(store, [orders[index] for index in new])
            for index in new:
                outcomes[index] = "created"
        if later:
            for index, outcome in zip(later, self._import_orders(store, [orders[i] for i in later]), strict=True):
                outcomes[index] = outcome
        return outcomes

    @api.model
    def _create_orders(self, store, orders):
        """Book new orders together: each step once for them all (sale orders, confirmation, invoices,
        payments), then what is particular to each (deliveries, refunds, cancellation).

        :return: the sale orders, in the order of ``orders``
        :rtype: sale.order
        """
        SaleOrders = self.env["ecommerce.sale.order.builder"]
        issues = [[] for _order in orders]
        sale_orders = SaleOrders._create_sale_orders(store, orders, issues)
        cancelled = [order.is_cancelled and not order.captured_amount and not order.refunds for order in orders]
        live = [index for index, flag in enumerate(cancelled) if not flag]
        live_orders = [orders[index] for index in live]
        live_sale_orders = self.env["sale.order"].browse([sale_orders[index].id for index in live])
        SaleOrders._confirm_sale_orders(store, live_sale_orders)
        invoices = self.env["ecommerce.invoice.builder"]._create_order_invoices(
            store, live_orders, live_sale_orders, [issues[index] for index in live]
        )
        self._create_order_payments(store, live_orders, live_sale_orders, invoices, [issues[index] for index in live])
        for index in live:
            order, sale_order = orders[index], sale_orders[index]
            self._record_failed_payments(store, order, sale_order)
            self._sync_stock(store, order, sale_order)
            self._sync_order_refunds(store, order, sale_order)
            if order.is_cancelled:
                self._cancel_order(store, order, sale_order)
        for index, flag in enumerate(cancelled):
            if flag:
                self._cancel_order(store, orders[index], sale_orders[index])
        self._record_issues_all(store, orders, sale_orders, issues)
        self.env["ecommerce.binding"]._bind_new(
            store,
            "order",
            [
                (order.external_id, sale_order, order.revision, order.name, self._to_naive(order.created_at))
                for order, sale_order in zip(orders, sale_orders, strict=True)
            ],
        )
        self._note_imported(
            store,
            [
                (record, order.name)
                for order, sale_order in zip(orders, sale_orders, strict=True)
                for record in (sale_order, *sale_order.picking_ids)
            ],
        )
        return sale_orders

    @api.model
    def _update_order(self, store, order, sale_order):
        """Apply a newer revision of a known order to its documents.

        :return: "updated"
        """
        SaleOrders = self.env["ecommerce.sale.order.builder"]
        issues = []
        invoice_changed = SaleOrders._update_sale_order(store, order, sale_order, issues)
        if order.is_cancelled and not order.captured_amount and not order.refunds:
            self._cancel_order(store, order, sale_order)
        else:
            SaleOrders._confirm_sale_order(store, order, sale_order)
            invoice = self.env["ecommerce.invoice.builder"]._sync_invoice(
                store, order, sale_order, invoice_changed, issues
            )
            self._sync_payments(store, order, sale_order, invoice, issues)
            self._sync_stock(store, order, sale_order)
            self._sync_order_refunds(store, order, sale_order)
            if order.is_cancelled:
                self._cancel_order(store, order, sale_order)
        self._record_issues(store, order, sale_order, issues)
        self.env["ecommerce.binding"]._bind(
            store,
            "order",
            order.external_id,
            sale_order,
            revision=order.revision,
            external_name=order.name,
            created_at=self._to_naive(order.created_at),
        )
        return "updated"

    @api.model
    def _cancel_order(self, store, order, sale_order):
        """Cancel the sale order; reverse its invoice when nothing was paid or credited on it."""
        self.env["ecommerce.invoice.builder"]._cancel_invoices(store, order, sale_order)
        if sale_order.state != "cancel":
            self.env["ecommerce.sale.order.builder"]._cancel_sale_order(store, order, sale_order)
            self._note(
                sale_order,
                _("Cancelled in the store (%(store)s: order %(order)s).", store=store.name, order=order.name),
            )

    # ------------------------------------------------------------------
    # payments
    @api.model
    def _sync_payments(self, store, order, sale_order, invoice, issues=None):
        """One posted payment per captured transaction, reconciled with the invoice; failures counted.

        A transaction whose id the store changed since the last revision keeps its payment
        (``ecommerce.payment.builder._edited_transaction_payments``). The invoice is reconciled
        with every payment of the order (also those of earlier revisions, freed by an edit) and
        with its open credit notes.

        :param list issues: ``ledger.issues.Issue`` to which an order paid beyond its total is added

        :rtype: account.payment
        """
        Payments = self.env["ecommerce.payment.builder"]
        payments = self.env["account.payment"]
        unbound = []
        for transaction in order.transactions:
            if transaction.is_captured_payment:
                payment = Payments._transaction_payment(store, transaction.external_id)
                if payment:
                    payments |= payment
                else:
                    unbound.append(transaction)
        edited = Payments._edited_transaction_payments(store, order, unbound)
        plans = []
        for transaction in unbound:
            payment = edited.get(str(transaction.external_id))
            if payment:
                payments |= payment
            else:
                plans.append(self._prepare_order_payment(store, order, sale_order, invoice, transaction))
        new_payments = Payments._post_payments(store, plans)
        payments |= new_payments
        if issues is not None:
            # every receipt of the order counts, also those of transactions the store no longer lists
            receipts = [payment for _binding, payment in Payments._order_receipts(store, order.name)]
            issues.extend(self._overpayment_issues(order, payments.union(*receipts)))
        self._record_failed_payments(store, order, sale_order)
        if invoice:
            open_credit_notes = sale_order.invoice_ids.filtered(
                lambda move: move.move_type == "out_refund" and move.state == "posted" and move.amount_residual
            )
            Payments._reconcile(payments.move_id | open_credit_notes, invoice)
        return payments

    @api.model
    def _create_order_payments(self, store, orders, sale_orders, invoices, issues=None):
        """The payments of the captured transactions of new orders, made, posted and reconciled at once.

        :param list invoices: per order, its invoice (``account.move``, may be empty)
        :param list issues: per order, the ``ledger.issues.Issue`` to which an order paid beyond its total is added
        :return: per order, its payments
        :rtype: list[account.payment]
        """
        Payments = self.env["ecommerce.payment.builder"]
        known = Payments._transaction_payments(
            store,
            [tx.external_id for order in orders for tx in order.transactions if tx.is_captured_payment],
        )
        plans, owners = [], []
        per_order = [self.env["account.payment"] for _order in orders]
        for index, (order, sale_order, invoice) in enumerate(zip(orders, sale_orders, invoices, strict=True)):
            for transaction in order.transactions:
                if not transaction.is_captured_payment:
                    continue
                payment = known.get(str(transaction.external_id))
                if payment:
                    per_order[index] |= payment
                else:
                    plans.append(self._prepare_order_payment(store, order, sale_order, invoice, transaction))
                    owners.append(index)
        new_payments = Payments._post_payments(store, plans)
        for index, payment in zip(owners, new_payments, strict=True):
            per_order[index] |= payment
        if issues is not None:
            for order, payments, order_issues in zip(orders, per_order, issues, strict=True):
                order_issues.extend(self._overpayment_issues(order, payments))
        Payments._reconcile_pairs(
            [(payments.move_id, invoice) for payments, invoice in zip(per_order, invoices, strict=True) if invoice]
        )
        return [payments & new_payments for payments in per_order]

    @api.model
    def _overpayment_issues(self, order, payments):
        """An ``overpayment`` issue when the order's payments (in its currency) exceed its total.

        :param order: canonical Order
        :param payments: account.payment of the order (receipts of its captured transactions)
        :rtype: list[ledger.issues.Issue]
        """
        currency = self._currency(order.currency)
        paid = sum(payments.filtered(lambda payment: payment.currency_id == currency).mapped("amount"))
        if currency.compare_amounts(paid, float(order.total)) <= 0:
            return []
        return [
            Issue(
                "overpayment",
                _(
                    "paid %(paid)s %(currency)s (%(count)s payments: %(references)s), beyond the order's total of "
                    "%(total)s.",
                    paid=currency.round(paid),
                    currency=currency.name,
                    count=len(payments),
                    references=", ".join(payments.mapped(lambda payment: payment.payment_reference or payment.name)),
                    total=order.total,
                ),
                expected=float(order.total),
                found=paid,
                currency=currency,
            )
        ]

    @api.model
    def _record_failed_payments(self, store, order, sale_order):
        """Note the order's failed payments, once each; they count towards the store's alert."""
        Payments = self.env["ecommerce.payment.builder"]
        for transaction in order.transactions:
            if transaction.is_failed_payment:
                Payments._record_failed_payment(
                    store,
                    transaction,
                    sale_order,
                    order.name,
                    self._to_naive(transaction.processed_at or order.created_at),
                )

    @api.model
    def _prepare_order_payment(self, store, order, sale_order, invoice, transaction):
        """The payment of a captured transaction of the order, settling its invoice.

        :rtype: ledger.plans.PaymentPlan
        """
        partner = invoice.commercial_partner_id if invoice else sale_order.partner_id.commercial_partner_id
        return self.env["ecommerce.payment.builder"]._prepare_transaction_plan(
            transaction, transaction.processed_at or order.created_at, partner, invoice, order.name
        )

    # ------------------------------------------------------------------
    # stock, refunds, issues
    @api.model
    def _sync_stock(self, store, order, sale_order):
        """Validate the delivery for what the store has shipped (before refunds restock anything).

        Imports that leave the stock to a job of its own (context ``ecommerce_defer_stock``, see
        ``ecommerce_sync_queue_job``) validate nothing here, unless the order is cancelled (its
        deliveries must be validated before the cancellation).

        :return: the transfers validated by this import
        :rtype: stock.picking
        """
        if self._defers_stock(order):
            return self.env["stock.picking"]
        return self.env["ecommerce.stock.builder"]._sync_fulfillments(store, order, sale_order)

    @api.model
    def _defers_stock(self, order):
        """Whether the deliveries and returns of ``order`` are left to a later job."""
        return bool(self.env.context.get("ecommerce_defer_stock")) and not order.is_cancelled

    @api.model
    def _sync_order_refunds(self, store, order, sale_order):
        """Book the refunds the order carries, unless the store's refunds flow is off (left to be done by hand)."""
        if not store.sync_refunds:
            return
        builder = self.env["ecommerce.refund.builder"].with_context(ecommerce_defer_stock=self._defers_stock(order))
        for refund in order.refunds:
            builder._import_refund(store, refund, order=order)

    @api.model
    def _record_issues(self, store, order, sale_order, issues):
        """Flag what the import found (one discrepancy per kind and reference); close fixed total differences.

        :param list issues: ``ledger.issues.Issue``
        """
        self._record_issues_all(store, [order], [sale_order], [issues])

    @api.model
    def _record_issues_all(self, store, orders, sale_orders, issues):
        """:meth:`_record_issues` for several orders, their fixed total differences closed at once.

        :param list issues: per order, its ``ledger.issues.Issue``
        """
        fixed = []
        for order, sale_order, order_issues in zip(orders, sale_orders, issues, strict=True):
            flagged = self._flag_issues(
                store, order_issues, _("Order %(order)s", order=order.name), order.external_id, sale_order
            )
            fixed += [(kind, order.external_id) for kind in TOTAL_KINDS if (kind, order.external_id) not in flagged]
        self.env["ecommerce.discrepancy"]._resolve_all(store, fixed)
