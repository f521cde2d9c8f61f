from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class EcommerceTaxMapping(models.Model):
    """Which Odoo tax a store tax line becomes."""

    _name = "ecommerce.tax.mapping"
    _inherit = ["ecommerce.mapping.mixin"]
    _description = "Store Tax Mapping"
    _order = "store_id, external_key"
    _rec_name = "external_key"
    _mapping_key = "external_key"
    _mapping_target = "tax_id"

    external_key = fields.Char(
        "Store Tax",
        required=True,
        help="The store's key for the tax: its rate code or id when the platform has one, "
        'else its title and rate (e.g. "State Tax 0.06").',
    )
    tax_id = fields.Many2one(
        "account.tax",
        required=True,
        domain="[('type_tax_use', '=', 'sale'), ('company_id', 'parent_of', company_id)]",
        ondelete="restrict",
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(store_id, external_key)", "This store tax is already mapped."),
    ]

    # ------------------------------------------------------------------
    # resolution of store tax lines
    @api.model
    def _resolve(self, store, tax_line, price_include):
        """The Odoo tax a store tax line becomes, in the order's tax mode.

        By this store's mapping first, else by rate among the company's sale
        taxes of its fiscal country. A mapped tax computed the other way
        (price included or not) is replaced by its twin, created when missing.
        When nothing matches, a tax with the store's rate is created from the
        company's default sales tax (same accounts, no tax report tags) and
        mapped, so that the invoice carries what the customer was charged; the
        caller flags it for review.

        :param store: ecommerce.store
        :param tax_line: canonical TaxLine
        :param bool price_include: whether the order's prices include taxes
        :return: ``(account.tax, created)``
        :raise UserError: when the company has no sales tax to start from
        """
        tax = self._lookup(store, tax_line.key)
        if tax:
            return self._tax_in_mode(store, tax, price_include), False
        tax = self._find_tax_by_rate(store, tax_line.percent, price_include)
        if tax:
            return tax, False
        tax = self._create_store_tax(store, tax_line, price_include)
        self.create({"store_id": store.id, "external_key": tax_line.key, "tax_id": tax.id})
        return tax, True

    @api.model
    def _sale_tax_domain(self, store):
        Tax = self.env["account.tax"]
        return [
            *Tax._check_company_domain(store.company_id),
            ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"),
        ]

    @api.model
    def _find_tax_by_rate(self, store, percent, price_include):
        """A sale tax of the company's fiscal country with this rate (in %) and price mode, or nothing."""
        country = store.company_id.account_fiscal_country_id
        taxes = self.env["account.tax"].search(
            self._sale_tax_domain(store) + [("country_id", "in", (country.id, False))], order="sequence, id"
        )
        return taxes.filtered(
            lambda tax: (
                float_compare(tax.amount, float(percent), precision_digits=4) == 0
                and tax.price_include == price_include
            )
        )[:1]

    @api.model
    def _tax_in_mode(self, store, tax, price_include):
        """``tax``, or its twin computed with prices including (or excluding) taxes."""
        if tax.amount_type != "percent" or tax.price_include == price_include:
            return tax
        twin = self.env["account.tax"].search(
            self._sale_tax_domain(store)
            + [
                ("amount", "=", tax.amount),
                ("tax_group_id", "=", tax.tax_group_id.id),
                ("country_id", "=", tax.country_id.id),
                ("id", "!=", tax.id),
            ],
            order="sequence, id",
        )
        twin = twin.filtered(lambda candidate: candidate.price_include == price_include)[:1]
        if twin:
            return twin
        suffix = _("included") if price_include else _("excluded")
        return tax.copy(
            {
                "name": self._free_tax_name(store, f"{tax.name} ({suffix})"),
                "price_include_override": "tax_included" if price_include else "tax_excluded",
            }
        )

    @api.model
    def _free_tax_name(self, store, name):
        Tax = self.env["account.tax"].with_context(active_test=False)
        candidate, number = name, 1
        while Tax.search_count(
            [*Tax._check_company_domain(store.company_id), ("type_tax_use", "=", "sale"), ("name", "=", candidate)]
        ):
            number += 1
            candidate = f"{name} {number}"
        return candidate

    @api.model
    def _create_store_tax(self, store, tax_line, price_include):
        company = store.company_id
        template = company.account_sale_tax_id.filtered(lambda tax: tax.amount_type == "percent")
        if not template:
            template = self.env["account.tax"].search(self._sale_tax_domain(store), limit=1)
        if not template:
            raise UserError(
                _(
                    "The store tax %(tax)s matches no sales tax of %(company)s and there is no sales tax to "
                    "create it from: configure the company's taxes or map the store tax.",
                    tax=tax_line.key,
                    company=company.name,
                )
            )
        percent = tax_line.percent
        label = f"{tax_line.title or _('Tax')} {percent:f}%"
        group = template.tax_group_id.copy({"name": label}) if template.tax_group_id else False
        tax = template.copy(
            {
                "name": self._free_tax_name(store, label),
                "amount": float(percent),
                "amount_type": "percent",
                "price_include_override": "tax_included" if price_include else "tax_excluded",
                "invoice_label": label,
                "description": False,
                "tax_group_id": group.id if group else template.tax_group_id.id,
                "country_id": template.country_id.id,
            }
        )
        (tax.invoice_repartition_line_ids | tax.refund_repartition_line_ids).write({"tag_ids": [Command.clear()]})
        return tax
