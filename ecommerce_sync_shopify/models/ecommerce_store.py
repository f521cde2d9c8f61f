import logging
import re
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.ecommerce_sync.connector import ConnectorError

from ..connector import DEFAULT_API_VERSION

_logger = logging.getLogger(__name__)

MANAGER = "ecommerce_sync.group_ecommerce_manager"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
API_VERSION = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class EcommerceStore(models.Model):
    _inherit = "ecommerce.store"

    shopify_shop_domain = fields.Char(
        "Shop Domain",
        help="The shop's permanent domain, <name>.myshopify.com (Shopify admin: Settings > Domains).",
    )
    shopify_access_token = fields.Char(
        "Admin API Access Token",
        groups=MANAGER,
        copy=False,
        help="The token of the shop's custom app (Settings > Apps > Develop apps), with read access to orders, "
        "products, inventory, locations and Shopify Payments, and write access to inventory.",
    )
    shopify_api_version = fields.Char(
        "API Version",
        default=DEFAULT_API_VERSION,
        help="The Admin API version to call (YYYY-MM, a stable version Shopify still supports).",
    )
    shopify_local_test_shop = fields.Boolean(
        "Local Test Shop",
        groups=MANAGER,
        copy=False,
        help="Talk to a Shopify test server on this machine (the sandbox) instead of Shopify.",
    )
    shopify_api_base_url = fields.Char(
        "Test Shop Address",
        groups=MANAGER,
        copy=False,
        help="Address of the local test shop, e.g. http://127.0.0.1:8765 (http, this machine only).",
    )
    shopify_taxes_included = fields.Boolean(
        "Shopify Prices Include Tax",
        readonly=True,
        copy=False,
        help="The shop's tax setting, read at 'Test connection'. Orders say their own tax mode; "
        "this setting is used for refunds received alone when they do not tell.",
    )
    shopify_push_api = fields.Selection(
        [("graphql", "GraphQL (one call per batch)"), ("rest", "REST (one call per item)")],
        "Stock Push API",
        default="graphql",
        required=True,
    )
    shopify_location_ids = fields.One2many("ecommerce.shopify.location", "store_id", "Shopify Locations")

    # ------------------------------------------------------------------
    @api.constrains("shopify_shop_domain")
    def _check_shopify_shop_domain(self):
        for store in self:
            domain = store.shopify_shop_domain
            if domain and not SHOP_DOMAIN.match(domain):
                raise ValidationError(
                    _(
                        "The shop domain %(domain)s is not a Shopify domain: use the shop's "
                        "<name>.myshopify.com domain, without https:// or a path.",
                        domain=domain,
                    )
                )

    @api.constrains("shopify_api_version")
    def _check_shopify_api_version(self):
        for store in self:
            if store.shopify_api_version and not API_VERSION.match(store.shopify_api_version):
                raise ValidationError(
                    _(
                        "The API version %(version)s is not a Shopify API version (YYYY-01, -04, -07 or -10).",
                        version=store.shopify_api_version,
                    )
                )

    @api.constrains("shopify_api_base_url", "shopify_local_test_shop")
    def _check_shopify_api_base_url(self):
        for store in self.sudo():
            url = store.shopify_api_base_url
            if not url:
                continue
            if not store.shopify_local_test_shop:
                raise ValidationError(_("A test shop address is only allowed for a local test shop."))
            parts = urlsplit(url)
            if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS or parts.path.strip("/"):
                raise ValidationError(
                    _(
                        "The test shop address %(url)s must be http://127.0.0.1:<port> or "
                        "http://localhost:<port>: a local test shop runs on this machine.",
                        url=url,
                    )
                )

    @api.onchange("shopify_shop_domain")
    def _onchange_shopify_shop_domain(self):
        if self.shopify_shop_domain:
            domain = self.shopify_shop_domain.strip().lower()
            domain = re.sub(r"^https?://", "", domain).split("/")[0]
            self.shopify_shop_domain = domain

    # ------------------------------------------------------------------
    def _connector_config(self):
        config = super()._connector_config()
        if self.platform != "shopify":
            return config
        store = self.sudo()
        location = store.stock_platform_location_id or store._shopify_synced_location().external_id or ""
        config.update(
            {
                "shop_domain": store.shopify_shop_domain or "",
                "access_token": store.shopify_access_token or "",
                "api_version": store.shopify_api_version or DEFAULT_API_VERSION,
                "api_base_url": store.shopify_api_base_url if store.shopify_local_test_shop else "",
                "shop_currency": store.shop_currency or store.company_id.currency_id.name,
                "taxes_included": store.shopify_taxes_included,
                "location_ids": [location] if location else [],
                "default_location_id": location,
                "push_api": store.shopify_push_api,
            }
        )
        return config

    def _shopify_synced_location(self):
        """The Shopify location the store syncs: the first one mapped to the store's warehouse."""
        self.ensure_one()
        return self.sudo().shopify_location_ids.filtered(lambda location: location.warehouse_id == self.warehouse_id)[
            :1
        ]

    def _shopify_sync_stock_location(self):
        """Make the store's Store Location ID the synced Shopify location (levels are then queued anew)."""
        for store in self.filtered(lambda store: store.platform == "shopify"):
            location = store._shopify_synced_location().external_id or False
            if (store.stock_platform_location_id or False) != location:
                store.stock_platform_location_id = location

    def write(self, vals):
        res = super().write(vals)
        if "warehouse_id" in vals or "platform" in vals:
            self._shopify_sync_stock_location()
        return res

    def _shopify_location_for_warehouse(self, warehouse):
        """The Shopify location id showing ``warehouse``'s stock ("" when none is mapped)."""
        self.ensure_one()
        location = self.shopify_location_ids.filtered(lambda loc: loc.warehouse_id == warehouse)[:1]
        return location.external_id or ""

    # ------------------------------------------------------------------
    def action_test_connection(self):
        """Shopify: check the settings, connect, then read the shop's locations."""
        self.ensure_one()
        if self.platform != "shopify":
            return super().action_test_connection()
        self.check_access("write")
        store = self.sudo()
        if not store.shopify_shop_domain or not store.shopify_access_token:
            raise UserError(_("Fill in the shop domain and the Admin API access token first."))
        action = super().action_test_connection()
        if self.state != "connected":
            return action
        try:
            self._shopify_load_locations()
        except ConnectorError as exc:
            _logger.warning("Store %s: connected, but its locations could not be read: %s", self.id, exc)
            return self._notification(
                "warning",
                _("Connected, locations not loaded"),
                _(
                    "Connected to %(name)s, but its locations could not be read: %(error)s",
                    name=self.shop_name,
                    error=exc,
                ),
                sticky=True,
            )
        return action

    def _connection_values(self, info):
        values = super()._connection_values(info)
        if self.platform == "shopify":
            values["shopify_taxes_included"] = bool(info.details.get("taxes_included"))
        return values

    def action_shopify_load_locations(self):
        """Read the shop's locations again (a manager's action: the connector works with the store's token)."""
        self.ensure_one()
        self.check_access("write")
        try:
            count = self._shopify_load_locations()
        except ConnectorError as exc:
            raise UserError(_("Could not read the shop's locations: %(error)s", error=exc)) from exc
        return self._notification("success", _("Locations loaded"), _("%(count)s Shopify locations.", count=count))

    def _shopify_load_locations(self):
        """Read the shop's locations into the location mapping; return how many there are."""
        locations = self._get_connector().fetch_locations()
        Location = self.env["ecommerce.shopify.location"].sudo()
        existing = {loc.external_id: loc for loc in self.sudo().shopify_location_ids}
        for sequence, location in enumerate(locations, start=1):
            values = {"name": location.name, "shopify_active": location.active}
            record = existing.get(location.external_id)
            if record:
                record.write(values)
            else:
                Location.create(
                    {**values, "store_id": self.id, "external_id": location.external_id, "sequence": sequence * 10}
                )
        return len(locations)
