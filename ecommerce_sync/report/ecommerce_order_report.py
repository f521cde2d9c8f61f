from odoo import fields, models, tools
from odoo.tools import SQL


class EcommerceOrderReport(models.Model):
    """One row per store order imported: when it was placed and invoiced, whether it ties out, its revenue.

    A SQL view over the order bindings, their sale orders, the store's posted
    invoices and credit notes of those sale orders (by origin), and the open
    total and tax discrepancies of the orders. The store's dashboard figures
    (sync accuracy, processing time, revenue) are read from it.
    """

    _name = "ecommerce.order.report"
    _description = "Store Order Analysis"
    _auto = False
    _order = "placed_at desc, id desc"
    _rec_name = "name"
    _depends = {
        "ecommerce.binding": [
            "store_id",
            "company_id",
            "kind",
            "external_id",
            "external_name",
            "external_created_at",
            "res_model",
            "res_id",
        ],
        "ecommerce.discrepancy": ["store_id", "external_id", "kind", "state"],
        "sale.order": ["name"],
        "account.move": ["ecommerce_store_id", "move_type", "state", "invoice_origin", "amount_untaxed_signed"],
        "res.company": ["currency_id"],
    }

    store_id = fields.Many2one("ecommerce.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", "Company Currency", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    external_id = fields.Char("Store Order ID", readonly=True)
    name = fields.Char("Store Order Number", readonly=True)
    placed_at = fields.Datetime("Placed At", readonly=True, help="When the customer placed the order in the store.")
    imported_at = fields.Datetime("Imported At", readonly=True)
    invoice_posted_at = fields.Datetime(
        "Invoiced At", readonly=True, help="When the order's first posted invoice was created in Odoo."
    )
    processing_hours = fields.Float(
        "Processing Time (h)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Hours from the order's creation in the store to its invoice in Odoo.",
    )
    identical = fields.Boolean(
        "Identical Totals",
        readonly=True,
        help="No open amount or tax difference: Odoo's totals of the order equal the store's.",
    )
    revenue = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Untaxed amount of the order's posted invoices minus its credit notes, in the company's currency.",
    )

    def _query(self):
        return SQL(
            """
            SELECT b.id AS id,
                   b.store_id AS store_id,
                   b.company_id AS company_id,
                   company.currency_id AS currency_id,
                   so.id AS sale_order_id,
                   b.external_id AS external_id,
                   b.external_name AS name,
                   b.external_created_at AS placed_at,
                   b.create_date AS imported_at,
                   moves.invoiced_at AS invoice_posted_at,
                   (EXTRACT(EPOCH FROM (moves.invoiced_at - b.external_created_at)) / 3600)::float
                       AS processing_hours,
                   NOT EXISTS (
                       SELECT 1
                         FROM ecommerce_discrepancy d
                        WHERE d.store_id = b.store_id AND d.external_id = b.external_id AND d.state = 'open'
                          AND d.kind IN ('amount_mismatch', 'tax_mismatch')
                   ) AS identical,
                   COALESCE(moves.revenue, 0) AS revenue
              FROM ecommerce_binding b
              LEFT JOIN res_company company ON company.id = b.company_id
              LEFT JOIN sale_order so ON b.res_model = 'sale.order' AND so.id = b.res_id
              LEFT JOIN LATERAL (
                    SELECT MIN(m.create_date) FILTER (WHERE m.move_type = 'out_invoice') AS invoiced_at,
                           SUM(m.amount_untaxed_signed) AS revenue
                      FROM account_move m
                     WHERE m.ecommerce_store_id = b.store_id AND m.state = 'posted'
                       AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_origin = so.name
                   ) moves ON TRUE
             WHERE b.kind = 'order'
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
