from odoo import _, api, models

# discrepancy kinds the order builder raises and closes again once the difference is gone
TOTAL_KINDS = ("amount_mismatch", "tax_mismatch")


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
    # entry point
    @api.model
    def _import_order(self, store, order):
        """Handle one canonical order: create or update its documents.

        :param store: ecommerce.store
        :param order: canonical Order
        :return: "created", "updated" or "skipped"
        :raise UserError: when the order cannot be booked (inactive currency, ...)
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        SaleOrders = self.env["ecommerce.sale.order.builder"]
        sale_order = Binding._find_record(store, "order", order.external_id)
        if sale_order and Binding._is_current(store, "order", order.external_id, order.revision):
            return "skipped"
        issues = []
        created = not sale_order
        if created:
            sale_order = SaleOrders._create_sale_order(store, order, issues)
            invoice_changed = True
        else:
            invoice_changed = SaleOrders._update_sale_order(store, order, sale_order, issues)
        if order.is_cancelled and not order.captured_amount and not order.refunds:
            self._cancel_order(store, order, sale_order)
        else:
            SaleOrders._confirm_sale_order(store, order, sale_order)
            invoice = self.env["ecommerce.invoice.builder"]._sync_invoice(
                store, order, sale_order, invoice_changed, issues
            )
            self._sync_payments(store, order, sale_order, invoice)
            self._sync_stock(store, order, sale_order)
            self._sync_order_refunds(store, order, sale_order)
            if order.is_cancelled:
                self._cancel_order(store, order, sale_order)
        self._record_issues(store, order, sale_order, issues)
        Binding._bind(
            store,
            "order",
            order.external_id,
            sale_order,
            revision=order.revision,
            external_name=order.name,
            created_at=self._to_naive(order.created_at),
        )
        return "created" if created else "updated"

    @api.model
    def _cancel_order(self, store, order, sale_order):
        """Cancel the sale order; reverse its invoice when nothing was paid or credited on it."""
        self.env["ecommerce.invoice.builder"]._cancel_invoices(store, order, sale_order)
        self.env["ecommerce.sale.order.builder"]._cancel_sale_order(store, order, sale_order)

    # ------------------------------------------------------------------
    # payments
    @api.model
    def _sync_payments(self, store, order, sale_order, invoice):
        """One posted payment per captured transaction, reconciled with the invoice; failures counted.

        The invoice is reconciled with every payment of the order (also those of earlier
        revisions, freed by an edit) and with its open credit notes.

        :rtype: account.payment
        """
        Payments = self.env["ecommerce.payment.builder"]
        payments = self.env["account.payment"]
        for transaction in order.transactions:
            if transaction.is_captured_payment:
                payment = Payments._transaction_payment(store, transaction.external_id)
                if not payment:
                    plan = self._prepare_order_payment(store, order, sale_order, invoice, transaction)
                    payment = Payments._post_payment(store, plan)
                payments |= payment
            elif transaction.is_failed_payment:
                Payments._record_failed_payment(
                    store,
                    transaction,
                    sale_order,
                    order.name,
                    self._to_naive(transaction.processed_at or order.created_at),
                )
        if invoice:
            open_credit_notes = sale_order.invoice_ids.filtered(
                lambda move: move.move_type == "out_refund" and move.state == "posted" and move.amount_residual
            )
            Payments._reconcile(payments.move_id | open_credit_notes, invoice)
        return payments

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

        :return: the transfers validated by this import
        :rtype: stock.picking
        """
        return self.env["ecommerce.stock.builder"]._sync_fulfillments(store, order, sale_order)

    @api.model
    def _sync_order_refunds(self, store, order, sale_order):
        builder = self.env["ecommerce.refund.builder"]
        for refund in order.refunds:
            builder._import_refund(store, refund, order=order)

    @api.model
    def _record_issues(self, store, order, sale_order, issues):
        """Flag what the import found (one discrepancy per kind and reference); close fixed total differences.

        :param list issues: ``ledger.issues.Issue``
        """
        flagged = self._flag_issues(
            store, issues, _("Order %(order)s", order=order.name), order.external_id, sale_order
        )
        Discrepancy = self.env["ecommerce.discrepancy"]
        for kind in TOTAL_KINDS:
            if (kind, order.external_id) not in flagged:
                Discrepancy._resolve(store, kind, order.external_id)
