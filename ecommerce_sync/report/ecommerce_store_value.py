from odoo import _, fields, models, tools
from odoo.tools import SQL

from ..tools.labels import humanize

#: the mapping model and its key field, per kind of value
MAPPINGS = {
    "tax": ("ecommerce.tax.mapping", "external_key"),
    "gateway": ("ecommerce.gateway.mapping", "gateway"),
    "shipping": ("ecommerce.shipping.mapping", "method"),
    "sku": ("ecommerce.sku.mapping", "sku"),
}


class EcommerceStoreValue(models.Model):
    """The values a store has sent that a mapping can translate, read from what is already in Odoo.

    * taxes: the store tax keys that have a mapping (every key matched by
      neither a mapping nor a rate gets one, with the tax created for it);
    * payment gateways: the gateway named in the memo of the store's payments;
    * shipping methods: the titles of the shipping lines of its orders;
    * SKUs without product: the SKUs of the lines sold as the fallback product.

    Each row says whether the value is mapped and opens its mapping (a new
    one, with the value filled in, when it has none).
    """

    _name = "ecommerce.store.value"
    _description = "Value Sent by a Store"
    _auto = False
    _order = "store_id, kind, value"
    _rec_name = "value"
    _depends = {
        "ecommerce.tax.mapping": ["store_id", "external_key", "tax_id"],
        "ecommerce.gateway.mapping": ["store_id", "gateway", "journal_id"],
        "ecommerce.shipping.mapping": ["store_id", "method", "product_id"],
        "ecommerce.sku.mapping": ["store_id", "sku", "product_id"],
        "account.payment": ["memo", "move_id"],
        "account.move": ["ecommerce_store_id"],
        "sale.order.line": ["order_id", "name", "ecommerce_line_kind", "product_id"],
        "sale.order": ["ecommerce_store_id"],
        "ecommerce.store": ["fallback_product_id"],
    }

    store_id = fields.Many2one("ecommerce.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(
        [
            ("tax", "Tax"),
            ("gateway", "Payment gateway"),
            ("shipping", "Shipping method"),
            ("sku", "SKU without product"),
        ],
        readonly=True,
    )
    value = fields.Char("Sent by the Store", readonly=True)
    label = fields.Char("Means", compute="_compute_label")
    mapping_id = fields.Integer(readonly=True)
    mapped_to = fields.Char("Mapped To", compute="_compute_label")
    mapped = fields.Boolean(readonly=True)
    uses = fields.Integer("Times Seen", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """
            WITH sent AS (
                SELECT m.store_id, 'tax' AS kind, m.external_key AS value, m.id AS mapping_id, 1 AS uses
                  FROM ecommerce_tax_mapping m
                UNION ALL
                SELECT move.ecommerce_store_id, 'gateway', substring(p.memo FROM '([^ ]+)$'), NULL, 1
                  FROM account_payment p
                  JOIN account_move move ON move.id = p.move_id
                 WHERE move.ecommerce_store_id IS NOT NULL AND p.paired_internal_transfer_payment_id IS NULL
                   AND p.memo LIKE '%% %%'
                UNION ALL
                SELECT so.ecommerce_store_id, 'shipping', sol.name, NULL, 1
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE so.ecommerce_store_id IS NOT NULL AND sol.ecommerce_line_kind = 'shipping'
                UNION ALL
                SELECT so.ecommerce_store_id, 'sku', substring(sol.name FROM '^\\[([^\\]]+)\\]'), NULL, 1
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN ecommerce_store s ON s.id = so.ecommerce_store_id AND s.fallback_product_id = sol.product_id
                 WHERE sol.name LIKE '[%%'
            )
            SELECT ROW_NUMBER() OVER (ORDER BY sent.store_id, sent.kind, sent.value) AS id,
                   sent.store_id, store.company_id, sent.kind, sent.value,
                   COALESCE(MAX(sent.mapping_id), MAX(g.id), MAX(sh.id), MAX(sk.id)) AS mapping_id,
                   COALESCE(MAX(sent.mapping_id), MAX(g.id), MAX(sh.id), MAX(sk.id)) IS NOT NULL AS mapped,
                   SUM(sent.uses) AS uses
              FROM sent
              JOIN ecommerce_store store ON store.id = sent.store_id
              LEFT JOIN ecommerce_gateway_mapping g
                     ON sent.kind = 'gateway' AND g.store_id = sent.store_id AND g.gateway = sent.value
              LEFT JOIN ecommerce_shipping_mapping sh
                     ON sent.kind = 'shipping' AND sh.store_id = sent.store_id AND sh.method = sent.value
              LEFT JOIN ecommerce_sku_mapping sk
                     ON sent.kind = 'sku' AND sk.store_id = sent.store_id AND sk.sku = sent.value
             WHERE sent.value IS NOT NULL AND sent.value != ''
             GROUP BY sent.store_id, store.company_id, sent.kind, sent.value
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def _mapping(self):
        self.ensure_one()
        model, _key = MAPPINGS[self.kind]
        return self.env[model].browse(self.mapping_id).exists() if self.mapping_id else self.env[model]

    def _compute_label(self):
        for row in self:
            mapping = row._mapping()
            row.mapped_to = mapping[mapping._mapping_target].display_name if mapping else False
            if row.kind == "tax" and mapping:
                tax = mapping.tax_id
                rate = f"{tax.amount:g}"
                row.label = _("%(name)s (%(rate)s %%)", name=tax.invoice_label or tax.name, rate=rate)
            elif row.kind == "gateway":
                row.label = humanize(row.value)
            else:
                row.label = row.value

    def action_open_mapping(self):
        """The value's mapping, or a new one with the store and the value filled in."""
        self.ensure_one()
        self.check_access("read")
        model, key = MAPPINGS[self.kind]
        mapping = self._mapping()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mapping of %(value)s", value=self.value),
            "res_model": model,
            "res_id": mapping.id or False,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_store_id": self.store_id.id, f"default_{key}": self.value},
        }
