from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.labels import CHANNEL_MEASURES as MEASURES


class EcommerceChannelReport(models.Model):
    """The books of each store, one row per posted journal item of its documents.

    Each row carries the figures of a channel it makes up, in the company's
    currency: gross sales, discounts and net sales of the store's invoices,
    refunds of its credit notes, tax collected (per tax), shipping, fees,
    payouts, the movement of its clearing account (the money the platform
    holds: summed over all time, what is still in transit) and the open
    receivables. Grouped by store and date in the pivot and graph views, it is
    the channel report; each cell opens the journal items behind it, each row
    its document. The store digest reads it too.
    """

    _name = "ecommerce.channel.report"
    _description = "Channel Report"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"
    _depends = {
        "account.move": ["ecommerce_store_id", "state", "move_type", "date", "partner_id"],
        "account.move.line": [
            "move_id",
            "account_id",
            "balance",
            "discount",
            "display_type",
            "tax_line_id",
            "product_id",
            "amount_residual",
        ],
        "account.account": ["account_type"],
        "account.payment": ["paired_internal_transfer_payment_id", "journal_id", "move_id"],
        "ecommerce.store": ["clearing_journal_id", "fee_account_id", "shipping_product_id"],
        "ecommerce.shipping.mapping": ["store_id", "product_id"],
        "sale.order.line": ["ecommerce_line_kind", "invoice_lines"],
    }

    store_id = fields.Many2one("ecommerce.store", "Store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", "Company Currency", readonly=True)
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", "Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", "Journal Item", readonly=True)
    move_type = fields.Selection(
        [
            ("entry", "Journal Entry"),
            ("out_invoice", "Customer Invoice"),
            ("out_refund", "Customer Credit Note"),
            ("in_invoice", "Vendor Bill"),
            ("in_refund", "Vendor Credit Note"),
            ("out_receipt", "Sales Receipt"),
            ("in_receipt", "Purchase Receipt"),
        ],
        "Document Type",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    account_id = fields.Many2one("account.account", "Account", readonly=True)
    journal_id = fields.Many2one("account.journal", "Journal", readonly=True)
    tax_id = fields.Many2one("account.tax", "Tax", readonly=True)
    gross_sales = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Invoiced items before discounts, without tax."
    )
    discounts = fields.Monetary(currency_field="currency_id", readonly=True, help="Discounts on the invoiced items.")
    refunds = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Credit notes of refunds and cancellations, without tax."
    )
    net_sales = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Invoices minus credit notes, without tax (items, shipping and fees charged to the customer).",
    )
    tax_collected = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Tax of the invoices minus the tax of the credit notes."
    )
    shipping = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Shipping charged, minus shipping refunded, without tax."
    )
    fees = fields.Monetary(currency_field="currency_id", readonly=True, help="Fees the platform kept.")
    net_payouts = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Money the platform paid out to the bank."
    )
    in_transit = fields.Monetary(
        "In Transit (Clearing)",
        currency_field="currency_id",
        readonly=True,
        help="Movement of the store's clearing account: money collected by the platform and not paid out yet. "
        "Over a period, how much it grew; over all dates, what the platform still holds.",
    )
    open_receivables = fields.Monetary(
        currency_field="currency_id", readonly=True, help="What customers still owe on the store's invoices."
    )

    def _query(self):
        return SQL(
            """
            WITH clearing AS (
                SELECT s.id AS store_id, MIN(pml.payment_account_id) AS account_id
                  FROM ecommerce_store s
                  JOIN account_payment_method_line pml ON pml.journal_id = s.clearing_journal_id
                 WHERE pml.payment_account_id IS NOT NULL
                 GROUP BY s.id
            ), shipping_products AS (
                SELECT id AS store_id, shipping_product_id AS product_id
                  FROM ecommerce_store WHERE shipping_product_id IS NOT NULL
                UNION
                SELECT store_id, product_id FROM ecommerce_shipping_mapping
            ), lines AS (
                SELECT aml.id, m.ecommerce_store_id AS store_id, aml.company_id, aml.company_currency_id,
                       aml.date, aml.move_id, m.move_type, COALESCE(aml.partner_id, m.partner_id) AS partner_id,
                       aml.account_id, aml.journal_id, aml.tax_line_id, aml.balance, aml.amount_residual,
                       aml.display_type, account.account_type,
                       -aml.balance / GREATEST(1 - COALESCE(aml.discount, 0) / 100.0, 0.0001) AS undiscounted,
                       m.move_type IN ('out_invoice', 'out_refund') AS is_sale,
                       aml.display_type = 'product' AND m.move_type IN ('out_invoice', 'out_refund') AS is_item,
                       (EXISTS (
                            SELECT 1 FROM sale_order_line_invoice_rel rel
                              JOIN sale_order_line sol ON sol.id = rel.order_line_id
                             WHERE rel.invoice_line_id = aml.id AND sol.ecommerce_line_kind = 'shipping')
                        OR EXISTS (
                            SELECT 1 FROM shipping_products sp
                             WHERE sp.store_id = m.ecommerce_store_id AND sp.product_id = aml.product_id)
                       ) AS is_shipping,
                       aml.account_id = clearing.account_id AS is_clearing,
                       aml.account_id = store.fee_account_id AS is_fee,
                       EXISTS (
                           SELECT 1 FROM account_payment p
                            WHERE p.move_id = m.id AND p.paired_internal_transfer_payment_id IS NOT NULL
                              AND p.journal_id = store.clearing_journal_id
                       ) AS is_payout
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN ecommerce_store store ON store.id = m.ecommerce_store_id
                  JOIN account_account account ON account.id = aml.account_id
                  LEFT JOIN clearing ON clearing.store_id = m.ecommerce_store_id
                 WHERE m.state = 'posted' AND m.ecommerce_store_id IS NOT NULL
            ), classified AS (
                SELECT *, is_item AND move_type = 'out_invoice' AND NOT is_shipping AS is_invoiced_item FROM lines
            )
            SELECT id, id AS move_line_id, store_id, company_id, company_currency_id AS currency_id, date, move_id,
                   move_type, partner_id, account_id, journal_id, tax_line_id AS tax_id,
                   CASE WHEN is_invoiced_item THEN undiscounted ELSE 0 END AS gross_sales,
                   CASE WHEN is_invoiced_item THEN undiscounted + balance ELSE 0 END AS discounts,
                   CASE WHEN is_item AND move_type = 'out_refund' THEN balance ELSE 0 END AS refunds,
                   CASE WHEN is_item THEN -balance ELSE 0 END AS net_sales,
                   CASE WHEN is_sale AND display_type = 'tax' THEN -balance ELSE 0 END AS tax_collected,
                   CASE WHEN is_item AND is_shipping THEN -balance ELSE 0 END AS shipping,
                   CASE WHEN is_fee THEN balance ELSE 0 END AS fees,
                   CASE WHEN is_payout AND is_clearing THEN -balance ELSE 0 END AS net_payouts,
                   CASE WHEN is_clearing THEN balance ELSE 0 END AS in_transit,
                   CASE WHEN is_sale AND account_type = 'asset_receivable' THEN amount_residual ELSE 0 END
                       AS open_receivables
              FROM classified
             WHERE is_sale OR is_clearing OR is_fee
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def action_open_document(self):
        """The invoice, credit note, payment or entry behind the row."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _totals(self, domain):
        """``{store: {measure: amount}}`` of the rows of ``domain``, and the tax collected per tax.

        :return: ``(totals, taxes)`` where taxes is ``{store: [(tax, amount)]}``
        """
        totals = {}
        for store, *amounts in self._read_group(domain, ["store_id"], [f"{name}:sum" for name in MEASURES]):
            totals[store] = dict(zip(MEASURES, amounts, strict=True))
        taxes = {}
        for store, tax, amount in self._read_group(
            domain + [("tax_id", "!=", False)], ["store_id", "tax_id"], ["tax_collected:sum"]
        ):
            taxes.setdefault(store, []).append((tax, amount))
        return totals, taxes
