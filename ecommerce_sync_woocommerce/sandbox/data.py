"""Deterministic WooCommerce site data: the catalogue, and a seeded site with orders in every state.

:func:`generate_site` builds a :class:`~.state.SiteData` (products, variations,
orders, refunds) from a site profile (``data_sites``) and a seed; the same
arguments always give the same payloads. The payloads have the shapes of the
``wc/v3`` REST API (see the real samples in the repository's
``tests/fixtures/real/woocommerce/``); how WooCommerce computes them is
``state_checkout``'s.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from .data_sites import SITES
from .state import SiteData

#: the catalogue both sites sell: (sku, name, us price, eu price, eu tax class, variations, stock mode)
CATALOGUE = (
    (
        "WS-TEE",
        "Organic T-shirt",
        "19.99",
        "24.90",
        "",
        (("Color", ("Black", "White")), ("Size", ("S", "M", "L"))),
        "own",
    ),
    ("WS-HOODIE", "Zip Hoodie", "49.00", "59.00", "", (("Color", ("Grey", "Navy")), ("Size", ("M", "L"))), "own"),
    ("WS-CAP", "Baseball Cap", "15.00", "18.00", "", (), "own"),
    ("WS-MUG", "Enamel Mug", "12.50", "14.90", "", (), "own"),
    ("WS-BOOK", "Field Guide (book)", "29.95", "32.00", "reduced-rate", (), "own"),
    ("WS-POSTER", "Poster A2", "9.99", "11.90", "", (), "own"),
    ("WS-SOCKS", "Wool Socks", "8.00", "9.50", "", (("Size", ("39-42", "43-46")),), "parent"),
    ("WS-STICKERS", "Sticker Pack", "3.49", "3.90", "", (), "untracked"),
    ("WS-BOTTLE", "Steel Bottle", "22.00", "26.50", "", (), "own"),
    ("WS-TOTE", "Canvas Tote", "18.00", "21.00", "", (), "own"),
)


@dataclass(frozen=True)
class Article:
    """A product of a given catalogue (see :func:`generate_site`): simple, or variable with one option.

    :param str price: the price on the site (tax included on a tax-inclusive site)
    :param str option: the attribute the variations differ by (e.g. "Size")
    :param tuple variants: ``((sku, option value), ...)``, one variation each; empty for a simple product
    :param str stock_mode: "own", "parent" (variations share the product's stock) or "untracked"
    """

    sku: str
    name: str
    price: str
    option: str = ""
    variants: tuple = ()
    tax_class: str = ""
    stock_mode: str = "own"

    @classmethod
    def from_dict(cls, data):
        """An article from a JSON object: ``{"sku", "name", "price", "option"?, "variants"?: [[sku, value]]}``."""
        return cls(
            sku=str(data["sku"]),
            name=str(data["name"]),
            price=f"{Decimal(str(data['price'])):.2f}",
            option=str(data.get("option") or ""),
            variants=tuple((str(sku), str(value)) for sku, value in data.get("variants") or ()),
            tax_class=str(data.get("tax_class") or ""),
            stock_mode=str(data.get("stock_mode") or "own"),
        )


COUPONS = (
    ("welcome10", "percent", Decimal("10")),
    ("save5", "fixed_cart", Decimal("5.00")),
    ("spring15", "percent", Decimal("15")),
)


def generate_site(profile="us", orders=40, seed=7, site_url="https://example.com", catalogue=None):
    """A site with the catalogue and ``orders`` orders in every state WooCommerce knows.

    Per 20 orders, in a seeded order: completed (some partially refunded,
    with and without restock, some with an amount-only refund), processing,
    on-hold (bank transfer), pending, cancelled, failed and fully refunded;
    about a quarter use a coupon, some have a gift-wrap fee, cash-on-delivery
    orders a fee without tax. A few orders are completed in one bulk action
    (same modification second).

    :param str profile: "us" (tax-exclusive prices) or "eu" (tax-inclusive)
    :param catalogue: the :class:`Article` objects to sell instead of :data:`CATALOGUE`
        (e.g. the SKUs another store sells, so that both sell the same Odoo products)
    :rtype: SiteData
    """
    site = SiteData(profile=SITES[profile], seed=seed, site_url=site_url)
    rng = site.rng
    if catalogue is None:
        for sku, name, us_price, eu_price, eu_class, attributes, stock_mode in CATALOGUE:
            price = eu_price if site.profile.prices_include_tax else us_price
            tax_class = eu_class if site.profile.prices_include_tax else ""
            site.add_product(sku, name, price, tax_class, attributes, stock_mode)
    else:
        for article in catalogue:
            attributes = ((article.option or "Option", tuple(value for _sku, value in article.variants)),)
            site.add_product(
                article.sku,
                article.name,
                article.price,
                article.tax_class,
                attributes if article.variants else (),
                article.stock_mode,
                variation_skus={((attributes[0][0], value),): sku for sku, value in article.variants},
            )
    sellable = site.sellable()
    if not sellable:
        raise ValueError("the catalogue sells nothing")
    methods = [(key, title) for key, title, weight in site.profile.payment_methods for _ in range(weight)]
    plan = (
        ["completed"] * 7
        + ["completed-refund-restock", "completed-refund-keep", "completed-goodwill"]
        + ["processing"] * 3
        + ["on-hold", "pending", "cancelled", "failed", "refunded", "processing-refund", "completed-two-refunds"]
    )
    created = site.now
    bulk = []
    for index in range(orders):
        kind = plan[rng.randrange(len(plan))] if index >= len(plan) else plan[index]
        created = created + timedelta(minutes=rng.randint(20, 70), seconds=rng.randint(0, 59))
        site.now = created
        count = min(rng.choice((1, 1, 2, 2, 3, 4)), len(sellable))
        picks = rng.sample(sellable, count)
        items = [(item_id, rng.choice((1, 1, 1, 2, 3))) for item_id in picks]
        coupon = COUPONS[rng.randrange(len(COUPONS))] if rng.random() < 0.25 else None
        payment = methods[rng.randrange(len(methods))]
        if kind == "on-hold":
            payment = next((key, title) for key, title, _w in site.profile.payment_methods if key == "bacs")
        if kind == "failed":
            payment = next((key, title) for key, title, _w in site.profile.payment_methods if key == "stripe")
        fees = []
        if payment[0] == "cod":
            fees.append(("Cash on delivery fee", "2.00", False))
        if rng.random() < 0.12:
            fees.append(("Gift wrapping", "4.50", True))
        first_status = {"on-hold": "on-hold", "pending": "pending", "cancelled": "pending", "failed": "pending"}.get(
            kind, "processing"
        )
        paid_at = created + timedelta(seconds=rng.randint(20, 200))
        payload = site.create_order(
            items, created, payment=payment, coupon=coupon, fees=fees, status=first_status, paid_at=paid_at
        )
        order_id = payload["id"]
        later = created + timedelta(days=rng.randint(1, 3), minutes=rng.randint(0, 600))
        line_ids = [line["id"] for line in payload["line_items"]]
        if kind == "cancelled":
            site.set_status(order_id, "cancelled", created + timedelta(hours=rng.randint(2, 30)))
        elif kind == "failed":
            site.set_status(order_id, "failed", created + timedelta(seconds=rng.randint(5, 60)))
        elif kind.startswith("completed"):
            if kind == "completed" and len(bulk) < 10 and index % 6 == 0:
                bulk.append(order_id)
            else:
                site.set_status(order_id, "completed", later)
            when = later + timedelta(days=rng.randint(1, 5), seconds=rng.randint(0, 3000))
            if kind == "completed-refund-restock":
                site.refund(order_id, {line_ids[0]: 1}, restock=True, reason="Damaged on arrival", at=when)
            elif kind == "completed-refund-keep":
                site.refund(
                    order_id, {line_ids[-1]: 1}, restock=False, api_refund=False, reason="Late delivery", at=when
                )
            elif kind == "completed-goodwill":
                site.refund(order_id, extra=Decimal("5.00"), reason="Goodwill", at=when)
            elif kind == "completed-two-refunds":
                site.refund(order_id, {line_ids[0]: 1}, restock=True, reason="Wrong size", at=when)
                site.refund(order_id, extra=Decimal("3.00"), reason="Shipping delay", at=when + timedelta(hours=5))
        elif kind == "refunded":
            site.full_refund(order_id, restock=True, reason="Order cancelled by customer", at=later)
        elif kind == "processing-refund":
            site.refund(order_id, {line_ids[0]: payload["line_items"][0]["quantity"]}, restock=True, at=later)
    if bulk:
        # "Mark complete" on several orders at once: one modification second
        moment = created + timedelta(hours=6)
        for order_id in bulk:
            site.set_status(order_id, "completed", moment)
    site.now = max(created + timedelta(days=10), site.now)
    return site
