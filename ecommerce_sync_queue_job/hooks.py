"""The stores existing when the addon is installed get their job channel."""


def post_init_hook(env):
    """Give every store its channel ``root.ecommerce.<store code>``."""
    for store in env["ecommerce.store"].with_context(active_test=False).search([]):
        store._job_channel()
