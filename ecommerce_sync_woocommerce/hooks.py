import logging

_logger = logging.getLogger(__name__)


def uninstall_hook(env):
    """Park the WooCommerce stores before their connector disappears.

    Without the addon nothing can talk to these stores: they are archived and
    set back to "not connected" (so that the scheduled sync skips them), and
    their webhook events still waiting are marked failed with the reason.
    Their documents, logs and mappings stay.
    """
    stores = env["ecommerce.store"].with_context(active_test=False).search([("platform", "=", "woocommerce")])
    if not stores:
        return
    message = env._("The WooCommerce connector was uninstalled; this store is archived until it is installed again.")
    stores.write({"active": False, "state": "draft", "state_message": message})
    events = env["ecommerce.webhook.event"].search([("store_id", "in", stores.ids), ("state", "=", "pending")])
    events.write({"state": "failed", "error": message})
    _logger.info("Archived %s WooCommerce store(s) on uninstall", len(stores))
