from . import ecommerce_shopify_location, ecommerce_store
