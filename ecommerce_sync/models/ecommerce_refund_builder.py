import logging
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..connector.records import money_sum

_logger = logging.getLogger(__name__)


class EcommerceRefundBuilder(models.AbstractModel):
    """Store refunds -> credit note of the invoice -> refund payments.

    The handler of canonical ``Refund`` records (also called for the refunds
    an Order carries). A refund with money credited becomes a credit note
    made by Odoo's reversal of the order's invoice (``_reverse_moves``), with
    the lines the store refunded: each refunded item (its quantity, at the
    amount the store refunded), refunded shipping on the shipping product,
    and other adjustments (goodwill, rounding) on the fallback product. Its
    amounts equal the store's to the cent the same way invoices do.

    Each successful refund transaction becomes an outbound payment out of the
    clearing journal (or the gateway's journal), reconciled with the credit
    note; a credit note left open (store credit, unpaid invoice) is
    reconciled with the invoice when the invoice is still open.

    Credit notes are linked to the invoice (``reversed_entry_id``) and shown
    on the sale order, but do not lower the quantities the sale order has
    invoiced: the sale order keeps what was sold, the credit note what was
    given back, and a later edit of the order re-invoices exactly the order.

    Restocking goes through the stock builder: ``_sync_refund_stock`` hands
    the refund record (``refund.lines[*].restock``, quantities), the sale
    order and the credit note to ``ecommerce.stock.builder._restock_refund``.
    """

    _name = "ecommerce.refund.builder"
    _description = "Store Refund Builder"

    # ------------------------------------------------------------------
    @api.model
    def _import_refund(self, store, refund, order=None):
        """Handle one canonical refund.

        :param store: ecommerce.store
        :param refund: canonical Refund
        :param order: the canonical Order carrying the refund, when known
        :return: "created", "updated" or "skipped"
        :raise UserError: when the refunded order is not imported yet (the
            engine keeps the refund for retry)
        """
        store = store.with_company(store.company_id)
        store._ensure_accounting()
        Binding = self.env["ecommerce.binding"]
        OrderBuilder = self.env["ecommerce.order.builder"]
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
            return "updated" if payments else "skipped"
        invoice = OrderBuilder._current_invoice(sale_order)
        if refund.total:
            if invoice:
                credit_note = self._create_credit_note(store, refund, sale_order, invoice, issues)
            else:
                issues.append(
                    (
                        "amount_mismatch",
                        _(
                            "Refund %(refund)s of %(amount)s has no posted invoice to credit.",
                            refund=refund.external_id,
                            amount=refund.total,
                        ),
                        {"record": sale_order, "expected": refund.total, "found": 0.0},
                    )
                )
        if credit_note:
            # the credit note is linked to the invoice, not to the order lines: show it on the order now
            sale_order.invalidate_recordset(["invoice_ids", "invoice_count"])
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
            created_at=OrderBuilder._to_naive(refund.created_at) if refund.created_at else None,
        )
        return "created"

    @api.model
    def _sync_refund_stock(self, store, refund, sale_order, credit_note):
        """Bring restocked items back through a return of the sale order's delivery.

        See ``ecommerce.stock.builder._restock_refund``: restocked units not
        yet shipped come off the open delivery, shipped ones come back through
        a validated return; refunds without restock move nothing.

        :param refund: canonical Refund (its ``lines`` say what is restocked and how many)
        :param sale_order: the sale order of the refunded order
        :param credit_note: the credit note made for the refund (empty when no money was credited)
        :return: the validated returns
        :rtype: stock.picking
        """
        return self.env["ecommerce.stock.builder"]._restock_refund(store, refund, sale_order)

    # ------------------------------------------------------------------
    # credit note
    @api.model
    def _refund_amounts(self, refund):
        """The store's untaxed and tax amounts of a refund (``RefundLine.amount`` is without tax)."""
        untaxed = money_sum(line.amount for line in refund.lines) + money_sum(adj.amount for adj in refund.adjustments)
        tax = money_sum(line.tax_amount for line in refund.lines) + money_sum(
            adj.tax_amount for adj in refund.adjustments
        )
        return untaxed, tax

    @api.model
    def _tax_included(self, store, sale_order):
        """Whether the order was booked with prices including taxes (read from its lines)."""
        taxes = sale_order.order_line.tax_id
        return bool(taxes) and all(tax.price_include for tax in taxes)

    @api.model
    def _create_credit_note(self, store, refund, sale_order, invoice, issues):
        """The posted credit note of a refund, from Odoo's reversal of ``invoice``.

        :rtype: account.move
        """
        OrderBuilder = self.env["ecommerce.order.builder"]
        tax_included = self._tax_included(store, sale_order)
        plans = self._prepare_credit_note_plans(store, refund, sale_order, invoice, tax_included, issues)
        line_commands = [
            Command.create(self._credit_note_line_values(plan, part))
            for plan in plans
            for part in OrderBuilder._plan_parts(plan, 0)
        ]
        default = self._prepare_credit_note(store, refund, sale_order, invoice)
        default["line_ids"] = line_commands
        credit_note = invoice._reverse_moves([default], cancel=False)
        if store.currency_rate_policy == "store" and credit_note.currency_id != credit_note.company_currency_id:
            OrderBuilder._set_currency_rate(credit_note, invoice.invoice_currency_rate)
        self._fit_credit_note_lines(credit_note, plans)
        untaxed, tax = self._refund_amounts(refund)
        OrderBuilder._absorb_rounding(store, credit_note, untaxed, tax, tax_included)
        credit_note.action_post()
        OrderBuilder._check_totals(store, refund.external_id, credit_note, untaxed, tax, issues)
        return credit_note

    @api.model
    def _prepare_credit_note(self, store, refund, sale_order, invoice):
        """Header values of the credit note (given to ``_reverse_moves`` as defaults).

        :rtype: dict
        """
        OrderBuilder = self.env["ecommerce.order.builder"]
        date = OrderBuilder._order_date(refund.created_at) if refund.created_at else fields.Date.context_today(self)
        date = max(date, invoice.invoice_date)
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
        """What each refunded item and adjustment becomes on the credit note (plans as for orders).

        :rtype: list[dict]
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
            plan["currency_digits"] = currency_digits
            plan["key"] = f"{plan['key']}#{index}"
        return plans

    @api.model
    def _invoice_line_of(self, invoice, sale_lines):
        lines = invoice.invoice_line_ids.filtered(lambda line: line.sale_line_ids & sale_lines)
        return lines[:1]

    @api.model
    def _plan_from_sale_line(self, store, sale_line, invoice, quantity, amount, name, key, tax_included):
        """A credit note plan mirroring an invoiced sale order line (product, taxes, account, analytics)."""
        invoice_line = self._invoice_line_of(invoice, sale_line)
        unit_price = Decimal(str(sale_line.price_unit))
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
        return {
            "key": key,
            "tax_included": tax_included,
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": amount,
            "values": values,
        }

    @api.model
    def _prepare_refund_line_plan(self, store, refund, line, sale_order, invoice, tax_included, issues):
        sale_lines = sale_order.order_line.filtered(
            lambda sale_line: sale_line.ecommerce_line_external_id == str(line.line_external_id)
        ).sorted("id")
        amount = line.amount + line.tax_amount if tax_included else line.amount
        quantity = line.quantity or Decimal(1)
        if not sale_lines:
            issues.append(
                (
                    "unmatched_product",
                    _(
                        "Refund %(refund)s credits line %(line)s, which the order does not have: credited on "
                        "%(fallback)s.",
                        refund=refund.external_id,
                        line=line.line_external_id,
                        fallback=store.fallback_product_id.display_name,
                    ),
                    {"external_id": refund.external_id},
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
                f"line:{line.line_external_id}",
            )
        plan = self._plan_from_sale_line(
            store, sale_lines[0], invoice, quantity, amount, None, f"line:{line.line_external_id}", tax_included
        )
        if not line.quantity:
            plan["unit_price"] = amount
        return plan

    @api.model
    def _prepare_adjustment_plan(self, store, refund, adjustment, sale_order, invoice, tax_included):
        amount = adjustment.amount + adjustment.tax_amount if tax_included else adjustment.amount
        label = adjustment.reason or (
            _("Refunded shipping") if adjustment.kind == "shipping" else _("Refund adjustment")
        )
        if adjustment.kind == "shipping":
            shipping_lines = sale_order.order_line.filtered(
                lambda sale_line: sale_line.ecommerce_line_kind == "shipping"
            ).sorted("id")
            if shipping_lines:
                return self._plan_from_sale_line(
                    store, shipping_lines[0], invoice, Decimal(1), amount, label, "shipping", tax_included
                ) | {"unit_price": amount}
        return self._plan_without_line(
            store, sale_order, Decimal(1), amount, label, adjustment.tax_amount, tax_included, adjustment.kind
        )

    @api.model
    def _plan_without_line(self, store, sale_order, quantity, amount, label, tax_amount, tax_included, key):
        """A credit note plan on the fallback product, taxed like the order's items when tax was refunded."""
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
        if store.analytic_account_id:
            values["analytic_distribution"] = {str(store.analytic_account_id.id): 100}
        return {
            "key": key,
            "tax_included": tax_included,
            "quantity": quantity,
            "unit_price": amount / quantity if quantity else amount,
            "amount": amount,
            "values": values,
        }

    @api.model
    def _credit_note_line_values(self, plan, part):
        return {
            **plan["values"],
            "display_type": "product",
            "quantity": float(part.quantity),
            "price_unit": float(part.price_unit),
            "discount": float(part.discount),
            "ecommerce_line_key": plan["key"],
        }

    @api.model
    def _fit_credit_note_lines(self, credit_note, plans):
        """Check each plan's lines against the refunded amount; rewrite with the next way when Odoo differs."""
        OrderBuilder = self.env["ecommerce.order.builder"]
        field = "price_total" if plans and plans[0]["tax_included"] else "price_subtotal"
        for plan in plans:
            index = 0
            while True:
                lines = credit_note.invoice_line_ids.filtered(
                    lambda line, key=plan["key"]: line.ecommerce_line_key == key
                )
                if credit_note.currency_id.is_zero(sum(lines.mapped(field)) - float(plan["amount"])):
                    break
                index += 1
                parts = OrderBuilder._plan_parts(plan, index)
                if parts is None:
                    break
                commands = [Command.delete(line.id) for line in lines]
                commands += [Command.create(self._credit_note_line_values(plan, part)) for part in parts]
                credit_note.write({"invoice_line_ids": commands})

    # ------------------------------------------------------------------
    # payments
    @api.model
    def _sync_refund_payments(self, store, refund, sale_order, credit_note):
        """One outbound payment per successful refund transaction, reconciled with the credit note."""
        OrderBuilder = self.env["ecommerce.order.builder"]
        Binding = self.env["ecommerce.binding"]
        payments = self.env["account.payment"]
        for transaction in refund.transactions:
            if not transaction.is_refund:
                continue
            payment = Binding._find_record(store, "transaction", transaction.external_id)
            if payment and payment._name == "account.payment":
                continue
            values = OrderBuilder._prepare_payment(
                store, self._order_stub(refund, sale_order), sale_order, credit_note, transaction, "outbound"
            )
            moment = transaction.processed_at or refund.created_at
            payments |= OrderBuilder._post_payment(
                store,
                values,
                transaction,
                sale_order.ecommerce_order_name or sale_order.name,
                OrderBuilder._to_naive(moment) if moment else None,
            )
        if credit_note:
            if payments:
                OrderBuilder._reconcile(payments.move_id, credit_note)
            invoice = credit_note.reversed_entry_id
            if invoice and credit_note.amount_residual and invoice.amount_residual:
                OrderBuilder._reconcile(credit_note, invoice)
        return payments

    @api.model
    def _order_stub(self, refund, sale_order):
        """What ``_prepare_payment`` reads of an order, for a refund: its name, dates and rates."""
        return _RefundOrderView(refund, sale_order)

    # ------------------------------------------------------------------
    @api.model
    def _record_issues(self, store, refund, sale_order, issues):
        Discrepancy = self.env["ecommerce.discrepancy"]
        for kind, message, extra in self.env["ecommerce.order.builder"]._merge_issues(issues):
            Discrepancy._flag(
                store,
                kind,
                _("Refund %(refund)s: %(message)s", refund=refund.external_id, message=message),
                external_id=extra.get("external_id", refund.external_id),
                record=extra.get("record") or sale_order,
                expected=extra.get("expected", 0.0),
                found=extra.get("found", 0.0),
                currency=extra.get("currency"),
            )


class _RefundOrderView:
    """The order attributes the payment preparation reads (name, date), for a refund payment."""

    def __init__(self, refund, sale_order):
        self.name = sale_order.client_order_ref or sale_order.name
        self.created_at = refund.created_at or fields.Datetime.now()
