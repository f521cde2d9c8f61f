from . import test_direct_sales, test_store, test_woocommerce_site
