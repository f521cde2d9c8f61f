"""Uninstalling the addon leaves its stores readable and idle, not broken."""

import logging

_logger = logging.getLogger(__name__)


def uninstall_hook(env):
    """Park the Square stores before their connector disappears.

    Without the addon nothing can talk to Square: the stores are archived and
    set back to "Not connected" (so no scheduled sync, retry or webhook picks
    them up), their pending webhook events are marked failed and their failed
    records abandoned, each with a message saying why. Their orders, invoices
    and logs stay; reinstalling the addon and pressing "Test connection"
    resumes them.
    """
    stores = env["ecommerce.store"].with_context(active_test=False).search([("platform", "=", "square")])
    if not stores:
        return
    message = env._("The Square connector was uninstalled; install it again to resume this store.")
    stores.write({"active": False, "state": "draft", "state_message": message})
    env["ecommerce.webhook.event"].search([("store_id", "in", stores.ids), ("state", "=", "pending")]).write(
        {"state": "failed", "error": message}
    )
    env["ecommerce.sync.log.line"].search([("store_id", "in", stores.ids), ("state", "=", "failed")]).write(
        {"state": "abandoned", "error": message}
    )
    _logger.info("Archived %s Square store(s) before uninstalling their connector", len(stores))
