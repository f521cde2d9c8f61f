from . import ecommerce_square_location, ecommerce_store
