from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..connector.client import API_NAMESPACE, SiteUrlError, check_site_url

MANAGER = "ecommerce_sync.group_ecommerce_manager"


class EcommerceStore(models.Model):
    _inherit = "ecommerce.store"

    woocommerce_url = fields.Char(
        "Site URL",
        help="Address of the WordPress site running WooCommerce, e.g. https://shop.example.com "
        "(HTTPS: the API keys travel with every request).",
    )
    woocommerce_consumer_key = fields.Char(
        "Consumer Key",
        groups=MANAGER,
        copy=False,
        help="WooCommerce > Settings > Advanced > REST API: a key with Read/Write permission "
        "(read for orders and products, write for stock levels).",
    )
    woocommerce_consumer_secret = fields.Char("Consumer Secret", groups=MANAGER, copy=False)
    woocommerce_local_test_site = fields.Boolean(
        "Local Test Site",
        help="Allow a plain-HTTP site URL. Only for a test site on this machine or network. Over HTTP "
        "WooCommerce accepts only OAuth 1.0a signed requests: the connector signs them, the secret is not sent.",
    )
    woocommerce_query_string_auth = fields.Boolean(
        "Keys in Query String",
        help="Over HTTPS, send the API keys as query parameters instead of an Authorization header, "
        "for web servers that drop that header (WooCommerce answers 401 although the keys are right).",
    )
    woocommerce_version = fields.Char("WooCommerce Version", readonly=True, copy=False)

    @api.constrains("platform", "woocommerce_url", "woocommerce_local_test_site")
    def _check_woocommerce_url(self):
        for store in self.filtered(lambda s: s.platform == "woocommerce" and s.woocommerce_url):
            try:
                check_site_url(store.woocommerce_url, store.woocommerce_local_test_site)
            except SiteUrlError as exc:
                raise ValidationError(_("%(store)s: %(error)s", store=store.name, error=exc)) from exc

    def _connector_config(self):
        config = super()._connector_config()
        if self.platform == "woocommerce":
            store = self.sudo()
            config.update(
                site_url=store.woocommerce_url or "",
                consumer_key=store.woocommerce_consumer_key or "",
                consumer_secret=store.woocommerce_consumer_secret or "",
                # the connector's own REST namespace, for what reads the configuration
                api_namespace=API_NAMESPACE,
                local_test_site=store.woocommerce_local_test_site,
                query_string_auth=store.woocommerce_query_string_auth,
            )
        return config

    def _connection_values(self, info):
        values = super()._connection_values(info)
        if self.platform == "woocommerce":
            values["woocommerce_version"] = info.details.get("woocommerce_version") or False
        return values
