"""Write the Shopify sandbox's catalogue as a WooCommerce sandbox catalogue file.

Run with the project's virtual environment by the demo, so that the WooCommerce site sells the
same SKUs as the Shopify shop (one Odoo product each, stock pushed to both stores)::

    shared_catalogue.py <repo> <seed> <orders> <out.json>
"""

import json
import sys


def main(repo, seed, orders, out):
    import odoo.addons

    odoo.addons.__path__.append(repo)
    from odoo.addons.ecommerce_sync_shopify.sandbox import generate

    articles = []
    for product in generate(seed=int(seed), orders=int(orders)).products:
        variants = [variant for variant in product["variants"] if variant.get("inventory_management")]
        if not variants:
            continue  # gift cards: nothing to stock
        if len(variants) == 1 and variants[0].get("option1") == "Default Title":
            articles.append({"sku": variants[0]["sku"], "name": product["title"], "price": variants[0]["price"]})
            continue
        articles.append(
            {
                "sku": product["handle"].upper(),
                "name": product["title"],
                "price": variants[0]["price"],
                "option": product["options"][0]["name"],
                "variants": [[variant["sku"], variant["option1"]] for variant in variants],
            }
        )
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(articles, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
