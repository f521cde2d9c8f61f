from collections import defaultdict
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.tools import float_compare

from ..connector.records import ZERO
from ..ledger.issues import Issue
from ..ledger.plans import StoreTotals


class EcommerceInvoiceBuilder(models.AbstractModel):
    """Customer invoices and credit notes of store orders, at the store's amounts.

    * the invoice of an order is made by the sale order's own ``_create_invoices``, dated on the
      order (and, without payment terms, due that day) (:meth:`_sync_invoice`);
    * orders in another currency keep it; with the store's rate policy the invoice carries the
      rate the store converted at (:meth:`_apply_store_rate`), and its reversals and credit notes
      that rate too;
    * when Odoo's tax differs from the store's by rounding alone, the tax lines take the store's
      amounts, as Odoo's tax totals widget does (:meth:`_absorb_rounding`); anything more becomes
      a ``tax_mismatch`` or ``amount_mismatch`` issue (:meth:`_check_totals`);
    * a posted invoice is never rewritten: an edit or a cancellation reverses it by a full credit
      note reconciled with it (:meth:`_reverse_invoice`); a store refund becomes a credit note by
      Odoo's reversal holding the lines the refund builder plans (:meth:`_create_credit_note`).
    """

    _name = "ecommerce.invoice.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Invoice Builder"

    # ------------------------------------------------------------------
    # invoices of a sale order
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
        """The last posted invoice of the sale order that is not reversed (what a refund credits)."""
        return self._current_invoices(sale_order).filtered(lambda move: move.state == "posted").sorted("id")[-1:]

    @api.model
    def _sync_invoice(self, store, order, sale_order, invoice_changed, issues):
        """The posted invoice of the order, made or remade from the sale order.

        :param bool invoice_changed: whether what the invoice says changed (else a current
            invoice is kept)
        :param list issues: collects ``ledger.issues.Issue``
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
        return self._create_order_invoices(store, [order], sale_order, [issues])[0]

    @api.model
    def _create_order_invoices(self, store, orders, sale_orders, issues):
        """The posted invoices of orders, made by the sale orders' own ``_create_invoices`` at once.

        Each invoice is dated on its order, at the store's rate, its tax fitted to the store's;
        then all are posted together and checked against the store's totals.

        :param sale_orders: sale.order, one per order (in the order of ``orders``)
        :param list issues: per order, the list collecting its ``ledger.issues.Issue``
        :return: per order, its invoice (an empty recordset when there is nothing to invoice)
        :rtype: list[account.move]
        """
        Move = self.env["account.move"]
        to_invoice = sale_orders.filtered(lambda sale_order: any(sale_order.order_line.mapped("qty_to_invoice")))
        if not to_invoice:
            return [Move for _order in orders]
        values = {
            sale_order.id: self._prepare_invoice_values(store, order, sale_order)
            for order, sale_order in zip(orders, sale_orders, strict=True)
            if sale_order in to_invoice
        }
        moves = to_invoice.with_context(ecommerce_invoice_values_by_order=values)._create_invoices(
            grouped=True, final=True
        )
        by_order = {move.invoice_line_ids.sale_line_ids.order_id[:1].id: move for move in moves}
        invoices = [by_order.get(sale_order.id, Move) for sale_order in sale_orders]
        totals = []
        for order, invoice in zip(orders, invoices, strict=True):
            totals.append(self._order_totals(store, order))
            if invoice:
                if self._apply_store_rate(store, order, invoice):
                    self._absorb_rounding(invoice, totals[-1])
                    self._fit_company_total(invoice, order.store_rate)
                else:
                    self._absorb_rounding(invoice, totals[-1])
        moves.action_post()
        for invoice, order_totals, order_issues in zip(invoices, totals, issues, strict=True):
            if invoice:
                self._check_totals(invoice, order_totals, order_issues)
        self._note_imported(
            store, [(invoice, order.name) for order, invoice in zip(orders, invoices, strict=True) if invoice]
        )
        return invoices

    @api.model
    def _prepare_invoice_values(self, store, order, sale_order):
        """Invoice values the sale order's ``_prepare_invoice`` does not know: the date of the order.

        Without payment terms the invoice is due on that date (a store order is paid, or owed, when it
        is placed); Odoo would otherwise make it due on the day of the import.

        :rtype: dict
        """
        date = self._store_date(order.created_at)
        values = {"invoice_date": date}
        if not sale_order.payment_term_id:
            values["invoice_date_due"] = date
        return values

    @api.model
    def _order_totals(self, store, order):
        """What the store says the order's invoice is worth.

        :rtype: ledger.plans.StoreTotals
        """
        tax_included = store._tax_included(order)
        return StoreTotals(
            untaxed=order.total_untaxed,
            tax=order.total_tax,
            tax_included=tax_included,
            group_taxes=self._store_taxes_by_group(store, order, tax_included),
        )

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
                tax = self._line_taxes(store, [tax_line], tax_included, base, [])
                amounts[tax.tax_group_id.id] += tax_line.amount
        return dict(amounts)

    @api.model
    def _cancel_invoices(self, store, order, sale_order):
        """Reverse the invoices of a cancelled order on which nothing was paid or credited."""
        for invoice in self._current_invoices(sale_order):
            untouched = invoice.currency_id.is_zero(invoice.amount_residual - invoice.amount_total)
            if untouched and invoice.state == "posted":
                self._reverse_invoice(store, invoice, _("Store order %(order)s cancelled", order=order.name))

    # ------------------------------------------------------------------
    # currency rate
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
    def _company_ratio(self, move):
        """Company-currency units per unit of the document's currency, as ``move`` is booked (None when empty)."""
        if not move.amount_total:
            return None
        return Decimal(str(abs(move.amount_total_signed))) / Decimal(str(move.amount_total))

    @api.model
    def _fit_company_total(self, move, ratio):
        """Give a draft invoice or credit note in another currency the company-currency total of the
        store's conversion: its total at ``ratio`` (company units per unit of its currency), rounded once.

        Odoo converts line by line, and the converted lines can add up to a cent or so from the
        store's conversion of the whole (``Order.shop_total``), which the payments and the payouts
        of the order follow: that cent would come back as an exchange difference when the payout
        settles them. The receivable takes the store's amount and the largest product line the
        difference, when it is within one rounding unit per line (beyond that the amounts do not
        agree, and are left as Odoo converted them).

        :return: whether the lines were changed
        """
        company_currency = move.company_currency_id
        if not ratio or move.currency_id == company_currency or not move.amount_total:
            return False
        terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        products = move.line_ids.filtered(lambda line: line.display_type == "product")
        if not terms or not products:
            return False
        term = terms.sorted(lambda line: abs(line.balance))[-1]
        sign = 1 if term.balance >= 0 else -1
        target = company_currency.round(float(Decimal(str(move.amount_total)) * ratio))
        delta = company_currency.round(target - abs(sum(terms.mapped("balance"))))
        tolerance = company_currency.rounding * len(move.line_ids - terms)
        if company_currency.is_zero(delta) or abs(delta) > tolerance + company_currency.rounding / 2:
            return False
        line = products.sorted(lambda line: abs(line.balance))[-1]
        move.with_context(check_move_validity=False).write(
            {
                "line_ids": [
                    Command.update(term.id, {"balance": term.balance + sign * delta}),
                    Command.update(line.id, {"balance": line.balance - sign * delta}),
                ]
            }
        )
        return True

    # ------------------------------------------------------------------
    # credit notes
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
            self._fit_company_total(reversal, self._company_ratio(invoice))
        reversal.with_context(move_reverse_cancel=True)._post(soft=False)
        invoice.message_post(body=reason)
        return reversal

    @api.model
    def _create_credit_note(self, store, invoice, values, plans, totals, issues):
        """The posted credit note of ``invoice`` holding ``plans``, made by Odoo's reversal.

        With the store's rate policy it has the invoice's rate. Its lines are fitted to the plans'
        amounts and its tax to the store's the same way invoices are.

        :param dict values: header values (given to ``_reverse_moves`` as defaults)
        :param list plans: ``ledger.plans.LinePlan`` of what is credited
        :param totals: ledger.plans.StoreTotals of the refund
        :param list issues: collects ``ledger.issues.Issue``
        :rtype: account.move
        """
        values = dict(values)
        values["line_ids"] = [
            Command.create(self._credit_note_line_values(plan, part))
            for plan in plans
            for part in self._plan_parts(plan, 0)
        ]
        credit_note = invoice._reverse_moves([values], cancel=False)
        if store.currency_rate_policy == "store" and credit_note.currency_id != credit_note.company_currency_id:
            self._set_currency_rate(credit_note, invoice.invoice_currency_rate)
        self._fit_plan_lines(credit_note, plans)
        self._absorb_rounding(credit_note, totals)
        if store.currency_rate_policy == "store" and credit_note.currency_id != credit_note.company_currency_id:
            self._fit_company_total(credit_note, self._company_ratio(invoice))
        credit_note.action_post()
        self._check_totals(credit_note, totals, issues)
        return credit_note

    @api.model
    def _credit_note_line_values(self, plan, part):
        """Journal item values of one part (``ledger.amounts.LinePart``) of a credit note plan.

        :rtype: dict
        """
        return {
            **plan.values,
            "display_type": "product",
            "quantity": float(part.quantity),
            "price_unit": float(part.price_unit),
            "discount": float(part.discount),
            "ecommerce_line_key": plan.key,
        }

    @api.model
    def _plan_lines(self, credit_note, plan):
        return credit_note.invoice_line_ids.filtered(lambda line: line.ecommerce_line_key == plan.key)

    @api.model
    def _write_plan_lines(self, credit_note, plan, lines, parts):
        """Replace the credit note lines of a plan by ``parts``."""
        commands = [Command.delete(line.id) for line in lines]
        commands += [Command.create(self._credit_note_line_values(plan, part)) for part in parts]
        credit_note.write({"invoice_line_ids": commands})

    # ------------------------------------------------------------------
    # amounts against the store's
    @api.model
    def _absorb_rounding(self, move, totals):
        """Give a draft invoice or credit note the store's tax when Odoo's differs by its rounding alone.

        Only when the untaxed amount already equals the store's (prices
        excluding taxes); the tax lines take the store's amounts, as Odoo's
        tax totals widget does when an amount is typed in:

        * with ``totals.group_taxes`` (the store's tax per Odoo tax group, see
          :meth:`_store_taxes_by_group`), each group takes the store's amount
          when it differs from Odoo's by at most one rounding unit per
          invoice line of that group: Odoo rounds the tax of each line, and a
          store line written as two Odoo lines (see ``ledger.amounts``) is
          rounded twice where the store rounded once;
        * when the store gives its tax for the whole document only (``group_taxes``
          None: refunds), up to one rounding unit per tax of each line, spread
          over the groups (:meth:`_spread_rounding`);
        * otherwise a difference of one rounding unit in all goes to the
          largest tax group.

        With prices including taxes the total is already the store's and the
        split is left to Odoo.

        :param totals: ledger.plans.StoreTotals
        :return: whether the tax lines were changed
        """
        currency = move.currency_id
        delta = float(totals.tax) - move.amount_tax
        if (
            totals.tax_included
            or currency.is_zero(delta)
            or not currency.is_zero(move.amount_untaxed - float(totals.untaxed))
        ):
            return False
        tax_totals = move.tax_totals
        groups = [group for subtotal in tax_totals.get("subtotals", []) for group in subtotal.get("tax_groups", [])]
        if not groups:
            return False
        if totals.group_taxes is not None:
            if self._fit_tax_groups(move, groups, totals.group_taxes, totals.tax):
                move.tax_totals = tax_totals
                return True
            if self._beyond_rounding(currency, delta):
                return False
            biggest = max(groups, key=lambda group: abs(group["tax_amount_currency"]))
            biggest["tax_amount_currency"] += delta
        elif not self._spread_rounding(move, groups, delta):
            return False
        move.tax_totals = tax_totals
        return True

    @api.model
    def _spread_rounding(self, move, groups, delta):
        """Spread ``delta`` (the store's tax less Odoo's) over tax groups, when rounding alone explains it.

        For a store that gives its tax for the whole document only (a refund, whose tax is the share
        of each of its line's rounded taxes; an order taxed as a whole): each tax of each line may
        be a rounding unit away from Odoo's, which computes it on the line's amount. The gap is
        spread one unit at a time, the largest groups first, at most one unit per line carrying a
        tax of the group.

        :param list groups: the tax groups of the move's tax totals (changed in place)
        :return: False (and nothing changed) when the gap is larger than that
        """
        currency = move.currency_id
        units = round(abs(delta) / currency.rounding)
        room = []
        for group in sorted(groups, key=lambda group: abs(group["tax_amount_currency"]), reverse=True):
            taxes = move.invoice_line_ids.tax_ids.filtered(lambda tax, group=group: tax.tax_group_id.id == group["id"])
            room.append(
                [group, sum(len(line.tax_ids & taxes) for line in move.invoice_line_ids)],
            )
        if units > sum(capacity for _group, capacity in room):
            return False
        step = currency.rounding if delta > 0 else -currency.rounding
        while units:
            for entry in room:
                if units and entry[1]:
                    entry[0]["tax_amount_currency"] = currency.round(entry[0]["tax_amount_currency"] + step)
                    entry[1] -= 1
                    units -= 1
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
    def _check_totals(self, move, totals, issues):
        """Compare a posted invoice or credit note with the store's amounts; collect differences.

        A tax that differs beyond the currency rounding is a ``tax_mismatch``
        (whether or not it moves the total); any other difference of the
        total (untaxed amounts) is an ``amount_mismatch``, since the total is
        what the payments settle.

        :param totals: ledger.plans.StoreTotals
        :param list issues: collects ``ledger.issues.Issue``
        """
        currency = move.currency_id
        total = totals.total
        summary = _(
            "%(move)s: total %(odoo_total)s, the store says %(store_total)s (untaxed %(odoo_untaxed)s / "
            "%(store_untaxed)s, tax %(odoo_tax)s / %(store_tax)s).",
            move=move.display_name,
            odoo_total=move.amount_total,
            store_total=total,
            odoo_untaxed=move.amount_untaxed,
            store_untaxed=totals.untaxed,
            odoo_tax=move.amount_tax,
            store_tax=totals.tax,
        )
        if self._beyond_rounding(currency, move.amount_tax - float(totals.tax)):
            issues.append(
                Issue(
                    "tax_mismatch", summary, record=move, expected=totals.tax, found=move.amount_tax, currency=currency
                )
            )
        elif not currency.is_zero(move.amount_total - float(total)):
            issues.append(
                Issue(
                    "amount_mismatch", summary, record=move, expected=total, found=move.amount_total, currency=currency
                )
            )
