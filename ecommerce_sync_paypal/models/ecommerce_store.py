from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..connector.client import PayPalSettingsError, check_base
from ..connector.cursors import DEFAULT_HISTORY
from ..connector.payments import DEFAULT_PREFIXES

MANAGER = "ecommerce_sync.group_ecommerce_manager"
DEFAULT_PREFIX = next(iter(DEFAULT_PREFIXES))
ENVIRONMENT_CHOICES = [("live", "Live"), ("sandbox", "Sandbox")]


class EcommerceStore(models.Model):
    _inherit = "ecommerce.store"

    paypal_client_id = fields.Char(
        "Client ID",
        groups=MANAGER,
        copy=False,
        help="PayPal Developer Dashboard > Apps & Credentials: the REST app's client id. The app needs the "
        "Transaction search feature.",
    )
    paypal_client_secret = fields.Char(
        "Client Secret", groups=MANAGER, copy=False, help="The REST app's secret, of the same environment."
    )
    paypal_environment = fields.Selection(
        ENVIRONMENT_CHOICES,
        "Environment",
        default="live",
        help="Live: the business account itself (api-m.paypal.com). Sandbox: PayPal's test environment "
        "(api-m.sandbox.paypal.com), with a sandbox app's credentials.",
    )
    paypal_api_base = fields.Char(
        "PayPal API Address",
        help="Another address than PayPal's, only for a local test account (http://127.0.0.1:<port>).",
    )
    paypal_local_test_account = fields.Boolean(
        "PayPal Local Test Account",
        help="A PayPal account simulated on this machine (http://127.0.0.1:<port>). Never for a real account.",
    )
    paypal_webhook_id = fields.Char(
        "Webhook ID",
        copy=False,
        help="The id PayPal gave the webhook of this store's address (Apps & Credentials > the app > Webhooks): "
        "it is part of what PayPal signs, so deliveries are refused without it.",
    )
    paypal_history_days = fields.Integer(
        "History Read First (days)",
        default=DEFAULT_HISTORY.days,
        help="How far back the first sync reads the account's transactions (PayPal keeps three years).",
    )
    paypal_account_id = fields.Char("PayPal Account", readonly=True, copy=False)
    paypal_invoice_prefix = fields.Char(
        "PayPal Invoice Prefix",
        help="When a PayPal store lists this store among the stores it pays: the prefix this store's PayPal "
        "checkout writes before the order number (WooCommerce PayPal Payments: WC- unless changed). Stores "
        "paid through one PayPal account need distinct prefixes.",
    )
    paypal_paid = fields.Boolean(compute="_compute_paypal_paid")

    _sql_constraints = [
        ("paypal_history_days_positive", "CHECK(paypal_history_days > 0)", "The PayPal history must be positive."),
    ]

    def _compute_paypal_paid(self):
        for store in self:
            store.paypal_paid = bool(store._origin.id) and bool(
                self.sudo().search_count([("platform", "=", "paypal"), ("linked_store_ids", "in", store._origin.id)])
            )

    def _paypal_prefix(self):
        """The invoice prefix of this store's PayPal payments (WooCommerce PayPal Payments' default when not set)."""
        self.ensure_one()
        return (self.paypal_invoice_prefix or "").strip() or DEFAULT_PREFIX

    @api.constrains(
        "platform", "paypal_environment", "paypal_api_base", "paypal_local_test_account", "linked_store_ids"
    )
    def _check_paypal_settings(self):
        def check(store):
            check_base(store.paypal_environment, store.paypal_api_base, store.paypal_local_test_account)
            store._check_paypal_prefixes()

        self._check_platform_settings("paypal", check, PayPalSettingsError)

    @api.constrains("paypal_invoice_prefix")
    def _check_paypal_invoice_prefix(self):
        platforms = self.sudo().search([("platform", "=", "paypal"), ("linked_store_ids", "in", self.ids)])
        for store in platforms:
            store._check_paypal_prefixes()

    def _check_paypal_prefixes(self):
        seen = {}
        for linked in self.linked_store_ids:
            prefix = linked._paypal_prefix()
            if prefix in seen:
                raise ValidationError(
                    _(
                        "%(first)s and %(second)s are both paid through %(store)s with the invoice prefix "
                        "%(prefix)s: give each store its own prefix (in its PayPal checkout's settings and on "
                        "the store), so that each payment finds its order.",
                        first=seen[prefix],
                        second=linked.name,
                        store=self.name,
                        prefix=prefix,
                    )
                )
            seen[prefix] = linked.name

    def _connector_config(self):
        config = super()._connector_config()
        if self.platform == "paypal":
            store = self.sudo()
            config.update(
                client_id=store.paypal_client_id or "",
                client_secret=store.paypal_client_secret or "",
                environment=store.paypal_environment or "live",
                api_base=store.paypal_api_base or "",
                local_test_account=store.paypal_local_test_account,
                webhook_id=store.paypal_webhook_id or "",
                history_days=store.paypal_history_days or DEFAULT_HISTORY.days,
                invoice_prefixes={linked._paypal_prefix(): linked._site_address() for linked in store.linked_store_ids},
            )
        return config

    def _credentials_hint(self):
        if self.platform != "paypal":
            return super()._credentials_hint()
        return _(
            "the REST app's client id and secret (PayPal Developer Dashboard > Apps & Credentials), and that they "
            "belong to the chosen environment"
        )

    def _connection_message(self, info):
        message = super()._connection_message(info)
        if self.platform != "paypal":
            return message
        translate = self.env._
        balances = [
            translate(
                "%(total)s %(currency)s (%(available)s available, %(withheld)s withheld)",
                total=amounts["total"],
                currency=currency,
                available=amounts["available"],
                withheld=amounts["withheld"],
            )
            for currency, amounts in (info.details.get("balances") or {}).items()
        ]
        return self._balance_message(message, _("Environment"), info.details.get("environment"), balances)
