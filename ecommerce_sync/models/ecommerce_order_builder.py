import logging
from collections import defaultdict
from datetime import timedelta, timezone
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..connector.records import ZERO, TaxLine
from ..ledger.amounts import line_candidates, quantize

_logger = logging.getLogger(__name__)

# discrepancy kinds the order builder raises and closes again once the difference is gone
TOTAL_KINDS = ("amount_mismatch", "tax_mismatch")


class EcommerceOrderBuilder(models.AbstractModel):
    """Store orders -> confirmed sale order -> posted invoice -> payments.

    The handler of canonical ``Order`` records (see ``_import_order``):

    * the customer and its invoice and delivery contacts come from
      ``ecommerce.partner.builder``;
    * each store line becomes sale order lines whose amount is the store's to
      the cent (``ledger.amounts``: store price and discount percentage, else
      net price, else the line split in two), with the Odoo taxes the store
      tax lines map to (``ecommerce.tax.mapping._resolve``); shipping lines
      sell the product mapped to their method;
    * the sale order is confirmed and invoiced through Odoo's own
      ``_create_invoices``; the invoice is dated on the order and, for orders
      in another currency, carries the store's rate when the store says so;
      a difference of one cent between Odoo's tax and the store's is
      absorbed in the tax line (as Odoo's tax totals widget does), anything
      more is flagged;
    * each captured transaction becomes a posted payment in the store's
      clearing journal (or the journal mapped to its gateway), reconciled
      with the invoice; failed payments count towards the store's alert;
    * refunds the order carries go to ``ecommerce.refund.builder``.

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
        sale_order = Binding._find_record(store, "order", order.external_id)
        if sale_order and Binding._is_current(store, "order", order.external_id, order.revision):
            return "skipped"
        issues = []
        created = not sale_order
        if created:
            sale_order = self._create_sale_order(store, order, issues)
            invoice_changed = True
        else:
            invoice_changed = self._update_sale_order(store, order, sale_order, issues)
        if order.is_cancelled and not order.captured_amount and not order.refunds:
            self._cancel_order(store, order, sale_order)
        else:
            self._confirm_sale_order(store, order, sale_order)
            invoice = self._sync_invoice(store, order, sale_order, invoice_changed, issues)
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

    # ------------------------------------------------------------------
    # sale order
    @api.model
    def _create_sale_order(self, store, order, issues):
        """Create the draft sale order of a store order, lines at the store's amounts.

        :param list issues: collects ``(kind, message, values)`` to flag
        :rtype: sale.order
        """
        partners = self.env["ecommerce.partner.builder"]._sync_order_partners(store, order)
        plans = self._prepare_line_plans(store, order, issues)
        values = self._prepare_sale_order(store, order, partners)
        values["order_line"] = [
            Command.create(line_values) for plan in plans for line_values in self._plan_line_values(plan, 0)
        ]
        sale_order = self.env["sale.order"].create(values)
        self._fit_plan_lines(store, order, sale_order, plans)
        return sale_order

    @api.model
    def _prepare_sale_order(self, store, order, partners):
        """Values of the sale order of a store order (without its lines).

        :param tuple partners: ``(customer, invoice contact, delivery contact)``
        :rtype: dict
        """
        partner, invoice_contact, delivery_contact = partners
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": invoice_contact.id,
            "partner_shipping_id": delivery_contact.id,
            "company_id": store.company_id.id,
            "date_order": self._to_naive(order.created_at),
            "client_order_ref": order.name,
            "origin": f"{store.name} {order.name}",
            "team_id": store.team_id.id,
            "user_id": False,
            "pricelist_id": self._pricelist(store, self._currency(order.currency)).id,
            "ecommerce_store_id": store.id,
            "ecommerce_external_id": order.external_id,
            "ecommerce_order_name": order.name,
            "note": self._order_note(order),
            "tag_ids": [Command.set(self._tags(order.tags).ids)],
        }
        if store.fiscal_position_id:
            values["fiscal_position_id"] = store.fiscal_position_id.id
        return values

    @api.model
    def _order_note(self, order):
        parts = []
        codes = [discount.code for discount in order.discounts if discount.code]
        if codes:
            parts.append(_("Discount codes: %(codes)s", codes=", ".join(codes)))
        if order.note:
            parts.append(order.note)
        return "\n".join(parts) or False

    @api.model
    def _tags(self, names):
        Tag = self.env["crm.tag"]
        tags = Tag
        for name in names:
            name = (name or "").strip()
            if name:
                tags |= Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name})
        return tags

    @api.model
    def _to_naive(self, moment):
        """A store timestamp (aware) as Odoo stores datetimes: naive UTC."""
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment

    @api.model
    def _order_date(self, moment):
        """The accounting date of a store timestamp, in the user's time zone."""
        return fields.Date.context_today(self, self._to_naive(moment))

    @api.model
    def _currency(self, code):
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if not currency:
            raise UserError(_("Unknown currency %(currency)s.", currency=code))
        if not currency.active:
            raise UserError(
                _(
                    "The currency %(currency)s is not active in Odoo: activate it (and its rates) and retry.",
                    currency=code,
                )
            )
        return currency

    @api.model
    def _pricelist(self, store, currency):
        """A pricelist in the order's currency (the sale order's currency comes from it)."""
        Pricelist = self.env["product.pricelist"]
        domain = [("currency_id", "=", currency.id), ("company_id", "in", (False, store.company_id.id))]
        return Pricelist.search(domain, limit=1) or Pricelist.create(
            {"name": f"{store.name} {currency.name}", "currency_id": currency.id, "company_id": store.company_id.id}
        )

    @api.model
    def _update_sale_order(self, store, order, sale_order, issues):
        """Apply a newer revision of the order to its sale order.

        Lines whose product, quantity, amount or taxes changed are rewritten,
        new ones added, vanished ones set to zero; on a cancelled sale order
        nothing changes.

        :return: whether anything the invoice says has changed
        :rtype: bool
        """
        if sale_order.state == "cancel":
            return False
        partners = self.env["ecommerce.partner.builder"]._sync_order_partners(store, order)
        header = self._prepare_sale_order_update(store, order, sale_order, partners)
        if header:
            sale_order.write(header)
        plans = self._prepare_line_plans(store, order, issues)
        lines_by_key = sale_order.order_line.filtered("ecommerce_line_external_id").grouped(
            "ecommerce_line_external_id"
        )
        changed = False
        for plan in plans:
            lines = lines_by_key.pop(plan["key"], self.env["sale.order.line"])
            if lines and self._plan_matches(store, order, plan, lines):
                continue
            changed = True
            self._write_plan_lines(sale_order, plan, lines, self._plan_parts(plan, 0))
        for lines in lines_by_key.values():
            live = lines.filtered(lambda line: line.product_uom_qty)
            if live:
                changed = True
                live.write({"product_uom_qty": 0})
        if changed:
            self._fit_plan_lines(store, order, sale_order, plans)
        return changed

    @api.model
    def _prepare_sale_order_update(self, store, order, sale_order, partners):
        """Header values an edit changes: delivery address, note, tags.

        :rtype: dict
        """
        _partner, _invoice_contact, delivery_contact = partners
        values = {}
        if delivery_contact != sale_order.partner_shipping_id:
            values["partner_shipping_id"] = delivery_contact.id
        tags = self._tags(order.tags)
        if tags != sale_order.tag_ids:
            values["tag_ids"] = [Command.set(tags.ids)]
        return values

    @api.model
    def _confirm_sale_order(self, store, order, sale_order):
        if sale_order.state in ("draft", "sent"):
            sale_order.action_confirm()

    @api.model
    def _sync_stock(self, store, order, sale_order):
        """Validate the delivery for what the store has shipped (before refunds restock anything).

        :return: the transfers validated by this import
        :rtype: stock.picking
        """
        return self.env["ecommerce.stock.builder"]._sync_fulfillments(store, order, sale_order)

    @api.model
    def _cancel_order(self, store, order, sale_order):
        """Cancel the sale order; reverse its invoice when nothing was paid or credited on it."""
        for invoice in self._current_invoices(sale_order):
            untouched = invoice.currency_id.is_zero(invoice.amount_residual - invoice.amount_total)
            if untouched and invoice.state == "posted":
                self._reverse_invoice(store, invoice, _("Store order %(order)s cancelled", order=order.name))
        if sale_order.state != "cancel":
            sale_order.with_context(disable_cancel_warning=True).action_cancel()

    # ------------------------------------------------------------------
    # lines
    @api.model
    def _prepare_line_plans(self, store, order, issues):
        """What each store line (items, fees, shipping) must become.

        A plan is a dict: ``key`` (the store line id, kept on the sale order
        lines), ``kind``, ``values`` (product, name, taxes, analytics, ...),
        ``quantity``, ``unit_price`` and ``amount`` (what the line is worth
        in the order's tax mode, after discount), ``tax_included``.

        :rtype: list[dict]
        """
        tax_included = store._tax_included(order)
        currency_digits = self._currency(order.currency).decimal_places
        order_taxes = order.tax_lines if not any(line.tax_lines for line in order.lines) else []
        plans = []
        for line in order.lines:
            plans.append(self._prepare_item_plan(store, order, line, tax_included, order_taxes, issues))
        for shipping in order.shipping_lines:
            plans.append(self._prepare_shipping_plan(store, order, shipping, tax_included, issues))
        for plan in plans:
            plan["currency_digits"] = currency_digits
        return plans

    @api.model
    def _prepare_item_plan(self, store, order, line, tax_included, order_taxes, issues):
        product = self._line_product(store, order, line, issues)
        tax_lines = line.tax_lines or (order_taxes if line.taxable else [])
        taxes = self._line_taxes(store, order, tax_lines, tax_included, line.subtotal, issues)
        kind = "gift_card" if line.gift_card else ("fee" if line.kind == "fee" else "product")
        name = line.name or product.display_name
        if product == store.fallback_product_id and line.sku:
            name = f"[{line.sku}] {name}"
        return {
            "key": str(line.external_id),
            "kind": kind,
            "tax_included": tax_included,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "amount": line.subtotal,
            "values": self._prepare_line_values(store, order, product, name, taxes, kind, str(line.external_id)),
        }

    @api.model
    def _prepare_shipping_plan(self, store, order, shipping, tax_included, issues):
        product = (
            self.env["ecommerce.shipping.mapping"]._lookup(store, shipping.method_key) or store.shipping_product_id
        )
        taxes = self._line_taxes(store, order, shipping.tax_lines, tax_included, shipping.subtotal, issues)
        key = f"shipping:{shipping.external_id}"
        return {
            "key": key,
            "kind": "shipping",
            "tax_included": tax_included,
            "quantity": Decimal(1),
            "unit_price": shipping.price,
            "amount": shipping.subtotal,
            "values": self._prepare_line_values(
                store, order, product, shipping.title or product.display_name, taxes, "shipping", key
            ),
        }

    @api.model
    def _prepare_line_values(self, store, order, product, name, taxes, kind, key):
        """Sale order line values shared by the parts of a store line (no quantity or price).

        :rtype: dict
        """
        values = {
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "name": name,
            "tax_id": [Command.set(taxes.ids)],
            "ecommerce_line_external_id": key,
            "ecommerce_line_kind": kind,
        }
        if store.analytic_account_id:
            values["analytic_distribution"] = {str(store.analytic_account_id.id): 100}
        return values

    @api.model
    def _line_product(self, store, order, line, issues):
        """The product of a store line: variant link, SKU, barcode, SKU override, else the fallback."""
        if line.variant_external_id:
            link = self.env["ecommerce.product.link"].search(
                [("store_id", "=", store.id), ("external_id", "=", line.variant_external_id)], limit=1
            )
            if link.product_id:
                return link.product_id
        product, _method = store._match_product(line.sku, line.barcode)
        if product:
            return product
        if line.kind == "product" and not line.gift_card:
            issues.append(
                (
                    "unmatched_product",
                    _(
                        "Line %(line)s (SKU %(sku)s, %(name)s) matches no product: sold as %(fallback)s.",
                        line=line.external_id,
                        sku=line.sku or "-",
                        name=line.name,
                        fallback=store.fallback_product_id.display_name,
                    ),
                    {},
                )
            )
        return store.fallback_product_id

    @api.model
    def _line_taxes(self, store, order, tax_lines, tax_included, base, issues):
        """The Odoo taxes of a line from its store tax lines (zero-rate, zero-amount lines add nothing).

        :param Decimal base: the line amount, to read a rate the store did not give
        :rtype: account.tax
        """
        Mapping = self.env["ecommerce.tax.mapping"]
        taxes = self.env["account.tax"]
        for tax_line in tax_lines:
            if not tax_line.rate and not tax_line.amount:
                if not Mapping._lookup(store, tax_line.key):
                    continue
            if not tax_line.rate and tax_line.amount and base:
                untaxed = base - tax_line.amount if tax_included else base
                tax_line = TaxLine(
                    title=tax_line.title,
                    rate=quantize(tax_line.amount / untaxed, 4) if untaxed else ZERO,
                    amount=tax_line.amount,
                    code=tax_line.code,
                    compound=tax_line.compound,
                )
            tax, created = Mapping._resolve(store, tax_line, tax_included)
            if created:
                issues.append(
                    (
                        "unmapped_tax",
                        _(
                            "The store tax %(key)s (%(rate)s%%) matched no Odoo tax: the tax %(tax)s was created "
                            "from the company's sales tax and mapped to it. Check its accounts and tax report "
                            "lines, or map the store tax to another tax.",
                            key=tax_line.key,
                            rate=format(tax_line.percent, "f"),
                            tax=tax.name,
                        ),
                        {"external_id": tax_line.key, "record": tax},
                    )
                )
            taxes |= tax
        return taxes

    @api.model
    def _plan_parts(self, plan, index):
        """The ``index``-th way to write a plan in Odoo (see ``ledger.amounts.line_candidates``), or None."""
        candidates = line_candidates(
            plan["quantity"],
            plan["unit_price"],
            plan["amount"],
            currency_digits=plan.get("currency_digits", 2),
            price_digits=self.env["decimal.precision"].precision_get("Product Price"),
            discount_digits=self.env["decimal.precision"].precision_get("Discount"),
        )
        return candidates[index] if index < len(candidates) else None

    @api.model
    def _plan_line_values(self, plan, index):
        parts = self._plan_parts(plan, index)
        return [self._part_values(plan, part) for part in parts]

    @api.model
    def _part_values(self, plan, part):
        return {
            **plan["values"],
            "product_uom_qty": float(part.quantity),
            "price_unit": float(part.price_unit),
            "discount": float(part.discount),
        }

    @api.model
    def _write_plan_lines(self, sale_order, plan, lines, parts):
        """Make ``lines`` (the sale order lines of a plan) express ``parts``: rewrite, add, zero the rest."""
        lines = lines.sorted("id")
        product_id = plan["values"]["product_id"]
        reusable = lines.filtered(lambda line: line.product_id.id == product_id)
        for extra in lines - reusable:
            if extra.product_uom_qty:
                extra.write({"product_uom_qty": 0})
        commands = []
        for position, part in enumerate(parts):
            values = self._part_values(plan, part)
            if position < len(reusable):
                values.pop("product_id")
                commands.append(Command.update(reusable[position].id, values))
            else:
                commands.append(Command.create(values))
        for line in reusable[len(parts) :]:
            if line.product_uom_qty:
                commands.append(Command.update(line.id, {"product_uom_qty": 0}))
        sale_order.write({"order_line": commands})

    @api.model
    def _line_amount(self, lines, tax_included):
        field = "price_total" if tax_included else "price_subtotal"
        return sum(lines.mapped(field))

    @api.model
    def _plan_matches(self, store, order, plan, lines):
        """Whether existing lines already say what the plan says (product, taxes, quantity, amount)."""
        live = lines.filtered(lambda line: line.product_uom_qty)
        if not live and not plan["quantity"]:
            return True
        if live.product_id.ids != [plan["values"]["product_id"]]:
            return False
        tax_ids = set(plan["values"]["tax_id"][0][2])
        if any(set(line.tax_id.ids) != tax_ids for line in live):
            return False
        if float_compare(sum(live.mapped("product_uom_qty")), float(plan["quantity"]), precision_digits=6):
            return False
        return self._amount_equal(live.currency_id[:1], self._line_amount(live, plan["tax_included"]), plan["amount"])

    @api.model
    def _amount_equal(self, currency, odoo_amount, store_amount):
        return currency.is_zero(odoo_amount - float(store_amount))

    @api.model
    def _fit_plan_lines(self, store, order, sale_order, plans):
        """Check each plan's lines against the store amount; try the next way of writing it when Odoo differs."""
        currency = sale_order.currency_id
        for plan in plans:
            index = 0
            while True:
                lines = sale_order.order_line.filtered(
                    lambda line, key=plan["key"]: line.ecommerce_line_external_id == key and line.product_uom_qty
                )
                if self._amount_equal(currency, self._line_amount(lines, plan["tax_included"]), plan["amount"]):
                    break
                index += 1
                parts = self._plan_parts(plan, index)
                if parts is None:
                    _logger.info("Line %s of order %s: no exact way to write %s", plan["key"], order.name, plan)
                    break
                self._write_plan_lines(sale_order, plan, lines, parts)

    # ------------------------------------------------------------------
    # invoice
    @api.model
    def _current_invoices(self, sale_order):
        """The posted or draft customer invoices of the sale order that are not reversed."""
        return sale_order.invoice_ids.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state in ("draft", "posted")
                and move.payment_state != "reversed"
            )
        )

    @api.model
    def _current_invoice(self, sale_order):
        return self._current_invoices(sale_order).filtered(lambda move: move.state == "posted").sorted("id")[-1:]

    @api.model
    def _sync_invoice(self, store, order, sale_order, invoice_changed, issues):
        """The posted invoice of the order, made or remade from the sale order.

        :return: the invoice (``account.move``), or an empty recordset when
            there is nothing to invoice
        """
        invoices = self._current_invoices(sale_order)
        if invoices and not invoice_changed:
            return invoices.filtered(lambda move: move.state == "posted").sorted("id")[-1:] or invoices[-1:]
        for invoice in invoices:
            if invoice.state == "posted":
                self._reverse_invoice(store, invoice, _("Store order %(order)s edited", order=order.name))
            else:
                invoice.button_cancel()
        if not any(line.qty_to_invoice for line in sale_order.order_line):
            return self.env["account.move"]
        invoice = sale_order.with_context(
            ecommerce_invoice_values=self._prepare_invoice_values(store, order, sale_order)
        )._create_invoices(final=True)
        self._apply_store_rate(store, order, invoice)
        tax_included = store._tax_included(order)
        self._absorb_rounding(
            store,
            invoice,
            order.total_untaxed,
            order.total_tax,
            tax_included,
            group_taxes=self._store_taxes_by_group(store, order, tax_included),
        )
        invoice.action_post()
        self._check_totals(store, order.external_id, invoice, order.total_untaxed, order.total_tax, issues)
        return invoice

    @api.model
    def _prepare_invoice_values(self, store, order, sale_order):
        """Invoice values the sale order's ``_prepare_invoice`` does not know: the date of the order.

        Without payment terms the invoice is due on that date (a store order is paid, or owed, when it
        is placed); Odoo would otherwise make it due on the day of the import.

        :rtype: dict
        """
        date = self._order_date(order.created_at)
        values = {"invoice_date": date}
        if not sale_order.payment_term_id:
            values["invoice_date_due"] = date
        return values

    @api.model
    def _apply_store_rate(self, store, order, move):
        """Give a draft invoice the rate the store converted the order at, when the store's policy says so.

        The lines' company-currency amounts follow the rate (Odoo recomputes them from it).
        """
        rate = self._store_rate(store, order, move.currency_id)
        if rate:
            self._set_currency_rate(move, rate)
        return rate

    @api.model
    def _set_currency_rate(self, move, rate):
        """Give a draft invoice or credit note ``rate``, keeping it balanced.

        Odoo converts every line at the new rate, the receivable included; with prices including
        taxes the converted lines can add up to a cent more or less than the converted receivable,
        which Odoo then refuses as unbalanced. The receivable, the line that balances an invoice
        (as Odoo's payment terms make it), takes that cent.
        """
        move.with_context(check_move_validity=False).invoice_currency_rate = rate
        imbalance = sum(move.line_ids.mapped("balance"))
        if not move.company_currency_id.is_zero(imbalance):
            term = move.line_ids.filtered(lambda line: line.display_type == "payment_term").sorted("balance")[-1:]
            move.with_context(check_move_validity=False).write(
                {"line_ids": [Command.update(term.id, {"balance": term.balance - imbalance})]}
            )
        return move

    @api.model
    def _store_rate(self, store, order, currency):
        """Units of the order currency per unit of company currency, as the store converted, or None.

        Used when the store's policy is the store's rate, the order is in
        another currency than the company's, and the shop currency is the
        company's (else Odoo's rate applies).
        """
        company_currency = store.company_id.currency_id
        if store.currency_rate_policy != "store" or currency == company_currency:
            return None
        if order.shop_currency != company_currency.name or not order.store_rate:
            return None
        return float(Decimal(1) / order.store_rate)

    @api.model
    def _reverse_invoice(self, store, invoice, reason):
        """Reverse a posted invoice with a full credit note reconciled with it (its payments are freed).

        :return: the credit note
        """
        date = fields.Date.context_today(self)
        invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").remove_move_reconcile()
        reversal = invoice._reverse_moves(
            [
                {
                    "ref": reason,
                    "invoice_date": max(date, invoice.invoice_date),
                    "date": max(date, invoice.date),
                    "ecommerce_store_id": store.id,
                }
            ],
            cancel=False,
        )
        if reversal.currency_id != reversal.company_currency_id:
            # reversed at the invoice's own rate: the reversal cancels it exactly
            self._set_currency_rate(reversal, invoice.invoice_currency_rate)
        reversal.with_context(move_reverse_cancel=True)._post(soft=False)
        invoice.message_post(body=reason)
        return reversal

    @api.model
    def _store_taxes_by_group(self, store, order, tax_included):
        """The tax the store charged per Odoo tax group: ``{account.tax.group id: Decimal}``.

        Each store tax line of the items and shipping counts for the group of the Odoo tax it maps
        to. None when the order gives its taxes for the whole order only, or a tax line without a
        rate carries an amount (its Odoo tax depends on the line it is spread over).

        :rtype: dict or None
        """
        if order.tax_lines and not any(line.tax_lines for line in order.lines):
            return None
        amounts = defaultdict(lambda: ZERO)
        items = [(line.tax_lines, line.subtotal) for line in order.lines]
        items += [(shipping.tax_lines, shipping.subtotal) for shipping in order.shipping_lines]
        for tax_lines, base in items:
            for tax_line in tax_lines:
                if not tax_line.rate:
                    if tax_line.amount:
                        return None
                    continue
                tax = self._line_taxes(store, order, [tax_line], tax_included, base, [])
                amounts[tax.tax_group_id.id] += tax_line.amount
        return dict(amounts)

    @api.model
    def _absorb_rounding(self, store, move, untaxed, tax, tax_included, group_taxes=None):
        """Give a draft invoice the store's tax when Odoo's differs by its rounding alone.

        Only when the untaxed amount already equals the store's (prices
        excluding taxes); the tax lines take the store's amounts, as Odoo's
        tax totals widget does when an amount is typed in:

        * with ``group_taxes`` (the store's tax per Odoo tax group, see
          :meth:`_store_taxes_by_group`), each group takes the store's amount
          when it differs from Odoo's by at most one rounding unit per
          invoice line of that group: Odoo rounds the tax of each line, and a
          store line written as two Odoo lines (see ``ledger.amounts``) is
          rounded twice where the store rounded once;
        * otherwise a difference of one rounding unit in all goes to the
          largest tax group.

        With prices including taxes the total is already the store's and the
        split is left to Odoo.
        """
        currency = move.currency_id
        delta = float(tax) - move.amount_tax
        if tax_included or currency.is_zero(delta) or not currency.is_zero(move.amount_untaxed - float(untaxed)):
            return False
        totals = move.tax_totals
        groups = [group for subtotal in totals.get("subtotals", []) for group in subtotal.get("tax_groups", [])]
        if not groups:
            return False
        if group_taxes is not None and self._fit_tax_groups(move, groups, group_taxes, tax):
            move.tax_totals = totals
            return True
        if self._beyond_rounding(currency, delta):
            return False
        biggest = max(groups, key=lambda group: abs(group["tax_amount_currency"]))
        biggest["tax_amount_currency"] += delta
        move.tax_totals = totals
        return True

    @api.model
    def _fit_tax_groups(self, move, groups, group_taxes, tax):
        """Set each tax group of ``groups`` (tax totals) to the store's amount, when rounding explains the gap.

        :return: False (and nothing changed) when a group is not the store's or differs by more than
            one rounding unit per invoice line carrying it
        """
        currency = move.currency_id
        if sum(group_taxes.values(), ZERO) != tax:
            return False
        invoice_groups = {group["id"] for group in groups}
        if invoice_groups - set(group_taxes) or {key for key, amount in group_taxes.items() if amount} - invoice_groups:
            return False
        for group in groups:
            lines = move.invoice_line_ids.filtered(
                lambda line, group=group: group["id"] in line.tax_ids.tax_group_id.ids
            )
            gap = float(group_taxes[group["id"]]) - group["tax_amount_currency"]
            if float_compare(abs(gap), currency.rounding * len(lines), precision_rounding=currency.rounding) > 0:
                return False
        for group in groups:
            group["tax_amount_currency"] = float(group_taxes[group["id"]])
        return True

    @api.model
    def _check_totals(self, store, external_id, move, untaxed, tax, issues):
        """Compare a posted invoice or credit note with the store's amounts; collect differences.

        A tax that differs beyond the currency rounding is a ``tax_mismatch``
        (whether or not it moves the total); any other difference of the
        total (untaxed amounts) is an ``amount_mismatch``, since the total is
        what the payments settle.
        """
        currency = move.currency_id
        total = untaxed + tax
        details = {
            "move": move.display_name,
            "odoo_total": move.amount_total,
            "store_total": total,
            "odoo_untaxed": move.amount_untaxed,
            "store_untaxed": untaxed,
            "odoo_tax": move.amount_tax,
            "store_tax": tax,
        }
        summary = _(
            "%(move)s: total %(odoo_total)s, the store says %(store_total)s (untaxed %(odoo_untaxed)s / "
            "%(store_untaxed)s, tax %(odoo_tax)s / %(store_tax)s).",
            **details,
        )
        if self._beyond_rounding(currency, move.amount_tax - float(tax)):
            issues.append(
                (
                    "tax_mismatch",
                    summary,
                    {"record": move, "expected": tax, "found": move.amount_tax, "currency": currency},
                )
            )
        elif not currency.is_zero(move.amount_total - float(total)):
            issues.append(
                (
                    "amount_mismatch",
                    summary,
                    {"record": move, "expected": total, "found": move.amount_total, "currency": currency},
                )
            )

    @api.model
    def _beyond_rounding(self, currency, delta):
        """Whether an amount is larger than the currency's rounding unit."""
        return float_compare(abs(delta), currency.rounding, precision_rounding=currency.rounding / 10) > 0

    # ------------------------------------------------------------------
    # payments
    @api.model
    def _sync_payments(self, store, order, sale_order, invoice):
        """One posted payment per captured transaction, reconciled with the invoice; failures counted."""
        payments = self.env["account.payment"]
        for transaction in order.transactions:
            if transaction.is_captured_payment:
                payments |= self._sync_payment(store, order, sale_order, invoice, transaction)
            elif transaction.is_failed_payment:
                self._record_failed_payment(store, order, sale_order, transaction)
        if invoice:
            open_credit_notes = sale_order.invoice_ids.filtered(
                lambda move: move.move_type == "out_refund" and move.state == "posted" and move.amount_residual
            )
            self._reconcile(payments.move_id | open_credit_notes, invoice)
        return payments

    @api.model
    def _sync_payment(self, store, order, sale_order, invoice, transaction):
        """The payment of a captured transaction (created, posted and bound once)."""
        Binding = self.env["ecommerce.binding"]
        payment = Binding._find_record(store, "transaction", transaction.external_id)
        if payment and payment._name == "account.payment":
            return payment
        values = self._prepare_payment(store, order, sale_order, invoice, transaction)
        return self._post_payment(store, values, transaction, order.name, self._transaction_time(order, transaction))

    @api.model
    def _post_payment(self, store, values, transaction, external_name, created_at):
        """Create and post the payment of ``values``, bound to the store ``transaction`` it records."""
        payment = self.env["account.payment"].create(values)
        payment.action_post()
        payment.move_id.ecommerce_store_id = store
        self.env["ecommerce.binding"]._bind(
            store,
            "transaction",
            transaction.external_id,
            payment,
            revision=transaction.status,
            external_name=external_name,
            created_at=created_at,
        )
        return payment

    @api.model
    def _transaction_time(self, order, transaction):
        return self._to_naive(transaction.processed_at or order.created_at)

    @api.model
    def _prepare_payment(self, store, order, sale_order, invoice, transaction, payment_type="inbound"):
        """Values of the payment of a transaction (receipt, or refund when ``payment_type`` is "outbound").

        :rtype: dict
        """
        journal = store._payment_journal(transaction.gateway)
        if not journal:
            raise UserError(_("The store %(store)s has no clearing journal.", store=store.name))
        currency = self._currency(transaction.currency)
        method_lines = (
            journal.inbound_payment_method_line_ids
            if payment_type == "inbound"
            else journal.outbound_payment_method_line_ids
        )
        partner = invoice.commercial_partner_id if invoice else sale_order.partner_id.commercial_partner_id
        values = {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": float(transaction.amount),
            "currency_id": currency.id,
            "journal_id": journal.id,
            "payment_method_line_id": method_lines[:1].id,
            "date": self._order_date(transaction.processed_at or order.created_at),
            "memo": " ".join(part for part in (order.name, transaction.gateway) if part),
            "payment_reference": transaction.reference or transaction.external_id,
            "company_id": store.company_id.id,
        }
        if invoice:
            receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            values["destination_account_id"] = receivable.account_id[:1].id
            values["invoice_ids"] = [Command.set(invoice.ids)]
        company_currency = store.company_id.currency_id
        if (
            store.currency_rate_policy == "store"
            and invoice
            and currency == invoice.currency_id != company_currency
            and invoice.amount_total
        ):
            # at the rate of the document it settles (its receivable's own ratio, so that paying the whole
            # document matches it to the cent): no exchange difference before the payout
            ratio = abs(invoice.amount_total_signed) / invoice.amount_total
            values["force_balance"] = company_currency.round(float(transaction.amount) * ratio)
        return values

    @api.model
    def _reconcile(self, moves, documents):
        """Reconcile the open receivable lines of payments (or credit notes) with those of documents."""
        lines = (moves.line_ids | documents.line_ids).filtered(
            lambda line: (
                line.account_type == "asset_receivable" and not line.reconciled and line.parent_state == "posted"
            )
        )
        for _account, group in lines.grouped("account_id").items():
            if group.filtered(lambda line: line.balance > 0) and group.filtered(lambda line: line.balance < 0):
                group.reconcile()
        payments = moves.origin_payment_id
        if payments:
            documents.matched_payment_ids |= payments
            for payment in payments:
                kept = payment.invoice_ids.filtered(lambda move: move.payment_state != "reversed")
                payment.invoice_ids = kept | documents

    @api.model
    def _record_failed_payment(self, store, order, sale_order, transaction):
        """Count a failed payment once; flag the store when the failures of the window exceed its threshold."""
        Binding = self.env["ecommerce.binding"]
        if Binding._find(store, "transaction", transaction.external_id):
            return
        Binding._bind(
            store,
            "transaction",
            transaction.external_id,
            sale_order,
            revision="failed",
            external_name=order.name,
            created_at=self._transaction_time(order, transaction),
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
        if store.failed_payment_threshold <= 0:
            return
        since = fields.Datetime.now() - timedelta(hours=store.failed_payment_window or 24)
        count = Binding.search_count(
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
                    hours=store.failed_payment_window or 24,
                    threshold=store.failed_payment_threshold,
                    order=order.name,
                ),
                record=sale_order,
                expected=store.failed_payment_threshold,
                found=count,
            )

    # ------------------------------------------------------------------
    # refunds and issues
    @api.model
    def _sync_order_refunds(self, store, order, sale_order):
        builder = self.env["ecommerce.refund.builder"]
        for refund in order.refunds:
            builder._import_refund(store, refund, order=order)

    @api.model
    def _record_issues(self, store, order, sale_order, issues):
        """Flag what the import found (one discrepancy per kind and reference); close fixed total differences."""
        Discrepancy = self.env["ecommerce.discrepancy"]
        flagged = set()
        for kind, message, extra in self._merge_issues(issues):
            external_id = extra.get("external_id", order.external_id)
            Discrepancy._flag(
                store,
                kind,
                _("Order %(order)s: %(message)s", order=order.name, message=message),
                external_id=external_id,
                record=extra.get("record") or sale_order,
                expected=extra.get("expected", 0.0),
                found=extra.get("found", 0.0),
                currency=extra.get("currency"),
            )
            flagged.add((kind, external_id))
        for kind in TOTAL_KINDS:
            if (kind, order.external_id) not in flagged:
                Discrepancy._resolve(store, kind, order.external_id)

    @api.model
    def _merge_issues(self, issues):
        """One issue per kind and reference: messages joined, amounts of the first."""
        merged = {}
        for kind, message, extra in issues:
            key = (kind, extra.get("external_id"))
            if key in merged:
                merged[key][1].append(message)
            else:
                merged[key] = (kind, [message], extra)
        return [(kind, "\n".join(messages), extra) for kind, messages, extra in merged.values()]
