from odoo import _, api, fields, models

from ..connector.client import DEFAULT_API_BASE, DEFAULT_API_VERSION, StripeSettingsError, check_api_base, key_mode

MANAGER = "ecommerce_sync.group_ecommerce_manager"


class EcommerceStore(models.Model):
    _inherit = "ecommerce.store"

    stripe_secret_key = fields.Char(
        "Secret Key",
        groups=MANAGER,
        copy=False,
        help="Stripe Dashboard > Developers > API keys: the secret key (sk_live_..., sk_test_...), or a restricted "
        "key (rk_...) with Read access to Balance, Balance transaction sources, Charges, PaymentIntents, Checkout "
        "Sessions, Payouts and Events.",
    )
    stripe_mode = fields.Selection(
        [("test", "Test"), ("live", "Live")],
        "Mode",
        compute="_compute_stripe_mode",
        compute_sudo=True,
        help="Read from the key's prefix.",
    )
    stripe_api_version = fields.Char(
        "Stripe API Version",
        default=DEFAULT_API_VERSION,
        help="The Stripe-Version every call pins, so that Stripe's answers keep the shape the connector reads.",
    )
    stripe_webhook_secret_next = fields.Char(
        "Second Webhook Secret",
        groups=MANAGER,
        copy=False,
        help="While Stripe rolls the endpoint's signing secret, the new one (whsec_...): both are accepted.",
    )
    stripe_api_base = fields.Char(
        "Stripe API Address",
        default=DEFAULT_API_BASE,
        help="Stripe's API address; another one only for a local test account.",
    )
    stripe_local_test_account = fields.Boolean(
        "Stripe Local Test Account",
        help="A Stripe test account simulated on this machine (http://127.0.0.1:<port>). Never for a real account.",
    )
    stripe_account_id = fields.Char("Stripe Account", readonly=True, copy=False)

    @api.depends("platform", "stripe_secret_key")
    def _compute_stripe_mode(self):
        for store in self:
            mode = False
            if store.platform == "stripe" and store.stripe_secret_key:
                try:
                    mode = key_mode(store.stripe_secret_key)
                except StripeSettingsError:
                    mode = False
            store.stripe_mode = mode

    @api.constrains("platform", "stripe_secret_key", "stripe_api_base", "stripe_local_test_account")
    def _check_stripe_settings(self):
        def check(store):
            if store.stripe_secret_key:
                key_mode(store.stripe_secret_key)
            check_api_base(store.stripe_api_base, store.stripe_local_test_account)

        self._check_platform_settings("stripe", check, StripeSettingsError)

    def _connector_config(self):
        config = super()._connector_config()
        if self.platform == "stripe":
            store = self.sudo()
            config.update(
                secret_key=store.stripe_secret_key or "",
                api_version=store.stripe_api_version or DEFAULT_API_VERSION,
                webhook_secrets=[
                    secret for secret in (store.webhook_secret, store.stripe_webhook_secret_next) if secret
                ],
                api_base=store.stripe_api_base or DEFAULT_API_BASE,
                local_test_account=store.stripe_local_test_account,
                site_urls=[url for url in (linked._site_address() for linked in store.linked_store_ids) if url],
            )
        return config

    def _connection_message(self, info):
        message = super()._connection_message(info)
        if self.platform != "stripe":
            return message
        translate = self.env._
        balances = [
            translate("%(amount)s %(currency)s available", amount=amount, currency=currency)
            for currency, amount in (info.details.get("balance_available") or {}).items()
        ] + [
            translate("%(amount)s %(currency)s pending", amount=amount, currency=currency)
            for currency, amount in (info.details.get("balance_pending") or {}).items()
        ]
        return self._balance_message(message, _("Mode"), info.details.get("mode"), balances)
