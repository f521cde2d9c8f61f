"""Uninstalling the addon leaves its stores readable and idle, not broken."""


def uninstall_hook(env):
    """Park the PayPal stores before their connector disappears (see ``ecommerce.store._park_platform_stores``)."""
    env["ecommerce.store"]._park_platform_stores("paypal")
