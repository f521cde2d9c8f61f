from . import ecommerce_store_setup
