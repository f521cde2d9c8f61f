from decimal import Decimal

from odoo import Command, _, api, models
from odoo.exceptions import UserError

from ..connector.records import money_sum
from ..ledger.issues import Issue
from ..ledger.plans import LinePlan, StoreTotals
from .ecommerce_builder_mixin import IMPORT_CONTEXT


class EcommerceRefundBuilder(models.AbstractModel):
    """Store refunds -> credit note of the invoice -> refund payments.

    The handler of canonical ``Refund`` records (also called for the refunds
    an Order carries). A refund with money credited becomes a credit note
    made by Odoo's reversal of the order's invoice (``ecommerce.invoice.builder``),
    with the lines the store refunded, planned here as ``ledger.plans.LinePlan``:
    each refunded item (its quantity, at the amount the store refunded),
    refunded shipping on the shipping product, and other adjustments (goodwill,
    rounding) on the fallback product. Its amounts equal the store's to the
    cent the same way invoices do.

    Each successful refund transaction becomes an outbound payment out of the
    clearing journal (or the gateway's journal), reconciled with the credit
    note (``ecommerce.payment.builder``); a credit note left open (store
    credit, unpaid invoice) is reconciled with the invoice when the invoice is
    still open.

    Credit notes are linked to the invoice (``reversed_entry_id``) and shown
    on the sale order, but do not lower the quantities the sale order has
    invoiced: the sale order keeps what was sold, the credit note what was
    given back, and a later edit of the order re-invoices exactly the order.

    Restocking goes through the stock builder: ``_sync_refund_stock`` hands
    the refund record (``refund.lines[*].restock``, quantities), the sale
    order and the credit note to ``ecommerce.stock.builder._restock_refund``.
    """

    _name = "ecommerce.refund.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Refund Builder"

    # ------------------------------------------------------------------
    @api.model
    def _import_refunds(self, store, refunds):
        """Handle canonical refunds of a page, one after the other (a refund reads what the one before
        it booked on the same order).

        :return: per refund, "created", "updated" or "skipped"
        :rtype: list[str]
        """
        if not self.env.context.get("tracking_disable"):
            return self.with_context(**IMPORT_CONTEXT)._import_refunds(store, refunds)
        return [self._import_refund(store, refund) for refund in refunds]

    @api.model
    def _import_refund(self, store, refund, order=None):
        """Handle one canonical refund.

        :param store: ecommerce.store
        :param refund: canonical Refund
        :param order: the canonical Order carrying the refund, when known (for extensions: the
            refund's documents come from the imported sale order)
        :return: "created", "updated" or "skipped"
        :raise UserError: when the refunded order is not imported yet (the
            engine keeps the refund for retry)
        """
        if not self.env.context.get("tracking_disable"):
            return self.with_context(**IMPORT_CONTEXT)._import_refund(store, refund, order=order)
        store = store.with_env(self.env).with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        sale_order = Binding._find_record(store, "order", refund.order_external_id)
        if not sale_order:
            sale_order = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", store.id), ("ecommerce_external_id", "=", refund.order_external_id)],
                limit=1,
            )
        if not sale_order:
            raise UserError(
                _(
                    "Refund %(refund)s belongs to order %(order)s, which is not imported yet; it is retried later.",
                    refund=refund.external_id,
                    order=refund.order_external_id,
                )
            )
        binding = Binding._find(store, "refund", refund.external_id)
        issues = []
        credit_note = self.env["account.move"]
        if binding:
            record = Binding._find_record(store, "refund", refund.external_id)
            credit_note = record if record and record._name == "account.move" else credit_note
            payments = self._sync_refund_payments(store, refund, sale_order, credit_note)
            # a refund first read without its items (an amount) restocks when they come
            returns = self._sync_refund_stock(store, refund, sale_order, credit_note)
            return "updated" if payments or returns else "skipped"
        invoice = self.env["ecommerce.invoice.builder"]._current_invoice(sale_order)
        if refund.total:
            if invoice:
                credit_note = self._create_credit_note(store, refund, sale_order, invoice, issues)
            else:
                issues.append(
                    Issue(
                        "amount_mismatch",
                        _(
                            "Refund %(refund)s of %(amount)s has no posted invoice to credit.",
                            refund=refund.external_id,
                            amount=refund.total,
                        ),
                        record=sale_order,
                        expected=refund.total,
                    )
                )
        order_name = sale_order.ecommerce_order_name or sale_order.name
        if credit_note:
            # the credit note is linked to the invoice, not to the order lines: show it on the order now
            sale_order.invalidate_recordset(["invoice_ids", "invoice_count"])
            self._note_imported(store, [(credit_note, order_name)])
        self._note(
            sale_order,
            _(
                "Refunded in the store (%(store)s: order %(order)s): %(amount)s %(currency)s, refund %(refund)s.",
                store=store.name,
                order=order_name,
                amount=refund.total,
                currency=refund.currency,
                refund=refund.external_id,
            ),
        )
        self._sync_refund_payments(store, refund, sale_order, credit_note)
        self._sync_refund_stock(store, refund, sale_order, credit_note)
        self._record_issues(store, refund, sale_order, issues)
        Binding._bind(
            store,
            "refund",
            refund.external_id,
            credit_note or sale_order,
            revision=str(len([tx for tx in refund.transactions if tx.is_refund])),
            external_name=sale_order.ecommerce_order_name or sale_order.name,
            created_at=self._to_naive(refund.created_at),
        )
        return "created"

    @api.model
    def _sync_refund_stock(self, store, refund, sale_order, credit_note):
        """Bring restocked items back through a return of the sale order's delivery.

        See ``ecommerce.stock.builder._restock_refund``: restocked units not
        yet shipped come off the open delivery, shipped ones come back through
        a validated return; refunds without restock move nothing. Left to a later job, as the
        order's deliveries, under the context ``ecommerce_defer_stock`` (see
        ``ecommerce.order.builder._sync_stock``).

        :param refund: canonical Refund (its ``lines`` say what is restocked and how many)
        :param sale_order: the sale order of the refunded order
        :param credit_note: the credit note made for the refund (empty when no money was credited)
        :return: the validated returns
        :rtype: stock.picking
        """
        if self.env.context.get("ecommerce_defer_stock"):
            return self.env["stock.picking"]
        return self.env["ecommerce.stock.builder"]._restock_refund(store, refund, sale_order)

    # ------------------------------------------------------------------
    # credit note
    @api.model
    def _refund_totals(self, refund, tax_included):
        """What the store says the refund's credit note is worth (``RefundLine.amount`` is without tax).

        :rtype: ledger.plans.StoreTotals
        """
        untaxed = money_sum(line.amount for line in refund.lines) + money_sum(adj.amount for adj in refund.adjustments)
        tax = money_sum(line.tax_amount for line in refund.lines) + money_sum(
            adj.tax_amount for adj in refund.adjustments
        )
        return StoreTotals(untaxed=untaxed, tax=tax, tax_included=tax_included)

    @api.model
    def _tax_included(self, sale_order):
        """Whether the order was booked with prices including taxes (read from its lines)."""
        taxes = sale_order.order_line.tax_id
        return bool(taxes) and all(tax.price_include for tax in taxes)

    @api.model
    def _create_credit_note(self, store, refund, sale_order, invoice, issues):
        """The posted credit note of a refund, from Odoo's reversal of ``invoice``.

        :param list issues: collects ``ledger.issues.Issue``
        :rtype: account.move
        """
        tax_included = self._tax_included(sale_order)
        plans = self._prepare_credit_note_plans(store, refund, sale_order, invoice, tax_included, issues)
        return self.env["ecommerce.invoice.builder"]._create_credit_note(
            store,
            invoice,
            self._prepare_credit_note(store, refund, sale_order, invoice),
            plans,
            self._refund_totals(refund, tax_included),
            issues,
        )

    @api.model
    def _prepare_credit_note(self, store, refund, sale_order, invoice):
        """Header values of the credit note (given to ``_reverse_moves`` as defaults).

        :rtype: dict
        """
        date = max(self._store_date(refund.created_at), invoice.invoice_date)
        reason = refund.note or _("Refund %(refund)s", refund=refund.external_id)
        values = {
            "ref": _("%(order)s: %(reason)s", order=sale_order.client_order_ref or sale_order.name, reason=reason),
            "invoice_date": date,
            "date": date,
            "invoice_origin": sale_order.name,
            "ecommerce_store_id": store.id,
        }
        if not invoice.invoice_payment_term_id:
            values["invoice_date_due"] = date
        return values

    @api.model
    def _prepare_credit_note_plans(self, store, refund, sale_order, invoice, tax_included, issues):
        """What each refunded item and adjustment becomes on the credit note.

        :rtype: list[ledger.plans.LinePlan]
        """
        currency_digits = invoice.currency_id.decimal_places
        plans = []
        for line in refund.lines:
            plans.append(self._prepare_refund_line_plan(store, refund, line, sale_order, invoice, tax_included, issues))
        for adjustment in refund.adjustments:
            if adjustment.amount or adjustment.tax_amount:
                plans.append(
                    self._prepare_adjustment_plan(store, refund, adjustment, sale_order, invoice, tax_included)
                )
        for index, plan in enumerate(plans):
            plan.currency_digits = currency_digits
            plan.key = f"{plan.key}#{index}"
        return plans

    @api.model
    def _plan_from_sale_line(self, sale_line, invoice, quantity, unit_price, amount, name, key, tax_included):
        """A credit note plan mirroring an invoiced sale order line (product, taxes, account, analytics).

        :rtype: ledger.plans.LinePlan
        """
        invoice_line = invoice.invoice_line_ids.filtered(lambda line: line.sale_line_ids & sale_line)[:1]
        values = {
            "product_id": sale_line.product_id.id,
            "product_uom_id": sale_line.product_uom.id,
            "name": name or sale_line.name,
            "tax_ids": [Command.set(sale_line.tax_id.ids)],
        }
        if invoice_line:
            values["account_id"] = invoice_line.account_id.id
            if invoice_line.analytic_distribution:
                values["analytic_distribution"] = invoice_line.analytic_distribution
        elif sale_line.analytic_distribution:
            values["analytic_distribution"] = sale_line.analytic_distribution
        return LinePlan(
            key=key,
            tax_included=tax_included,
            quantity=quantity,
            unit_price=unit_price,
            amount=amount,
            values=values,
        )

    @api.model
    def _prepare_refund_line_plan(self, store, refund, line, sale_order, invoice, tax_included, issues):
        """The plan of a refunded item: its sale order line's product at the refunded amount.

        A line the order does not have is credited on the fallback product (``unmatched_product``).

        :rtype: ledger.plans.LinePlan
        """
        sale_lines = sale_order.order_line.filtered(
            lambda sale_line: sale_line.ecommerce_line_external_id == str(line.line_external_id)
        ).sorted("id")
        amount = line.amount + line.tax_amount if tax_included else line.amount
        quantity = line.quantity or Decimal(1)
        key = f"line:{line.line_external_id}"
        if not sale_lines:
            issues.append(
                Issue(
                    "unmatched_product",
                    _(
                        "Refund %(refund)s credits line %(line)s, which the order does not have: credited on "
                        "%(fallback)s.",
                        refund=refund.external_id,
                        line=line.line_external_id,
                        fallback=store.fallback_product_id.display_name,
                    ),
                    external_id=refund.external_id,
                )
            )
            return self._plan_without_line(
                store,
                sale_order,
                quantity,
                amount,
                _("Refunded line %(line)s", line=line.line_external_id),
                line.tax_amount,
                tax_included,
                key,
            )
        # a refund of an amount without quantity credits that amount once
        unit_price = Decimal(str(sale_lines[0].price_unit)) if line.quantity else amount
        return self._plan_from_sale_line(sale_lines[0], invoice, quantity, unit_price, amount, None, key, tax_included)

    @api.model
    def _prepare_adjustment_plan(self, store, refund, adjustment, sale_order, invoice, tax_included):
        """The plan of a refund adjustment: refunded shipping or tips on the order's shipping or tip line
        (its product, taxes and account), the rest on the fallback product.

        :rtype: ledger.plans.LinePlan
        """
        amount = adjustment.amount + adjustment.tax_amount if tax_included else adjustment.amount
        labels = {"shipping": _("Refunded shipping"), "tip": _("Refunded tip")}
        label = adjustment.reason or labels.get(adjustment.kind) or _("Refund adjustment")
        if adjustment.kind in labels:
            same_kind = sale_order.order_line.filtered(
                lambda sale_line: sale_line.ecommerce_line_kind == adjustment.kind
            ).sorted("id")
            if same_kind:
                return self._plan_from_sale_line(
                    same_kind[0], invoice, Decimal(1), amount, amount, label, adjustment.kind, tax_included
                )
        return self._plan_without_line(
            store, sale_order, Decimal(1), amount, label, adjustment.tax_amount, tax_included, adjustment.kind
        )

    @api.model
    def _plan_without_line(self, store, sale_order, quantity, amount, label, tax_amount, tax_included, key):
        """A credit note plan on the fallback product, taxed like the order's items when tax was refunded.

        :rtype: ledger.plans.LinePlan
        """
        taxes = self.env["account.tax"]
        if tax_amount:
            taxed = sale_order.order_line.filtered(lambda line: line.tax_id and line.ecommerce_line_kind == "product")
            taxes = taxed[:1].tax_id
        product = store.fallback_product_id
        values = {
            "product_id": product.id,
            "product_uom_id": product.uom_id.id,
            "name": label,
            "tax_ids": [Command.set(taxes.ids)],
        }
        if store.income_account_id:
            values["account_id"] = store.income_account_id.id
        analytic_account = store._location_analytic_account(sale_order.ecommerce_location_external_id)
        if analytic_account:
            values["analytic_distribution"] = {str(analytic_account.id): 100}
        return LinePlan(
            key=key,
            tax_included=tax_included,
            quantity=quantity,
            unit_price=amount / quantity if quantity else amount,
            amount=amount,
            values=values,
        )

    # ------------------------------------------------------------------
    # payments
    @api.model
    def _sync_refund_payments(self, store, refund, sale_order, credit_note):
        """One outbound payment per successful refund transaction, reconciled with the credit note.

        :return: the payments made now
        :rtype: account.payment
        """
        Payments = self.env["ecommerce.payment.builder"]
        payments = self.env["account.payment"]
        for transaction in refund.transactions:
            if transaction.is_refund and not Payments._transaction_payment(store, transaction.external_id):
                plan = self._prepare_refund_payment(store, refund, sale_order, credit_note, transaction)
                payments |= Payments._post_payment(store, plan)
        if credit_note:
            if payments:
                Payments._reconcile(payments.move_id, credit_note)
            invoice = credit_note.reversed_entry_id
            if invoice and credit_note.amount_residual and invoice.amount_residual:
                Payments._reconcile(credit_note, invoice)
        return payments

    @api.model
    def _prepare_refund_payment(self, store, refund, sale_order, credit_note, transaction):
        """The payment of a refund transaction, settling the credit note.

        :rtype: ledger.plans.PaymentPlan
        """
        partner = credit_note.commercial_partner_id if credit_note else sale_order.partner_id.commercial_partner_id
        return self.env["ecommerce.payment.builder"]._prepare_transaction_plan(
            transaction,
            transaction.processed_at or refund.created_at,
            partner,
            credit_note,
            sale_order.client_order_ref or sale_order.name,
            external_name=sale_order.ecommerce_order_name or sale_order.name,
            payment_type="outbound",
        )

    # ------------------------------------------------------------------
    @api.model
    def _record_issues(self, store, refund, sale_order, issues):
        """Flag what the import found (one discrepancy per kind and reference).

        :param list issues: ``ledger.issues.Issue``
        """
        self._flag_issues(
            store, issues, _("Refund %(refund)s", refund=refund.external_id), refund.external_id, sale_order
        )
