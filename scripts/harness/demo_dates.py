"""The demo's shop lives in the recent past: its generated orders end about a day before today.

The Shopify sandbox generates its shop from a fixed start date (March 2025). The sandboxes take
no start date yet, so the demo moves that start before the sandbox (and the set-up, which
regenerates the same shop to check the figures) generate anything: the orders then fall within
Odoo's default date filters (Sales Analysis: the last 365 days; the dashboard: the last 30 days)
and the payouts' statuses are those of a shop whose last orders are a day old.
"""

from datetime import datetime, timedelta, timezone


def demo_start(orders, now=None):
    """The start date that makes ``orders`` generated orders end about a day before ``now``.

    The Shopify sandbox spreads its orders over ``max(7 days, 2 hours x orders)`` from its start.
    """
    now = now or datetime.now(timezone.utc)
    span = max(timedelta(days=7), timedelta(hours=2) * orders)
    start = (now - span - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return start.isoformat()


def shift(addon, start):
    """Move the generated shop of ``addon``'s sandbox to ``start`` (ISO; nothing when empty)."""
    if not start or addon != "ecommerce_sync_shopify":
        return
    from odoo.addons.ecommerce_sync_shopify.sandbox import data

    data.START = datetime.fromisoformat(start)
