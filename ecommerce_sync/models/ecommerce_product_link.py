from odoo import api, fields, models


class EcommerceProductLink(models.Model):
    """A store product variant and the Odoo product it is linked to (if any).

    Every variant the store reports gets a line here, linked or not, so the
    product mapping list shows what sells where and what still needs a product.
    """

    _name = "ecommerce.product.link"
    _description = "Store Product Variant"
    _order = "store_id, state desc, name"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    external_id = fields.Char("Variant ID", required=True, index=True)
    product_external_id = fields.Char("Product ID")
    inventory_item_id = fields.Char("Inventory Item ID")
    name = fields.Char(required=True)
    sku = fields.Char("SKU", index=True)
    barcode = fields.Char()
    store_price = fields.Float(digits="Product Price")
    store_cost = fields.Float(digits="Product Price")
    tracked = fields.Boolean(default=True, help="The store tracks stock for this variant.")
    product_id = fields.Many2one("product.product", index=True, ondelete="set null")
    state = fields.Selection(
        [("linked", "Linked"), ("unlinked", "Not linked")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    match_method = fields.Selection(
        [
            ("sku", "Internal reference"),
            ("barcode", "Barcode"),
            ("override", "SKU override"),
            ("created", "Created from the store"),
            ("manual", "Set by hand"),
        ],
        readonly=True,
    )
    revision = fields.Char(readonly=True)
    pushed_level = fields.Integer("Level Sent", readonly=True, help="The last level the store accepted from Odoo.")
    pushed_at = fields.Datetime("Level Sent On", readonly=True)
    push_error = fields.Text("Push Error", readonly=True, help="Why the store refused the last level sent.")
    store_level = fields.Float(
        "Store Level",
        digits="Product Unit of Measure",
        readonly=True,
        help="The level the store showed when last read.",
    )
    store_level_at = fields.Datetime("Store Level Read On", readonly=True)

    _sql_constraints = [
        ("variant_unique", "UNIQUE(store_id, external_id)", "This store variant is already listed."),
    ]

    @api.depends("product_id")
    def _compute_state(self):
        for link in self:
            link.state = "linked" if link.product_id else "unlinked"

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        links._queue_stock()
        return links

    def write(self, vals):
        if "product_id" in vals and "match_method" not in vals:
            vals = {**vals, "match_method": "manual" if vals["product_id"] else False}
        watched = {"product_id", "tracked"} & vals.keys()
        before = {link.id: (link.product_id.id, link.tracked) for link in self} if watched else {}
        res = super().write(vals)
        if watched:
            # only a new product or tracking changes what the store must show: a store variant
            # refreshed with the same values (e.g. after the store saved a level Odoo sent) queues nothing
            self.filtered(lambda link: (link.product_id.id, link.tracked) != before[link.id])._queue_stock()
        return res

    def _queue_stock(self):
        """Queue the level of the products these variants are now linked to."""
        todo = {}
        for link in self.filtered(lambda link: link.product_id and link.tracked and link.store_id.sync_stock):
            todo.setdefault(link.store_id.id, set()).add(link.product_id.id)
        if todo:
            self.env["ecommerce.stock.push"]._queue(todo)

    @api.model
    def _import_variant(self, store, variant):
        """Record a store variant and link it to an Odoo product when one matches.

        :param store: ecommerce.store
        :param variant: canonical ProductVariant
        :return: "created", "updated" or "skipped"
        """
        link = self.search([("store_id", "=", store.id), ("external_id", "=", variant.external_id)], limit=1)
        if link and variant.revision and link.revision == variant.revision and link.product_id:
            return "skipped"
        values = {
            "store_id": store.id,
            "external_id": variant.external_id,
            "product_external_id": variant.product_external_id or False,
            "inventory_item_id": variant.inventory_item_id or False,
            "name": variant.name,
            "sku": variant.sku or False,
            "barcode": variant.barcode or False,
            "store_price": float(variant.price),
            "store_cost": float(variant.cost) if variant.cost is not None else 0.0,
            "tracked": variant.tracked,
            "revision": variant.revision or False,
        }
        if not link or not link.product_id or link.match_method != "manual":
            product, method = store._match_product(variant.sku, variant.barcode)
            if not product:
                product, method = self._product_for_unmatched(store, variant)
            values.update(product_id=product.id or False, match_method=method or False)
        if link:
            link.write(values)
            return "updated"
        self.create(values)
        return "created"

    @api.model
    def _product_for_unmatched(self, store, variant):
        """What an unknown store variant becomes.

        With the store's "Create unknown products" setting, a storable product
        with the store's SKU, barcode, price and cost; otherwise nothing, and
        the variant stays listed as not linked.

        :return: ``(product.product, match method)``
        """
        Product = self.env["product.product"]
        if not store.create_unknown_products or not variant.sku:
            return Product, False
        product = Product.with_company(store.company_id).create(
            {
                "name": variant.name,
                "default_code": variant.sku,
                "barcode": variant.barcode or False,
                "type": "consu",
                "is_storable": variant.tracked,
                "list_price": float(variant.price),
                "standard_price": float(variant.cost or 0),
                "company_id": store.company_id.id,
            }
        )
        return product, "created"
