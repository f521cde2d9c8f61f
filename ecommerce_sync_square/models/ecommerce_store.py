import logging
import re
from urllib.parse import urlsplit

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.ecommerce_sync.connector import ConnectorError, to_datetime

from ..connector import SQUARE_VERSION

_logger = logging.getLogger(__name__)

MANAGER = "ecommerce_sync.group_ecommerce_manager"
VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class EcommerceStore(models.Model):
    _inherit = "ecommerce.store"

    square_environment = fields.Selection(
        [("production", "Production"), ("sandbox", "Square Sandbox"), ("local", "Local test account")],
        "Square Environment",
        default="production",
        help="Production: the seller's account. Square Sandbox: a test account of Square's developer sandbox. "
        "Local test account: a Square test server on this machine.",
    )
    square_access_token = fields.Char(
        "Access Token",
        groups=MANAGER,
        copy=False,
        help="A personal access token of the seller's application (Developer Dashboard > Credentials), or the "
        "OAuth access token; it needs MERCHANT_PROFILE_READ, ORDERS_READ, PAYMENTS_READ, ITEMS_READ, "
        "INVENTORY_READ and INVENTORY_WRITE, and BANK_ACCOUNTS_READ for payouts.",
    )
    square_refresh_token = fields.Char(
        "OAuth Refresh Token",
        groups=MANAGER,
        copy=False,
        help="With OAuth: the access token is renewed with it when it expires, and the new one is saved here.",
    )
    square_client_id = fields.Char("OAuth Application ID", groups=MANAGER, copy=False)
    square_client_secret = fields.Char("OAuth Application Secret", groups=MANAGER, copy=False)
    square_token_expires_at = fields.Datetime("Access Token Expires", groups=MANAGER, copy=False, readonly=True)
    square_api_base_url = fields.Char(
        "Test Account Address",
        groups=MANAGER,
        copy=False,
        help="Address of the local Square test server, e.g. http://127.0.0.1:8797 (this machine only).",
    )
    square_version = fields.Char(
        "Square-Version",
        default=SQUARE_VERSION,
        help="The Square API version every call is pinned to (YYYY-MM-DD).",
    )
    square_notification_url = fields.Char(
        "Notification URL",
        groups=MANAGER,
        copy=False,
        help="The notification URL exactly as entered in the Square webhook subscription: Square signs it with "
        "each event. Empty: the store's webhook URL. Set it when a proxy rewrites the address.",
    )
    square_overlap_hours = fields.Integer(
        "Read Again (hours)",
        default=24,
        help="How far before the last sync orders and payments are read again: POS sales taken offline are "
        "uploaded later with the time they were taken.",
    )
    square_merchant_id = fields.Char("Square Merchant ID", readonly=True, copy=False)
    square_location_ids = fields.One2many("ecommerce.square.location", "store_id", "Square Locations")

    # ------------------------------------------------------------------
    @api.constrains("square_version")
    def _check_square_version(self):
        for store in self:
            if store.square_version and not VERSION.match(store.square_version):
                raise ValidationError(
                    _("The Square-Version %(version)s is not a date (YYYY-MM-DD).", version=store.square_version)
                )

    @api.constrains("square_api_base_url", "square_environment")
    def _check_square_api_base_url(self):
        for store in self.sudo():
            url = store.square_api_base_url
            if not url:
                continue
            if store.square_environment != "local":
                raise ValidationError(_("A test account address is only used by a local test account."))
            parts = urlsplit(url)
            if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS or parts.path.strip("/"):
                raise ValidationError(
                    _(
                        "The test account address %(url)s must be http://127.0.0.1:<port> or "
                        "http://localhost:<port>: a local test account runs on this machine.",
                        url=url,
                    )
                )

    # ------------------------------------------------------------------
    def _connector_config(self):
        config = super()._connector_config()
        if self.platform != "square":
            return config
        store = self.sudo()
        local = store.square_environment == "local"
        expires = store.square_token_expires_at
        config.update(
            {
                "access_token": store.square_access_token or "",
                "refresh_token": store.square_refresh_token or "",
                "client_id": store.square_client_id or "",
                "client_secret": store.square_client_secret or "",
                "token_expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ") if expires else "",
                "environment": "sandbox" if store.square_environment == "sandbox" else "production",
                "api_base_url": store.square_api_base_url if local else "",
                "local_test_account": local,
                "square_version": store.square_version or SQUARE_VERSION,
                "webhook_signature_key": store.webhook_secret or "",
                "notification_url": store.square_notification_url or store.webhook_url or "",
                "location_ids": store.square_location_ids.filtered("sync").mapped("external_id"),
                "overlap_hours": store.square_overlap_hours,
            }
        )
        return config

    def _get_connector(self):
        """Square: an OAuth token the connector refreshes is saved on the store at once."""
        connector = super()._get_connector()
        if self.platform == "square":
            connector.client.on_refresh = self._square_save_credentials
        return connector

    def _square_save_credentials(self, credentials):
        """Keep the OAuth credentials Square just issued (``access_token``, ``expires_at``, ``refresh_token``)."""
        expires = to_datetime(credentials.get("expires_at") or None, "expires_at")
        self.sudo().write(
            {
                "square_access_token": credentials["access_token"],
                "square_refresh_token": credentials.get("refresh_token") or self.sudo().square_refresh_token,
                "square_token_expires_at": expires.replace(tzinfo=None) if expires else False,
            }
        )
        _logger.info("Store %s: the renewed Square access token is saved", self.id)

    # ------------------------------------------------------------------
    # locations
    def _square_location(self, location_external_id):
        self.ensure_one()
        if not location_external_id:
            return self.env["ecommerce.square.location"]
        return self.sudo().square_location_ids.filtered(lambda loc: loc.external_id == location_external_id)[:1]

    def _location_warehouse(self, location_external_id):
        if self.platform == "square":
            warehouse = self._square_location(location_external_id).warehouse_id
            if warehouse:
                return warehouse
        return super()._location_warehouse(location_external_id)

    def _location_analytic_account(self, location_external_id):
        if self.platform == "square":
            analytic_account = self._square_location(location_external_id).analytic_account_id
            if analytic_account:
                return analytic_account
        return super()._location_analytic_account(location_external_id)

    def _stock_targets(self):
        """Square: each synced location mapped to a warehouse shows that warehouse's stock (the store's
        stock location for the store's warehouse); without any, the store's Store Location ID does."""
        self.ensure_one()
        if self.platform != "square":
            return super()._stock_targets()
        mapped = self.sudo().square_location_ids.filtered(lambda loc: loc.sync and loc.warehouse_id)
        if not mapped:
            return super()._stock_targets()
        return [
            (
                location.external_id,
                self._stock_location()
                if location.warehouse_id == self.warehouse_id
                else location.warehouse_id.lot_stock_id,
            )
            for location in mapped
        ]

    def _square_stock_targets_changed(self):
        """Which stock a Square location shows has changed: queue every level again."""
        for store in self.filtered(lambda store: store.platform == "square" and store.sync_stock):
            store._queue_all_stock()

    def action_test_connection(self):
        """Square: the access token first; the seller's locations come with the connection."""
        self.ensure_one()
        if self.platform != "square":
            return super().action_test_connection()
        self.check_access("write")
        if not self.sudo().square_access_token:
            raise UserError(_("Fill in the Square access token first."))
        return super().action_test_connection()

    def _connection_values(self, info):
        values = super()._connection_values(info)
        if self.platform == "square":
            values["square_merchant_id"] = info.details.get("merchant_id") or False
            values["square_location_ids"] = self._square_location_commands(info.details.get("locations") or [])
        return values

    def _square_location_commands(self, locations):
        """Commands adding the seller's new locations and refreshing the known ones (their mapping kept)."""
        existing = {location.external_id: location for location in self.sudo().square_location_ids}
        commands = []
        for sequence, location in enumerate(locations, start=1):
            values = {
                "name": location["name"],
                "square_status": "INACTIVE" if location.get("status") == "INACTIVE" else "ACTIVE",
                "location_type": location.get("type") if location.get("type") in ("PHYSICAL", "MOBILE") else False,
                "currency": location.get("currency") or False,
            }
            if location["id"] in existing:
                commands.append(Command.update(existing[location["id"]].id, values))
            else:
                values.update(
                    external_id=location["id"], sequence=sequence * 10, sync=values["square_status"] == "ACTIVE"
                )
                commands.append(Command.create(values))
        return commands

    def action_square_load_locations(self):
        """Read the seller's locations into the location mapping."""
        self.ensure_one()
        self.check_access("write")
        try:
            locations = self._get_connector().fetch_locations()
        except ConnectorError as exc:
            raise UserError(_("Could not read the Square locations: %(error)s", error=exc)) from exc
        self.sudo().write({"square_location_ids": self._square_location_commands(locations)})
        return self._notification(
            "success", _("Locations loaded"), _("%(count)s Square locations.", count=len(locations))
        )
