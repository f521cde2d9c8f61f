from decimal import Decimal

from odoo import Command, _, api, models
from odoo.tools import float_compare

from ..ledger.issues import Issue
from ..ledger.plans import LinePlan


class EcommerceSaleOrderBuilder(models.AbstractModel):
    """Store orders -> sale orders whose lines are worth the store's amounts to the cent.

    * the sale order of a store order is made with the customer and contacts of
      ``ecommerce.partner.builder``, in the order's currency, with the store's sales team,
      fiscal position, tags and discount codes (:meth:`_create_sale_order`);
    * each store line (items, fees, shipping) is planned as a ``ledger.plans.LinePlan``: its
      product (variant link, SKU, barcode, SKU override, else the fallback product), its Odoo
      taxes (``ecommerce.tax.mapping._resolve``), its amount; shipping lines sell the product
      mapped to their method (:meth:`_prepare_line_plans`);
    * a plan is written the first way whose amount Odoo computes as the store's
      (``ledger.amounts``: store price and discount percentage, else net price, else the line
      split in two), checked against what Odoo computed (:meth:`_fit_plan_lines`);
    * a newer revision of the order rewrites the lines that changed and zeroes the vanished
      ones, and says whether anything the invoice says changed (:meth:`_update_sale_order`).
    """

    _name = "ecommerce.sale.order.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Sale Order Builder"

    # ------------------------------------------------------------------
    # sale order
    @api.model
    def _create_sale_order(self, store, order, issues):
        """Create the draft sale order of a store order, lines at the store's amounts.

        :param list issues: collects ``ledger.issues.Issue``
        :rtype: sale.order
        """
        return self._create_sale_orders(store, [order], [issues])

    @api.model
    def _create_sale_orders(self, store, orders, issues):
        """Create the draft sale orders of store orders at once, lines at the store's amounts.

        :param list issues: per order, the list collecting its ``ledger.issues.Issue``
        :return: the sale orders, in the order of ``orders``
        :rtype: sale.order
        """
        partners_list = self.env["ecommerce.partner.builder"]._sync_orders_partners(store, orders)
        values_list, plans_list = [], []
        for order, order_issues, partners in zip(orders, issues, partners_list, strict=True):
            plans = self._prepare_line_plans(store, order, order_issues)
            values = self._prepare_sale_order(store, order, partners)
            values["order_line"] = [
                Command.create(self._part_values(plan, part)) for plan in plans for part in self._plan_parts(plan, 0)
            ]
            values_list.append(values)
            plans_list.append(plans)
        sale_orders = self.env["sale.order"].create(values_list)
        for sale_order, plans in zip(sale_orders, plans_list, strict=True):
            self._fit_plan_lines(sale_order, plans)
        return sale_orders

    @api.model
    def _prepare_sale_order(self, store, order, partners):
        """Values of the sale order of a store order (without its lines).

        :param partners: ledger.plans.OrderPartners
        :rtype: dict
        """
        values = {
            "partner_id": partners.customer.id,
            "partner_invoice_id": partners.invoice.id,
            "partner_shipping_id": partners.delivery.id,
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
        """The sale order's note: the discount codes used, then the customer's note."""
        parts = []
        codes = [discount.code for discount in order.discounts if discount.code]
        if codes:
            parts.append(_("Discount codes: %(codes)s", codes=", ".join(codes)))
        if order.note:
            parts.append(order.note)
        return "\n".join(parts) or False

    @api.model
    def _tags(self, names):
        """The sales tags of the store's tag names, made when missing."""
        Tag = self.env["crm.tag"]
        tags = Tag
        for name in names:
            name = (name or "").strip()
            if name:
                tags |= self._memoized(
                    ("tag", name),
                    lambda name=name: Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name}),
                )
        return tags

    @api.model
    def _update_sale_order(self, store, order, sale_order, issues):
        """Apply a newer revision of the order to its sale order.

        Lines whose product, quantity, amount or taxes changed are rewritten,
        new ones added, vanished ones set to zero; on a cancelled sale order
        nothing changes.

        :param list issues: collects ``ledger.issues.Issue``
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
            lines = lines_by_key.pop(plan.key, self.env["sale.order.line"])
            if lines and self._plan_matches(plan, lines):
                continue
            changed = True
            self._write_plan_lines(sale_order, plan, lines, self._plan_parts(plan, 0))
        for lines in lines_by_key.values():
            live = lines.filtered(lambda line: line.product_uom_qty)
            if live:
                changed = True
                live.write({"product_uom_qty": 0})
        if changed:
            self._fit_plan_lines(sale_order, plans)
        return changed

    @api.model
    def _prepare_sale_order_update(self, store, order, sale_order, partners):
        """Header values an edit changes: delivery address, tags.

        :param partners: ledger.plans.OrderPartners
        :rtype: dict
        """
        values = {}
        if partners.delivery != sale_order.partner_shipping_id:
            values["partner_shipping_id"] = partners.delivery.id
        tags = self._tags(order.tags)
        if tags != sale_order.tag_ids:
            values["tag_ids"] = [Command.set(tags.ids)]
        return values

    @api.model
    def _confirm_sale_order(self, store, order, sale_order):
        self._confirm_sale_orders(store, sale_order)

    @api.model
    def _confirm_sale_orders(self, store, sale_orders):
        """Confirm the draft sale orders among ``sale_orders`` at once (their deliveries are made)."""
        drafts = sale_orders.filtered(lambda sale_order: sale_order.state in ("draft", "sent"))
        if drafts:
            drafts.action_confirm()

    @api.model
    def _cancel_sale_order(self, store, order, sale_order):
        if sale_order.state != "cancel":
            sale_order.with_context(disable_cancel_warning=True).action_cancel()

    # ------------------------------------------------------------------
    # line plans
    @api.model
    def _prepare_line_plans(self, store, order, issues):
        """What each store line (items, fees, shipping) must become.

        :param list issues: collects ``ledger.issues.Issue``
        :rtype: list[ledger.plans.LinePlan]
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
            plan.currency_digits = currency_digits
        return plans

    @api.model
    def _prepare_item_plan(self, store, order, line, tax_included, order_taxes, issues):
        """The plan of an item or fee line (``order_taxes``: the order's taxes, when its lines give none).

        :rtype: ledger.plans.LinePlan
        """
        product = self._line_product(store, order, line, issues)
        tax_lines = line.tax_lines or (order_taxes if line.taxable else [])
        taxes = self._line_taxes(store, tax_lines, tax_included, line.subtotal, issues)
        kind = "gift_card" if line.gift_card else ("fee" if line.kind == "fee" else "product")
        name = line.name or product.display_name
        if product == store.fallback_product_id and line.sku:
            name = f"[{line.sku}] {name}"
        key = str(line.external_id)
        return LinePlan(
            key=key,
            kind=kind,
            tax_included=tax_included,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.subtotal,
            values=self._prepare_line_values(store, order, product, name, taxes, kind, key),
        )

    @api.model
    def _prepare_shipping_plan(self, store, order, shipping, tax_included, issues):
        """The plan of a shipping line: the product mapped to its method, else the store's shipping product.

        :rtype: ledger.plans.LinePlan
        """
        product = (
            self._memoized(
                ("shipping mapping", store.id, shipping.method_key),
                lambda: self.env["ecommerce.shipping.mapping"]._lookup(store, shipping.method_key),
            )
            or store.shipping_product_id
        )
        taxes = self._line_taxes(store, shipping.tax_lines, tax_included, shipping.subtotal, issues)
        key = f"shipping:{shipping.external_id}"
        return LinePlan(
            key=key,
            kind="shipping",
            tax_included=tax_included,
            quantity=Decimal(1),
            unit_price=shipping.price,
            amount=shipping.subtotal,
            values=self._prepare_line_values(
                store, order, product, shipping.title or product.display_name, taxes, "shipping", key
            ),
        )

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
        product = self._memoized(
            ("line product", store.id, line.variant_external_id, line.sku, line.barcode),
            lambda: self._find_line_product(store, line),
        )
        if product:
            return product
        if line.kind == "product" and not line.gift_card:
            issues.append(
                Issue(
                    "unmatched_product",
                    _(
                        "Line %(line)s (SKU %(sku)s, %(name)s) matches no product: sold as %(fallback)s.",
                        line=line.external_id,
                        sku=line.sku or "-",
                        name=line.name,
                        fallback=store.fallback_product_id.display_name,
                    ),
                )
            )
        return store.fallback_product_id

    @api.model
    def _find_line_product(self, store, line):
        """The product a store line names (variant link, SKU, barcode, SKU override), or an empty recordset."""
        if line.variant_external_id:
            link = self.env["ecommerce.product.link"].search(
                [("store_id", "=", store.id), ("external_id", "=", line.variant_external_id)], limit=1
            )
            if link.product_id:
                return link.product_id
        return store._match_product(line.sku, line.barcode)[0]

    # ------------------------------------------------------------------
    # sale order lines of a plan
    @api.model
    def _part_values(self, plan, part):
        """Sale order line values of one part (``ledger.amounts.LinePart``) of a plan.

        :rtype: dict
        """
        return {
            **plan.values,
            "product_uom_qty": float(part.quantity),
            "price_unit": float(part.price_unit),
            "discount": float(part.discount),
        }

    @api.model
    def _plan_lines(self, sale_order, plan):
        """The sale order lines a plan is written on (those with a quantity)."""
        return sale_order.order_line.filtered(
            lambda line: line.ecommerce_line_external_id == plan.key and line.product_uom_qty
        )

    @api.model
    def _write_plan_lines(self, sale_order, plan, lines, parts):
        """Make ``lines`` (the sale order lines of a plan) express ``parts``: rewrite, add, zero the rest."""
        lines = lines.sorted("id")
        product_id = plan.values["product_id"]
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
    def _plan_matches(self, plan, lines):
        """Whether existing lines already say what the plan says (product, taxes, quantity, amount)."""
        live = lines.filtered(lambda line: line.product_uom_qty)
        if not live and not plan.quantity:
            return True
        if live.product_id.ids != [plan.values["product_id"]]:
            return False
        tax_ids = set(plan.values["tax_id"][0][2])
        if any(set(line.tax_id.ids) != tax_ids for line in live):
            return False
        if float_compare(sum(live.mapped("product_uom_qty")), float(plan.quantity), precision_digits=6):
            return False
        return self._worth_plan(live, plan, live.currency_id[:1])
