from . import ecommerce_payment_link, ecommerce_store_setup
