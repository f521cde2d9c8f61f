from . import test_direct_sales, test_link_by_hand, test_store, test_woocommerce_site
