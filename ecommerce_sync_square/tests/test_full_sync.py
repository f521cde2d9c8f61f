from odoo.tests import tagged

from .checks_books import BookChecks
from .checks_stock import StockChecks
from .checks_webhooks import WebhookChecks
from .full_sync_common import SquareFullSyncCommon


@tagged("post_install", "-at_install")
class TestSquareFullSync(BookChecks, StockChecks, WebhookChecks, SquareFullSyncCommon):
    """One sync of the whole seller, shared by every check (each test's changes are rolled back)."""
