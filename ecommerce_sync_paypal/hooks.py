def uninstall_hook(env):
    env["ecommerce.store"]._park_platform_stores("paypal")
