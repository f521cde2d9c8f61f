from odoo.addons.ecommerce_sync_square.sandbox import SandboxSeller, SandboxServer, WebhookSender, generate

TOKEN = "EAAAodoo-test-access-token"
SIGNATURE_KEY = "square-signature-key-odoo-test"


def start_sandbox(orders=24, seed=11, notification_url="http://127.0.0.1/ecommerce_sync/webhook/unset"):
    """A generated Square seller served on 127.0.0.1; its webhooks are recorded, not posted."""
    data = generate(seed=seed, orders=orders)
    sender = WebhookSender(notification_url, SIGNATURE_KEY, data["merchant"]["id"])
    return SandboxServer(SandboxSeller(data, webhooks=sender, seed=seed), token=TOKEN).start()


def store_values(server, **values):
    return {
        "name": "Harbor Coffee (Square)",
        "platform": "square",
        "square_environment": "local",
        "square_api_base_url": server.url,
        "square_access_token": TOKEN,
        "webhook_secret": SIGNATURE_KEY,
        "page_budget": 100,
        **values,
    }
