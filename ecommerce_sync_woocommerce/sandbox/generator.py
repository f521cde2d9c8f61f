"""Deterministic WooCommerce site data, computed the way WooCommerce computes it.

:func:`generate_site` builds a :class:`SiteData` (products, variations,
orders, refunds) from a site profile and a seed; the same arguments always
give the same payloads. The payloads have the shapes of the ``wc/v3`` REST
API (see the real samples in the repository's
``tests/fixtures/real/woocommerce/``).

WooCommerce's arithmetic, as reproduced here (2 decimals, default settings):

* prices are entered with 2 decimals, tax-included on a "prices include tax"
  site, tax-excluded otherwise; shipping and fees are always tax-excluded;
* taxes are rounded per line ("round tax at subtotal level" off): each line
  keeps the unrounded tax of each rate in ``taxes`` and shows the sum of the
  rates rounded to the cent in ``total_tax``; the order's tax lines add up
  the rounded amounts;
* on a tax-inclusive site a line's tax is taken out of its price (rate /
  (1 + rates)) and the line's ``total`` is the price less that rounded tax,
  so ``total`` + ``total_tax`` is exactly what the customer paid for it;
* a coupon's discount is computed per line in cents (percent coupons per
  line; fixed-cart coupons spread over the lines by the largest remainder),
  on tax-included prices on a tax-inclusive site; ``discount_total`` is
  what coupons took off the lines without tax, ``discount_tax`` its tax;
* ``total`` = lines + fees + shipping (tax excluded) + ``cart_tax`` +
  ``shipping_tax``;
* a refund of k of the q units of a line is what WooCommerce's refund form
  fills in: k/q of the line's total (to 6 places, shown to the cent) and,
  per rate, k/q of the line's unrounded tax rounded to the cent; the refund
  amount adds up these fields rounded to the cent. Restocked quantities are
  added to the order line's ``_restock_refunded_items`` meta (that is where
  WooCommerce records them) and to the product's stock.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
PRECISE = Decimal("0.000001")
WC_VERSION = "9.4.2"
WP_VERSION = "6.7.1"


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value):
    """A WooCommerce money string: 2 decimals."""
    return f"{cents(value):.2f}"


def precise(value):
    """An unrounded tax amount as WooCommerce prints it ("1.125", "0.9")."""
    text = format(value.quantize(PRECISE, rounding=ROUND_HALF_UP).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


# ----------------------------------------------------------------------
# site profiles
@dataclass(frozen=True)
class TaxRate:
    id: int
    country: str
    state: str
    name: str
    rate: Decimal
    tax_class: str = ""
    priority: int = 1
    shipping: bool = True
    compound: bool = False

    @property
    def rate_code(self):
        return "-".join(part for part in (self.country, self.state, self.name.upper(), str(self.priority)) if part)

    @property
    def percent(self):
        return float(self.rate * 100)


@dataclass(frozen=True)
class SiteProfile:
    key: str
    title: str
    currency: str
    prices_include_tax: bool
    utc_offset: int
    country: str
    state: str
    rates: tuple
    cities: tuple
    payment_methods: tuple
    flat_rate: Decimal
    free_shipping_from: Decimal

    def rates_for(self, tax_class):
        return [rate for rate in self.rates if rate.tax_class == tax_class]

    def shipping_rates(self):
        return [rate for rate in self.rates if rate.tax_class == "" and rate.shipping]


SITES = {
    # a US site: prices without tax, state + county sales tax, shipping not taxed
    "us": SiteProfile(
        key="us",
        title="Woo Supply (US)",
        currency="USD",
        prices_include_tax=False,
        utc_offset=-5,
        country="US",
        state="CA",
        rates=(
            TaxRate(75, "US", "CA", "State Tax", Decimal("0.0625"), shipping=False),
            TaxRate(76, "US", "CA", "County Tax", Decimal("0.01"), priority=2, shipping=False),
        ),
        cities=(("San Francisco", "94103", "CA"), ("Oakland", "94607", "CA"), ("San Jose", "95113", "CA")),
        payment_methods=(
            ("stripe", "Credit Card (Stripe)", 55),
            ("ppcp-gateway", "PayPal", 20),
            ("bacs", "Direct bank transfer", 15),
            ("cod", "Cash on delivery", 10),
        ),
        flat_rate=Decimal("7.50"),
        free_shipping_from=Decimal("75.00"),
    ),
    # a French site: prices with VAT, standard and reduced rates, shipping taxed
    "eu": SiteProfile(
        key="eu",
        title="Woo Supply (FR)",
        currency="EUR",
        prices_include_tax=True,
        utc_offset=1,
        country="FR",
        state="",
        rates=(
            TaxRate(1, "FR", "", "TVA", Decimal("0.20")),
            TaxRate(2, "FR", "", "TVA reduite", Decimal("0.055"), tax_class="reduced-rate", shipping=False),
        ),
        cities=(("Paris", "75011", ""), ("Lyon", "69002", ""), ("Nantes", "44000", "")),
        payment_methods=(
            ("stripe", "Carte bancaire (Stripe)", 60),
            ("ppcp-gateway", "PayPal", 20),
            ("bacs", "Virement bancaire", 15),
            ("cheque", "Cheque", 5),
        ),
        flat_rate=Decimal("6.90"),
        free_shipping_from=Decimal("60.00"),
    ),
}

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
FIRST_NAMES = ("John", "Maria", "Akira", "Lena", "Omar", "Chloe", "Pedro", "Ines", "Sam", "Nora", "Yusuf", "Ava")
LAST_NAMES = (
    "Doe",
    "Garcia",
    "Tanaka",
    "Schmidt",
    "Haddad",
    "Martin",
    "Silva",
    "Costa",
    "Lee",
    "Berg",
    "Kaya",
    "Brown",
)
STREETS = ("969 Market St", "12 Rue Oberkampf", "4 Harbor Way", "221 Mission St", "8 Quai Saint-Antoine", "77 Elm Ave")


def _links(path, up=None, customer=None, site="https://example.com"):
    links = {
        "self": [{"href": f"{site}/wp-json/wc/v3/{path}"}],
        "collection": [{"href": f"{site}/wp-json/wc/v3/{path.rsplit('/', 1)[0]}"}],
    }
    if customer:
        links["customer"] = [{"href": f"{site}/wp-json/wc/v3/customers/{customer}"}]
    if up:
        links["up"] = [{"href": f"{site}/wp-json/wc/v3/{up}"}]
    return links


# ----------------------------------------------------------------------
@dataclass
class SiteData:
    """A WooCommerce site's objects, as payload dicts, with WooCommerce-like mutations."""

    profile: SiteProfile
    seed: int
    site_url: str = "https://example.com"
    now: datetime = field(default_factory=lambda: datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc))
    products: dict = field(default_factory=dict)
    variations: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    _post_id: int = 100
    _order_id: int = 1000
    _item_id: int = 0
    _meta_id: int = 5000

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self._stock_reduced = set()

    # -- ids and time ---------------------------------------------------
    def _next_post(self):
        self._post_id += 1
        return self._post_id

    def _next_order(self):
        self._order_id += 1
        return self._order_id

    def _next_item(self):
        self._item_id += 1
        return self._item_id

    def _meta(self, key, value):
        self._meta_id += 1
        return {"id": self._meta_id, "key": key, "value": value}

    def local(self, moment):
        return moment + timedelta(hours=self.profile.utc_offset)

    def _dates(self, payload, key, moment):
        payload[key] = stamp(self.local(moment)) if moment else None
        payload[f"{key}_gmt"] = stamp(moment) if moment else None

    def tick(self, seconds=1):
        self.now += timedelta(seconds=seconds)
        return self.now

    # -- catalogue ------------------------------------------------------
    def item(self, item_id):
        """A product or variation payload by id."""
        return self.products.get(item_id) or self.variations.get(item_id)

    def sellable(self):
        """Ids of what can be ordered: simple products and variations."""
        ids = []
        for product in self.products.values():
            if product["type"] == "variable":
                ids.extend(product["variations"])
            else:
                ids.append(product["id"])
        return ids

    def add_product(
        self, sku, name, price, tax_class="", attributes=(), stock_mode="own", stock=None, variation_skus=None
    ):
        """Add a simple product, or a variable one with a variation per combination of ``attributes``.

        :param dict variation_skus: ``{combination: sku}`` for variations whose SKU is given
            (a combination is a tuple of ``(attribute, option)``); the others get the
            product's SKU followed by their options' initials
        """
        product_id = self._next_post()
        created = self.now - timedelta(days=30)
        variable = bool(attributes)
        product = _product_payload(self, product_id, sku, name, price, tax_class, variable, attributes, created)
        if stock_mode == "untracked":
            product.update(manage_stock=False, stock_quantity=None)
        elif not variable or stock_mode == "parent":
            product.update(manage_stock=True, stock_quantity=stock if stock is not None else self.rng.randint(40, 90))
        self.products[product_id] = product
        if variable:
            combos = [()]
            for attribute_name, options in attributes:
                combos = [combo + ((attribute_name, option),) for combo in combos for option in options]
            for combo in combos:
                variation_id = self._next_post()
                variation = _variation_payload(self, variation_id, product, combo, price, tax_class, created)
                if variation_skus and combo in variation_skus:
                    variation["sku"] = variation_skus[combo]
                if stock_mode == "parent":
                    variation.update(manage_stock="parent", stock_quantity=product["stock_quantity"])
                else:
                    variation.update(manage_stock=True, stock_quantity=self.rng.randint(15, 60))
                self.variations[variation_id] = variation
                product["variations"].append(variation_id)
            _sync_variable_price(product, self)
        return product

    def _stock_item(self, item):
        """The payload holding the stock of ``item`` (its parent for "parent" variations)."""
        if item.get("manage_stock") == "parent":
            return self.products[item["parent_id"]]
        return item if item.get("manage_stock") is True else None

    def adjust_stock(self, item_id, delta):
        """Move stock as orders, cancellations and restocks do (no date_modified change, as in WooCommerce)."""
        item = self.item(item_id)
        holder = self._stock_item(item) if item else None
        if holder is not None:
            self._write_stock(holder, holder["stock_quantity"] + delta)

    def set_stock(self, item_id, quantity, at=None, manage_stock=True):
        """Set a product's or variation's stock as a PUT/batch update does (bumps date_modified)."""
        item = self.item(item_id)
        item["manage_stock"] = manage_stock
        self._write_stock(item, int(quantity))
        self._dates(item, "date_modified", at or self.tick())
        return item

    def _write_stock(self, item, quantity):
        item["stock_quantity"] = int(quantity)
        item["stock_status"] = "instock" if quantity > 0 else "outofstock"
        if item.get("type") != "variation":
            # variations whose stock is managed by their parent show the shared quantity
            for variation in self.variations.values():
                if variation.get("parent_id") == item["id"] and variation.get("manage_stock") == "parent":
                    variation["stock_quantity"] = int(quantity)
                    variation["stock_status"] = item["stock_status"]

    # -- orders -----------------------------------------------------------
    def create_order(
        self,
        items,
        created_at,
        customer=None,
        payment=("stripe", "Credit Card (Stripe)"),
        coupon=None,
        fees=(),
        shipping=None,
        status="processing",
        paid_at=None,
    ):
        """Place an order, computed as WooCommerce's checkout does.

        :param items: ``[(product or variation id, quantity)]``
        :param customer: ``(customer id, first, last, email, phone, address index)``
        :param coupon: ``(code, "percent" | "fixed_cart", amount)``
        :param fees: ``[(name, amount without tax, taxable)]``
        :param shipping: ``(method id, title, cost)``, or None for the site's rule
        :param status: where the order goes after checkout ("pending" stays
            there; "on-hold", "processing", "completed", "failed", "cancelled")
        :param paid_at: when it got that status (``created_at`` by default)
        """
        profile = self.profile
        order_id = self._next_order()
        customer = customer or self._random_customer()
        lines = [self._line(item_id, Decimal(quantity)) for item_id, quantity in items]
        coupon_lines = self._apply_coupon(lines, coupon) if coupon else []
        for line in lines:
            self._line_taxes(line)
        fee_lines = [self._fee(name, Decimal(amount), taxable) for name, amount, taxable in fees]
        items_value = sum((line["_gross"] for line in lines), ZERO)
        if shipping is None:
            shipping = (
                ("free_shipping", "Free shipping", ZERO)
                if items_value >= profile.free_shipping_from
                else ("flat_rate", "Flat rate", profile.flat_rate)
            )
        shipping_lines = [self._shipping(lines, *shipping)]
        payload = _order_payload(self, order_id, customer, payment, created_at)
        payload["line_items"] = [_public(line) for line in lines]
        payload["fee_lines"] = fee_lines
        payload["shipping_lines"] = shipping_lines
        payload["coupon_lines"] = coupon_lines
        _order_totals(self, payload)
        self.orders[order_id] = payload
        self.refunds[order_id] = []
        if status != "pending":
            self.set_status(order_id, status, paid_at or created_at)
        return payload

    def _random_customer(self):
        rng = self.rng
        registered = rng.random() < 0.6
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        number = rng.randint(2, 40)
        email = f"{first}.{last}{number}@example.com".lower()
        phone = (
            f"(415) 555-{rng.randint(1000, 9999)}"
            if self.profile.country == "US"
            else f"06 12 34 {rng.randint(10, 99)} {rng.randint(10, 99)}"
        )
        return (number if registered else 0, first, last, email, phone, rng.randrange(len(self.profile.cities)))

    def _line(self, item_id, quantity):
        item = self.item(item_id)
        variation = item.get("type") == "variation"
        product_id = item["parent_id"] if variation else item["id"]
        price = Decimal(item["regular_price"])
        gross = price * quantity
        line = {
            "id": self._next_item(),
            "name": _line_name(self, item),
            "product_id": product_id,
            "variation_id": item["id"] if variation else 0,
            "quantity": int(quantity),
            "tax_class": item.get("tax_class", ""),
            "meta_data": [
                self._meta(f"pa_{a['name'].lower()}", a["option"].lower())
                for a in item.get("attributes", [])
                if "option" in a
            ],
            "sku": item.get("sku", ""),
            "_gross": gross,
            "_discount": ZERO,
            "_quantity": quantity,
        }
        return line

    def _apply_coupon(self, lines, coupon):
        code, kind, amount = coupon
        if kind == "percent":
            for line in lines:
                line["_discount"] = cents(line["_gross"] * amount / 100)
        else:
            base = sum((line["_gross"] for line in lines), ZERO)
            amount = min(amount, base)
            whole = int(amount * 100)
            shares = [(line["_gross"] * whole / base) if base else ZERO for line in lines]
            floors = [int(share) for share in shares]
            left = whole - sum(floors)
            order = sorted(range(len(lines)), key=lambda i: (-(shares[i] - floors[i]), i))
            for i in order[:left]:
                floors[i] += 1
            for line, share in zip(lines, floors, strict=True):
                line["_discount"] = Decimal(share) / 100
        return [{"id": None, "code": code, "discount": None, "discount_tax": None, "meta_data": []}]

    def _line_taxes(self, line):
        profile = self.profile
        rates = profile.rates_for(line["tax_class"])
        gross, net = line["_gross"], line["_gross"] - line["_discount"]
        subtotal_taxes, total_taxes = {}, {}
        if profile.prices_include_tax:
            share = sum((rate.rate for rate in rates), ZERO)
            for rate in rates:
                subtotal_taxes[rate.id] = (gross * rate.rate / (1 + share)).quantize(PRECISE, ROUND_HALF_UP)
                total_taxes[rate.id] = (net * rate.rate / (1 + share)).quantize(PRECISE, ROUND_HALF_UP)
            subtotal_tax = sum((cents(v) for v in subtotal_taxes.values()), ZERO)
            total_tax = sum((cents(v) for v in total_taxes.values()), ZERO)
            subtotal, total = gross - subtotal_tax, net - total_tax
        else:
            subtotal, total = gross, net
            for rate in rates:
                subtotal_taxes[rate.id] = (gross * rate.rate).quantize(PRECISE, ROUND_HALF_UP)
                total_taxes[rate.id] = (net * rate.rate).quantize(PRECISE, ROUND_HALF_UP)
            subtotal_tax = sum((cents(v) for v in subtotal_taxes.values()), ZERO)
            total_tax = sum((cents(v) for v in total_taxes.values()), ZERO)
        line.update(
            subtotal=money(subtotal),
            subtotal_tax=money(subtotal_tax),
            total=money(total),
            total_tax=money(total_tax),
            taxes=[
                {"id": rate_id, "total": precise(total_taxes[rate_id]), "subtotal": precise(subtotal_taxes[rate_id])}
                for rate_id in total_taxes
            ],
            price=float(subtotal / line["_quantity"]),
        )

    def _fee(self, name, amount, taxable):
        rates = self.profile.rates_for("") if taxable else []
        taxes = {rate.id: (amount * rate.rate).quantize(PRECISE, ROUND_HALF_UP) for rate in rates}
        return {
            "id": self._next_item(),
            "name": name,
            "tax_class": "",
            "tax_status": "taxable" if taxable else "none",
            "total": money(amount),
            "total_tax": money(sum((cents(v) for v in taxes.values()), ZERO)),
            "taxes": [{"id": rate_id, "total": precise(value), "subtotal": ""} for rate_id, value in taxes.items()],
            "meta_data": [],
        }

    def _shipping(self, lines, method_id, title, cost):
        rates = self.profile.shipping_rates() if cost else []
        taxes = {rate.id: (cost * rate.rate).quantize(PRECISE, ROUND_HALF_UP) for rate in rates}
        summary = ", ".join(f"{line['name']} &times; {line['quantity']}" for line in lines)
        return {
            "id": self._next_item(),
            "method_title": title,
            "method_id": method_id,
            "total": money(cost),
            "total_tax": money(sum((cents(v) for v in taxes.values()), ZERO)),
            "taxes": [{"id": rate_id, "total": precise(value), "subtotal": ""} for rate_id, value in taxes.items()],
            "meta_data": [self._meta("Items", summary)],
        }

    def _reduce_stock(self, payload):
        self._stock_reduced.add(payload["id"])
        for line in payload["line_items"]:
            item_id = line["variation_id"] or line["product_id"]
            item = self.item(item_id)
            if item is not None and self._stock_item(item) is not None:
                self.adjust_stock(item_id, -line["quantity"])
                line["meta_data"].append(self._meta("_reduced_stock", str(line["quantity"])))

    def _restore_stock(self, payload):
        self._stock_reduced.discard(payload["id"])
        for line in payload["line_items"]:
            reduced = _meta_get(line, "_reduced_stock")
            if reduced:
                self.adjust_stock(line["variation_id"] or line["product_id"], int(reduced))
                line["meta_data"] = [meta for meta in line["meta_data"] if meta["key"] != "_reduced_stock"]

    def _set_status(self, payload, status, at):
        if status in ("on-hold", "processing", "completed") and payload["id"] not in self._stock_reduced:
            self._reduce_stock(payload)
        elif status in ("cancelled", "failed") and payload["id"] in self._stock_reduced:
            self._restore_stock(payload)
        payload["status"] = status
        if status in ("processing", "completed") and not payload["date_paid_gmt"]:
            self._dates(payload, "date_paid", at)
            if payload["payment_method"] in ("stripe", "ppcp-gateway") and not payload["transaction_id"]:
                prefix = "pi_" if payload["payment_method"] == "stripe" else "PAY-"
                payload["transaction_id"] = (
                    prefix + hashlib.sha1(f"{self.seed}-{payload['id']}".encode()).hexdigest()[:24]
                )
        if status == "completed" and not payload["date_completed_gmt"]:
            self._dates(payload, "date_completed", at)
        self._dates(payload, "date_modified", at)

    def set_status(self, order_id, status, at=None):
        """Change an order's status as WooCommerce does (stock restored on cancel/fail)."""
        payload = self.orders[order_id]
        self._set_status(payload, status, at or self.tick())
        return payload

    def trash_order(self, order_id, at=None):
        return self.set_status(order_id, "trash", at)

    def delete_order(self, order_id):
        """Delete an order permanently ("Delete permanently" in the trash): the API answers 404 for it."""
        self._stock_reduced.discard(order_id)
        self.refunds.pop(order_id, None)
        return self.orders.pop(order_id)

    def refund(self, order_id, items=None, extra=ZERO, restock=True, api_refund=True, reason="", at=None):
        """Refund ``items`` (``{line id: quantity}``) and ``extra`` (an amount without items).

        :return: the refund payload
        """
        payload = self.orders[order_id]
        at = at or self.tick()
        refund_id = self._next_order()
        lines = {line["id"]: line for line in payload["line_items"]}
        refund_items = []
        amount = Decimal(extra)
        for line_id, quantity in (items or {}).items():
            line = lines[line_id]
            total, taxes = _refund_amounts(line, quantity)
            tax_total = sum((value for _id, value in taxes), ZERO)
            amount += cents(total) + tax_total
            refund_items.append(
                {
                    "id": self._next_item(),
                    "name": line["name"],
                    "product_id": line["product_id"],
                    "variation_id": line["variation_id"],
                    "quantity": -int(quantity),
                    "tax_class": line["tax_class"],
                    "subtotal": money(-total),
                    "subtotal_tax": money(-tax_total),
                    "total": money(-total),
                    "total_tax": money(-tax_total),
                    "taxes": [
                        {"id": rate_id, "total": precise(-value), "subtotal": precise(-value)}
                        for rate_id, value in taxes
                    ],
                    "meta_data": [self._meta("_refunded_item_id", str(line_id))],
                    "sku": line["sku"],
                    "price": -float(total / Decimal(quantity)) if quantity else 0,
                }
            )
            if restock:
                restocked = int(_meta_get(line, "_restock_refunded_items") or 0) + int(quantity)
                line["meta_data"] = [meta for meta in line["meta_data"] if meta["key"] != "_restock_refunded_items"]
                line["meta_data"].append(self._meta("_restock_refunded_items", str(restocked)))
                self.adjust_stock(line["variation_id"] or line["product_id"], int(quantity))
        refund = {"id": refund_id}
        self._dates(refund, "date_created", at)
        refund.update(
            amount=money(amount),
            reason=reason,
            refunded_by=1,
            refunded_payment=bool(api_refund),
            meta_data=[],
            line_items=refund_items,
            _links=_links(f"orders/{order_id}/refunds/{refund_id}", up=f"orders/{order_id}", site=self.site_url),
        )
        self.refunds[order_id].insert(0, refund)
        payload["refunds"].insert(0, {"id": refund_id, "reason": reason, "total": money(-amount)})
        refunded = sum((Decimal(r["amount"]) for r in self.refunds[order_id]), ZERO)
        status = "refunded" if refunded >= Decimal(payload["total"]) else payload["status"]
        self._set_status(payload, status, at)
        return refund

    def full_refund(self, order_id, restock=True, api_refund=True, reason="", at=None):
        """Refund every unit of every line and whatever else is left (shipping, fees)."""
        payload = self.orders[order_id]
        already = {}
        for refund in self.refunds[order_id]:
            for item in refund["line_items"]:
                line_id = int(_meta_get(item, "_refunded_item_id"))
                already[line_id] = already.get(line_id, 0) - item["quantity"]
        items = {
            line["id"]: line["quantity"] - already.get(line["id"], 0)
            for line in payload["line_items"]
            if line["quantity"] - already.get(line["id"], 0) > 0
        }
        left = Decimal(payload["total"]) - sum((Decimal(r["amount"]) for r in self.refunds[order_id]), ZERO)
        lines = {line["id"]: line for line in payload["line_items"]}
        items_value = ZERO
        for line_id, quantity in items.items():
            total, taxes = _refund_amounts(lines[line_id], quantity)
            items_value += cents(total) + sum((value for _id, value in taxes), ZERO)
        return self.refund(
            order_id, items, extra=left - items_value, restock=restock, api_refund=api_refund, reason=reason, at=at
        )


# ----------------------------------------------------------------------
def _meta_get(item, key):
    for meta in item.get("meta_data") or []:
        if meta.get("key") == key:
            return meta.get("value")
    return None


def _refund_amounts(line, quantity):
    """What refunding ``quantity`` units of an order line gives back: (total, [(rate id, tax)]).

    As the order screen's refund form computes it (``meta-boxes-order.js``,
    taxes rounded per line): the unit total times the quantity to 6 places,
    and per rate the unit share of the line's unrounded tax times the
    quantity, rounded to the cent.
    """
    quantity = Decimal(quantity)
    units = Decimal(line["quantity"])
    total = (Decimal(line["total"]) / units * quantity).quantize(PRECISE, ROUND_HALF_UP)
    taxes = [(tax["id"], cents(Decimal(tax["total"]) / units * quantity)) for tax in line["taxes"]]
    return total, taxes


def _public(line):
    return {key: value for key, value in line.items() if not key.startswith("_")}


def _line_name(site, item):
    if item.get("type") != "variation":
        return item["name"]
    parent = site.products[item["parent_id"]]
    options = ", ".join(f"{a['name']}: {a['option']}" for a in item.get("attributes", []))
    return f"{parent['name']} &ndash; {options}" if options else parent["name"]


def _product_payload(site, product_id, sku, name, price, tax_class, variable, attributes, created):
    slug = name.lower().replace(" ", "-").replace("(", "").replace(")", "")
    product = {
        "id": product_id,
        "name": name,
        "slug": slug,
        "permalink": f"{site.site_url}/product/{slug}/",
    }
    site._dates(product, "date_created", created)
    site._dates(product, "date_modified", created)
    product.update(
        type="variable" if variable else "simple",
        status="publish",
        featured=False,
        catalog_visibility="visible",
        description=f"<p>{name}.</p>\n",
        short_description="",
        sku=sku,
        price=price,
        regular_price="" if variable else price,
        sale_price="",
        date_on_sale_from=None,
        date_on_sale_from_gmt=None,
        date_on_sale_to=None,
        date_on_sale_to_gmt=None,
        price_html="",
        on_sale=False,
        purchasable=True,
        total_sales=0,
        virtual=False,
        downloadable=False,
        downloads=[],
        download_limit=-1,
        download_expiry=-1,
        external_url="",
        button_text="",
        tax_status="taxable",
        tax_class=tax_class,
        manage_stock=False,
        stock_quantity=None,
        stock_status="instock",
        backorders="no",
        backorders_allowed=False,
        backordered=False,
        sold_individually=False,
        weight="",
        dimensions={"length": "", "width": "", "height": ""},
        shipping_required=True,
        shipping_taxable=True,
        shipping_class="",
        shipping_class_id=0,
        reviews_allowed=True,
        average_rating="0.00",
        rating_count=0,
        related_ids=[],
        upsell_ids=[],
        cross_sell_ids=[],
        parent_id=0,
        purchase_note="",
        categories=[
            {"id": 9, "name": "Clothing" if variable else "Goods", "slug": "clothing" if variable else "goods"}
        ],
        tags=[],
        images=[],
        attributes=[
            {
                "id": index + 1,
                "name": attribute,
                "position": index,
                "visible": True,
                "variation": True,
                "options": list(options),
            }
            for index, (attribute, options) in enumerate(attributes)
        ],
        default_attributes=[],
        variations=[],
        grouped_products=[],
        menu_order=0,
        meta_data=[],
        _links=_links(f"products/{product_id}", site=site.site_url),
    )
    return product


def _variation_payload(site, variation_id, product, combo, price, tax_class, created):
    suffix = "-".join(option[:3].upper() for _name, option in combo)
    variation = {"id": variation_id}
    site._dates(variation, "date_created", created)
    site._dates(variation, "date_modified", created)
    query = "&".join(f"attribute_pa_{name.lower()}={option.lower()}" for name, option in combo)
    variation.update(
        description="",
        permalink=f"{product['permalink']}?{query}",
        sku=f"{product['sku']}-{suffix}",
        price=price,
        regular_price=price,
        sale_price="",
        date_on_sale_from=None,
        date_on_sale_from_gmt=None,
        date_on_sale_to=None,
        date_on_sale_to_gmt=None,
        on_sale=False,
        status="publish",
        purchasable=True,
        virtual=False,
        downloadable=False,
        downloads=[],
        download_limit=-1,
        download_expiry=-1,
        tax_status="taxable",
        tax_class=tax_class,
        manage_stock=True,
        stock_quantity=0,
        stock_status="instock",
        backorders="no",
        backorders_allowed=False,
        backordered=False,
        weight="",
        dimensions={"length": "", "width": "", "height": ""},
        shipping_class="",
        shipping_class_id=0,
        image=None,
        attributes=[{"id": index + 1, "name": name, "option": option} for index, (name, option) in enumerate(combo)],
        menu_order=0,
        meta_data=[],
        _links=_links(
            f"products/{product['id']}/variations/{variation_id}", up=f"products/{product['id']}", site=site.site_url
        ),
    )
    # read through the variations endpoint a variation has no type/parent_id/name;
    # the sandbox keeps them aside for products/<variation id>
    variation["type"] = "variation"
    variation["parent_id"] = product["id"]
    return variation


def _sync_variable_price(product, site):
    prices = [Decimal(site.variations[v]["price"]) for v in product["variations"]]
    product["price"] = f"{min(prices):.2f}" if prices else ""


def _order_payload(site, order_id, customer, payment, created_at):
    profile = site.profile
    customer_id, first, last, email, phone, address_index = customer
    city, postcode, state = profile.cities[address_index % len(profile.cities)]
    street = STREETS[(order_id + address_index) % len(STREETS)]
    address = {
        "first_name": first,
        "last_name": last,
        "company": "",
        "address_1": street,
        "address_2": "",
        "city": city,
        "state": state,
        "postcode": postcode,
        "country": profile.country,
    }
    payload = {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": "wc_order_" + hashlib.sha1(f"{site.seed}:{order_id}".encode()).hexdigest()[:13],
        "created_via": "checkout",
        "version": WC_VERSION,
        "status": "pending",
        "currency": profile.currency,
    }
    site._dates(payload, "date_created", created_at)
    site._dates(payload, "date_modified", created_at)
    payload.update(
        discount_total="0.00",
        discount_tax="0.00",
        shipping_total="0.00",
        shipping_tax="0.00",
        cart_tax="0.00",
        total="0.00",
        total_tax="0.00",
        prices_include_tax=profile.prices_include_tax,
        customer_id=customer_id,
        customer_ip_address=f"203.0.113.{order_id % 250 + 1}",
        customer_user_agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0",
        customer_note="",
        billing={**address, "email": email, "phone": phone},
        shipping=dict(address),
        payment_method=payment[0],
        payment_method_title=payment[1],
        transaction_id="",
        date_paid=None,
        date_paid_gmt=None,
        date_completed=None,
        date_completed_gmt=None,
        cart_hash=hashlib.md5(f"cart:{site.seed}:{order_id}".encode()).hexdigest(),
        meta_data=[site._meta("is_vat_exempt", "no")],
        line_items=[],
        tax_lines=[],
        shipping_lines=[],
        fee_lines=[],
        coupon_lines=[],
        refunds=[],
        _links=_links(f"orders/{order_id}", customer=customer_id or None, site=site.site_url),
    )
    return payload


def _order_totals(site, payload):
    """Fill an order's tax lines and totals from its items (WooCommerce's calculate_totals)."""
    profile = site.profile
    cart_taxes, shipping_taxes = {}, {}
    for item in payload["line_items"] + payload["fee_lines"]:
        for tax in item["taxes"]:
            cart_taxes[tax["id"]] = cart_taxes.get(tax["id"], ZERO) + cents(Decimal(tax["total"]))
    for item in payload["shipping_lines"]:
        for tax in item["taxes"]:
            shipping_taxes[tax["id"]] = shipping_taxes.get(tax["id"], ZERO) + cents(Decimal(tax["total"]))
    rates = {rate.id: rate for rate in profile.rates}
    tax_lines = []
    for rate_id in sorted(set(cart_taxes) | set(shipping_taxes)):
        rate = rates[rate_id]
        tax_lines.append(
            {
                "id": site._next_item(),
                "rate_code": rate.rate_code,
                "rate_id": rate.id,
                "label": rate.name,
                "compound": rate.compound,
                "tax_total": money(cart_taxes.get(rate_id, ZERO)),
                "shipping_tax_total": money(shipping_taxes.get(rate_id, ZERO)),
                "rate_percent": rate.percent,
                "meta_data": [],
            }
        )
    lines = payload["line_items"]
    subtotal = sum((Decimal(line["subtotal"]) for line in lines), ZERO)
    total = sum((Decimal(line["total"]) for line in lines), ZERO)
    subtotal_tax = sum((Decimal(line["subtotal_tax"]) for line in lines), ZERO)
    total_tax_lines = sum((Decimal(line["total_tax"]) for line in lines), ZERO)
    fees = sum((Decimal(fee["total"]) for fee in payload["fee_lines"]), ZERO)
    shipping = sum((Decimal(ship["total"]) for ship in payload["shipping_lines"]), ZERO)
    cart_tax = sum(cart_taxes.values(), ZERO)
    shipping_tax = sum(shipping_taxes.values(), ZERO)
    for coupon in payload["coupon_lines"]:
        coupon["id"] = site._next_item()
        coupon["discount"] = money(subtotal - total)
        coupon["discount_tax"] = money(subtotal_tax - total_tax_lines)
    payload.update(
        discount_total=money(subtotal - total),
        discount_tax=money(subtotal_tax - total_tax_lines),
        shipping_total=money(shipping),
        shipping_tax=money(shipping_tax),
        cart_tax=money(cart_tax),
        total_tax=money(cart_tax + shipping_tax),
        total=money(total + fees + shipping + cart_tax + shipping_tax),
        tax_lines=tax_lines,
    )


# ----------------------------------------------------------------------
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
    site = SiteData(profile=SITES[profile] if isinstance(profile, str) else profile, seed=seed, site_url=site_url)
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
