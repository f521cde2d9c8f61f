from . import ecommerce_store
