from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EcommerceStoreAccounting(models.AbstractModel):
    """The store's bookkeeping: its accounts, journals, sales team and service products.

    Mixed into ``ecommerce.store``. :meth:`action_setup_accounting` creates
    what is missing; the ledger builders call :meth:`_ensure_accounting`
    before their first document and read the store's accounts, journals
    (:meth:`_payment_journal`) and tax mode (:meth:`_tax_included`).
    """

    _name = "ecommerce.store.accounting"
    _description = "Online Store: Accounting"

    company_id = fields.Many2one("res.company")  # the store's company (see ecommerce.store)

    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        check_company=True,
        help="Sales team of the store's orders and invoices: the store's revenue in the sales and invoicing reports.",
    )
    income_account_id = fields.Many2one(
        "account.account",
        "Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other')), ('deprecated', '=', False)]",
        help="Revenue account of the store's sales; when empty, the products' income accounts are used.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        "Analytic Account",
        check_company=True,
        help="Put on every line the store sells, so its revenue stands apart in analytic reports.",
    )
    fee_account_id = fields.Many2one(
        "account.account",
        "Fee Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost')), ('deprecated', '=', False)]",
        help="Gateway, platform and currency conversion fees the store is charged.",
    )
    adjustment_account_id = fields.Many2one(
        "account.account",
        "Payout Adjustments Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Payout items that are neither sales, refunds nor fees (chargebacks, reserves, platform adjustments). "
        "The fee expense account when empty.",
    )
    gift_card_account_id = fields.Many2one(
        "account.account",
        "Gift Card Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Liability account of gift cards sold in the store; when empty, they are booked as sales.",
    )
    clearing_journal_id = fields.Many2one(
        "account.journal",
        "Clearing Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Holds the money the platform collected and has not paid out yet: payments, refunds, fees and "
        "payouts of the store go through it.",
    )
    clearing_account_id = fields.Many2one(
        "account.account",
        "Clearing Account",
        compute="_compute_clearing_account_id",
        compute_sudo=True,  # shown to store users who cannot read journals
        help="Outstanding receipts account of the clearing journal. Its balance is what the platform owes the "
        "company: transactions not paid out yet.",
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        "Payout Bank Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank account that receives the store's payouts.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        "Fiscal Position",
        check_company=True,
        help="Put on the store's orders and invoices (accounts mapping and reporting). Taxes are those the store "
        "charged, never remapped. Odoo's automatic detection applies when empty.",
    )
    tax_mode = fields.Selection(
        [
            ("order", "As each order says"),
            ("included", "Prices include taxes"),
            ("excluded", "Prices exclude taxes"),
        ],
        default="order",
        required=True,
        help="Whether the store's prices include taxes. With included prices, orders use price-included taxes.",
    )
    currency_rate_policy = fields.Selection(
        [("store", "The store's rate"), ("odoo", "Odoo's rate on the order date")],
        "Currency Rate",
        default="store",
        required=True,
        help="Rate of orders in another currency than the company's. The store's rate is the ratio of the order "
        "total in the shop currency to the total the customer paid; it applies when the shop currency is the "
        "company currency, Odoo's rate otherwise.",
    )
    fallback_product_id = fields.Many2one(
        "product.product",
        "Fallback Product",
        check_company=True,
        help="Sells the order lines that match no Odoo product (each one raises a discrepancy).",
    )
    shipping_product_id = fields.Many2one(
        "product.product",
        "Default Shipping Product",
        check_company=True,
        help="Sells the shipping methods that have no shipping mapping.",
    )
    fee_grouping = fields.Selection(
        [("transaction", "One entry per transaction"), ("payout", "One entry per payout")],
        default="payout",
        required=True,
        help="How the fees of a payout are booked: one journal entry per balance transaction, or one per payout.",
    )

    # ------------------------------------------------------------------
    @api.depends("clearing_journal_id.inbound_payment_method_line_ids.payment_account_id")
    def _compute_clearing_account_id(self):
        for store in self:
            store.clearing_account_id = store.clearing_journal_id.inbound_payment_method_line_ids.payment_account_id[:1]

    # ------------------------------------------------------------------
    def _accounting_ready(self):
        """True when everything the ledger builders post with is configured."""
        self.ensure_one()
        return bool(
            self.clearing_journal_id
            and self.clearing_account_id
            and self.fee_account_id
            and self.fallback_product_id
            and self.shipping_product_id
            and self.team_id
        )

    def _ensure_accounting(self):
        """Run the accounting set-up when something it provides is missing (first import)."""
        for store in self:
            if not store._accounting_ready():
                store.action_setup_accounting()

    def action_setup_accounting(self):
        """Create what the store's bookkeeping needs and is not configured yet.

        * a sales team named after the store;
        * the clearing journal "<store> clearing" (bank type) and its own
          reconcilable outstanding receipts account, used for the receipts
          and the payments of the journal, so that its balance is what the
          platform holds for the company;
        * an expense account for the store's fees;
        * a fallback product (unmatched lines) and a shipping product;
        * the payout bank journal: the company's first bank journal that is
          not a clearing journal.

        What is already set is kept. Runs by itself on the first import. The
        button is for E-commerce managers, who need no accounting rights for it:
        it works as superuser once their right to change the store is checked.
        """
        self.check_access("write")
        for store in self.sudo():
            store = store.with_company(store.company_id)
            values = {}
            if not store.team_id:
                values["team_id"] = store._create_sales_team().id
            if not store.clearing_journal_id:
                values["clearing_journal_id"] = store._create_clearing_journal().id
            elif not store.clearing_account_id:
                store._set_clearing_account(store.clearing_journal_id)
            if not store.fee_account_id:
                values["fee_account_id"] = store._create_account(_("%(store)s fees", store=store.name), "expense").id
            if not store.fallback_product_id:
                values["fallback_product_id"] = store._create_service_product(
                    _("%(store)s: unmatched item", store=store.name)
                ).id
            if not store.shipping_product_id:
                values["shipping_product_id"] = store._create_service_product(
                    _("%(store)s: shipping", store=store.name)
                ).id
            if not store.payout_journal_id:
                clearing = values.get("clearing_journal_id") or store.clearing_journal_id.id
                Journal = store.env["account.journal"]
                payout_journal = Journal.search(
                    [
                        *Journal._check_company_domain(store.company_id),
                        ("type", "=", "bank"),
                        ("id", "not in", store.search([]).clearing_journal_id.ids + [clearing]),
                    ],
                    limit=1,
                )
                if payout_journal:
                    values["payout_journal_id"] = payout_journal.id
            if values:
                store.write(values)
        return True

    def _create_sales_team(self):
        return self.env["crm.team"].create({"name": self.name, "company_id": self.company_id.id})

    def _new_account_code(self, account_type):
        """A free account code next to the company's accounts of that kind."""
        Account = self.env["account.account"].with_company(self.company_id)
        domain = Account._check_company_domain(self.company_id)
        if account_type == "asset_current":
            sample = Account.search(domain, limit=1)
            digits = len(sample.code) if sample else 6
            start = (self.company_id.bank_account_code_prefix or "1").ljust(digits, "0")
        else:
            start = Account.search(domain + [("account_type", "=", account_type)], order="code", limit=1).code
            start = start or "6".ljust(6, "0")
        return Account._search_new_account_code(start)

    def _create_account(self, name, account_type, reconcile=False):
        return (
            self.env["account.account"]
            .with_company(self.company_id)
            .create(
                {
                    "name": name,
                    "code": self._new_account_code(account_type),
                    "account_type": account_type,
                    "reconcile": reconcile,
                    "company_ids": [fields.Command.link(self.company_id.id)],
                }
            )
        )

    def _clearing_journal_code(self):
        Journal = self.env["account.journal"].with_context(active_test=False)
        used = set(Journal.search(Journal._check_company_domain(self.company_id)).mapped("code"))
        for number in range(1, 1000):
            code = f"EC{number}"
            if code not in used:
                return code
        raise UserError(_("No free journal code is left for a clearing journal."))

    def _create_clearing_journal(self):
        journal = self.env["account.journal"].create(
            {
                "name": _("%(store)s clearing", store=self.name),
                "type": "bank",
                "code": self._clearing_journal_code(),
                "company_id": self.company_id.id,
            }
        )
        self._set_clearing_account(journal)
        return journal

    def _set_clearing_account(self, journal):
        """Give the clearing journal its own outstanding receipts account, for receipts and payments alike."""
        account = self._create_account(
            _("%(store)s clearing: outstanding receipts", store=self.name), "asset_current", reconcile=True
        )
        (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).write(
            {"payment_account_id": account.id}
        )
        return account

    def _create_service_product(self, name):
        return self.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "invoice_policy": "order",
                "sale_ok": True,
                "purchase_ok": False,
                "taxes_id": [fields.Command.clear()],
                "company_id": self.company_id.id,
            }
        )

    def _payment_journal(self, gateway):
        """The journal that receives the payments of a gateway: its mapping, else the clearing journal."""
        self.ensure_one()
        return self.env["ecommerce.gateway.mapping"]._lookup(self, gateway or "") or self.clearing_journal_id

    def _tax_included(self, order):
        """Whether the order's prices include taxes, by the store's tax mode."""
        self.ensure_one()
        if self.tax_mode == "order":
            return bool(order.taxes_included)
        return self.tax_mode == "included"
