"""Placing an order on the sandbox site, computed the way WooCommerce's checkout computes it.

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

from decimal import ROUND_HALF_UP, Decimal

from .data_money import PRECISE, ZERO, cents, money, precise
from .data_sites import FIRST_NAMES, LAST_NAMES
from .serializers import order_payload, public


class Checkout:
    """The checkout of :class:`~.state.SiteData` (a mixin: it reads and changes the site's data)."""

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
        payload = order_payload(self, order_id, customer, payment, created_at)
        payload["line_items"] = [public(line) for line in lines]
        payload["fee_lines"] = fee_lines
        payload["shipping_lines"] = shipping_lines
        payload["coupon_lines"] = coupon_lines
        order_totals(self, payload)
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
            "name": line_name(self, item),
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


def line_name(site, item):
    if item.get("type") != "variation":
        return item["name"]
    parent = site.products[item["parent_id"]]
    options = ", ".join(f"{a['name']}: {a['option']}" for a in item.get("attributes", []))
    return f"{parent['name']} &ndash; {options}" if options else parent["name"]


def order_totals(site, payload):
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
