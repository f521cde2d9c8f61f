"""Stripe's direct sales -> canonical Order; failed payments -> FailedPayment.

A charge that names no order of another store is a sale of the Stripe
account itself. When it was paid through a Checkout Session (Checkout, a
Payment Link), the order is the session: its line items (quantity, unit
amount, discounts, Stripe Tax amounts per rate), its shipping, its customer
and addresses, totals equal to the session's. Otherwise the order is the
charge: one line of its amount. The order's id is the payment intent's (the
charge's when there is none), so its refunds and disputes find it.

The connector hands over a bundle per charge: ``{"charge": {...},
"checkout_session": {...} or None, "line_items": [...] or None}`` (the
charge with its balance transaction expanded, which gives the settlement
amount: the order's ``shop_total``).
"""

from datetime import timedelta
from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import (
    Address,
    Customer,
    Discount,
    Order,
    OrderLine,
    RecordError,
    ShippingLine,
    TaxLine,
    Transaction,
)
from odoo.addons.ecommerce_sync.connector.balance import FailedPayment

from . import money
from .payments import GATEWAY, charge_match, metadata, object_id, text


def percent(value, what):
    try:
        result = Decimal(str(value))
    except ArithmeticError as exc:
        raise RecordError(f"{what}: expected a percentage, got {value!r}") from exc
    if not result.is_finite() or result < 0:
        raise RecordError(f"{what}: expected a percentage, got {value!r}")
    return result / 100


def parse_address(data, name="", email="", phone=""):
    if not isinstance(data, dict):
        return None
    address = Address(
        name=text(name),
        street=text(data.get("line1")),
        street2=text(data.get("line2")),
        city=text(data.get("city")),
        zip=text(data.get("postal_code")),
        state_code=text(data.get("state")),
        country_code=text(data.get("country")).upper(),
        phone=text(phone),
        email=text(email),
    )
    return None if address.is_empty() else address


def parse_customer(customer_id, name, email, phone, address):
    first, _sep, last = text(name).partition(" ")
    if not (customer_id or email or name):
        return None
    return Customer(
        external_id=customer_id,
        email=email,
        first_name=first,
        last_name=last,
        phone=phone,
        address=address,
    )


def tax_lines(taxes, currency, what):
    """Stripe's ``taxes`` of a line item or of the shipping as :class:`TaxLine` objects."""
    lines = []
    for tax in taxes or []:
        rate = tax.get("rate") if isinstance(tax, dict) else None
        if not isinstance(rate, dict):
            raise RecordError(f"{what}: a tax comes without its tax rate")
        title = text(rate.get("display_name")) or "Tax"
        if text(rate.get("jurisdiction")):
            title = f"{title} ({text(rate['jurisdiction'])})"
        lines.append(
            TaxLine(
                title=title,
                rate=percent(rate.get("percentage"), f"{what} tax rate"),
                amount=money.amount(tax.get("amount"), currency, f"{what} tax"),
                code=object_id(rate.get("id")),
            )
        )
    return lines


def _inclusive(taxes):
    return any(isinstance(tax.get("rate"), dict) and tax["rate"].get("inclusive") for tax in taxes or [])


def _exclusive_tax(taxes, currency, what):
    return sum(
        (
            money.amount(tax.get("amount"), currency, what)
            for tax in taxes or []
            if not (isinstance(tax.get("rate"), dict) and tax["rate"].get("inclusive"))
        ),
        Decimal(0),
    )


def parse_line_item(item, currency):
    item_id = object_id(item.get("id"))
    what = f"line item {item_id}"
    quantity = Decimal(int(item.get("quantity") or 1))
    subtotal = money.amount(item.get("amount_subtotal"), currency, f"{what} amount_subtotal")
    price = item.get("price") if isinstance(item.get("price"), dict) else {}
    product = price.get("product") if isinstance(price.get("product"), dict) else {}
    return OrderLine(
        external_id=item_id,
        name=text(item.get("description")) or text(product.get("name")) or "Item",
        quantity=quantity,
        unit_price=subtotal / quantity,
        sku=text(metadata(product).get("sku")),
        product_external_id=object_id(price.get("product")),
        variant_external_id=object_id(price.get("id")),
        discount=money.amount(item.get("amount_discount"), currency, f"{what} amount_discount"),
        tax_lines=tax_lines(item.get("taxes"), currency, what),
        requires_shipping=not product or product.get("shippable") is not False,
    )


def _discounts(items, currency):
    found = {}
    for item in items:
        for entry in item.get("discounts") or []:
            discount = entry.get("discount") if isinstance(entry.get("discount"), dict) else {}
            coupon = (discount.get("source") or {}).get("coupon") or discount.get("coupon") or {}
            code = (
                text(object_id(discount.get("promotion_code")))
                or text(coupon.get("name") if isinstance(coupon, dict) else "")
                or object_id(coupon)
                or "discount"
            )
            found[code] = found.get(code, Decimal(0)) + money.amount(entry.get("amount"), currency, "discount")
    return [Discount(code=code, amount=amount) for code, amount in found.items()]


def _shipping(session, currency, inclusive):
    cost = session.get("shipping_cost")
    if not isinstance(cost, dict) or not cost.get("amount_total"):
        return []
    rate = cost.get("shipping_rate")
    what = f"session {session.get('id')} shipping"
    total = money.amount(cost.get("amount_total"), currency, what)
    price = total if inclusive else total - _exclusive_tax(cost.get("taxes"), currency, what)
    return [
        ShippingLine(
            external_id=object_id(rate) or f"{session.get('id')}:shipping",
            title=text(rate.get("display_name")) if isinstance(rate, dict) else "Shipping",
            price=price,
            code=object_id(rate),
            tax_lines=tax_lines(cost.get("taxes"), currency, what),
        )
    ]


def _order_tax_lines(lines, shipping_lines):
    totals = {}
    for line in [*lines, *shipping_lines]:
        for tax in line.tax_lines:
            if tax.key in totals:
                totals[tax.key].amount += tax.amount
            else:
                totals[tax.key] = TaxLine(tax.title, tax.rate, tax.amount, tax.code)
    return list(totals.values())


def financial_status(charge, currency):
    status = text(charge.get("status"))
    if status == "failed":
        return "failed"
    if status == "pending":
        return "pending"
    if not charge.get("captured"):
        return "authorized"
    captured = money.amount(charge.get("amount_captured"), currency, "amount_captured")
    refunded = money.amount(charge.get("amount_refunded"), currency, "amount_refunded")
    if refunded and refunded >= captured:
        return "refunded"
    return "partially_refunded" if refunded else "paid"


def _method(charge):
    details = charge.get("payment_method_details") or {}
    kind = text(details.get("type"))
    card = details.get("card") if kind == "card" else None
    if isinstance(card, dict) and card.get("last4"):
        return f"{text(card.get('brand')) or 'card'} **** {text(card.get('last4'))}"
    return kind


def charge_transaction(charge, currency):
    """The charge as the order's :class:`Transaction` (a sale, or an authorization not captured yet)."""
    charge_id = object_id(charge.get("id"))
    captured = bool(charge.get("captured"))
    status = {"succeeded": "success", "pending": "pending", "failed": "failure"}.get(text(charge.get("status")))
    value = charge.get("amount_captured") if captured else charge.get("amount")
    return Transaction(
        external_id=charge_id,
        kind="sale" if captured or status != "success" else "authorization",
        status=status or "error",
        amount=money.amount(value, currency, f"charge {charge_id} amount"),
        currency=currency,
        gateway=GATEWAY,
        processed_at=money.timestamp(charge.get("created"), f"charge {charge_id} created"),
        reference=object_id(charge.get("payment_intent")),
        message=_method(charge),
    )


def _settlement(charge, currency):
    """``(settlement currency, settled amount)`` from the charge's expanded balance transaction."""
    txn = charge.get("balance_transaction")
    if not isinstance(txn, dict) or not txn.get("currency"):
        return "", None
    code = money.currency_code(txn["currency"], "balance transaction currency")
    if code == currency:
        return "", None
    return code, money.amount(txn.get("amount"), code, "balance transaction amount")


def _base_order(charge, currency, external_id):
    created = money.timestamp(charge.get("created"), f"charge {charge.get('id')} created")
    if created is None:
        raise RecordError(f"charge {charge.get('id')} has no creation time")
    shop_currency, shop_total = _settlement(charge, currency)
    billing = charge.get("billing_details") or {}
    return Order(
        external_id=external_id,
        name=external_id,
        currency=currency,
        created_at=created,
        # Stripe has no "updated" stamp: a capture is the one change an order of a charge sees
        updated_at=created + timedelta(microseconds=1) if charge.get("captured") else created,
        financial_status=financial_status(charge, currency),
        transactions=[charge_transaction(charge, currency)],
        shop_currency=shop_currency,
        shop_total=shop_total,
        email=text(billing.get("email") or charge.get("receipt_email")),
        phone=text(billing.get("phone")),
    )


def order_from_session(charge, session, items):
    """The order of a Checkout Session (Checkout or a Payment Link) and its line items."""
    session_id = object_id(session.get("id"))
    currency = money.currency_code(session.get("currency") or charge.get("currency"), f"session {session_id}")
    order = _base_order(charge, currency, object_id(session.get("payment_intent")) or object_id(charge.get("id")))
    order.name = text(session.get("client_reference_id")) or order.external_id
    order.created_at = money.timestamp(session.get("created"), f"session {session_id} created") or order.created_at
    items = [item for item in items or [] if isinstance(item, dict)]
    cost = session.get("shipping_cost") if isinstance(session.get("shipping_cost"), dict) else {}
    order.taxes_included = any(_inclusive(item.get("taxes")) for item in items) or _inclusive(cost.get("taxes"))
    order.lines = [parse_line_item(item, currency) for item in items]
    order.shipping_lines = _shipping(session, currency, order.taxes_included)
    order.discounts = _discounts(items, currency)
    order.tax_lines = _order_tax_lines(order.lines, order.shipping_lines)
    totals = session.get("total_details") or {}
    order.total_tax = money.amount(totals.get("amount_tax"), currency, f"session {session_id} amount_tax")
    order.total = money.amount(session.get("amount_total"), currency, f"session {session_id} amount_total")
    details = session.get("customer_details") or {}
    email = text(details.get("email")) or order.email
    billing = parse_address(details.get("address"), details.get("name"), email, details.get("phone"))
    shipping_details = (session.get("collected_information") or {}).get("shipping_details") or session.get(
        "shipping_details"
    )
    shipping = None
    if isinstance(shipping_details, dict):
        shipping = parse_address(shipping_details.get("address"), shipping_details.get("name"))
    order.email, order.phone = email, text(details.get("phone")) or order.phone
    order.billing_address, order.shipping_address = billing, shipping or billing
    order.customer = parse_customer(
        object_id(session.get("customer")), details.get("name"), email, order.phone, billing
    )
    order.source_name = "payment_link" if session.get("payment_link") else "checkout"
    return order


def order_from_charge(charge):
    """The order of a charge made without a Checkout Session: one line of its amount."""
    charge_id = object_id(charge.get("id"))
    currency = money.currency_code(charge.get("currency"), f"charge {charge_id} currency")
    order = _base_order(charge, currency, object_id(charge.get("payment_intent")) or charge_id)
    total = money.amount(charge.get("amount"), currency, f"charge {charge_id} amount")
    order.lines = [
        OrderLine(
            external_id=f"{charge_id}:amount",
            name=text(charge.get("description")) or text(charge.get("statement_descriptor")) or "Stripe payment",
            quantity=Decimal(1),
            unit_price=total,
            taxable=False,
            requires_shipping=False,
        )
    ]
    order.total = total
    billing_details = charge.get("billing_details") or {}
    billing = parse_address(
        billing_details.get("address"), billing_details.get("name"), order.email, billing_details.get("phone")
    )
    order.billing_address = order.shipping_address = billing
    order.customer = parse_customer(
        object_id(charge.get("customer")), billing_details.get("name"), order.email, order.phone, billing
    )
    order.source_name = "charge"
    return order


def failed_payment(charge):
    """A failed charge as a :class:`FailedPayment`."""
    charge_id = object_id(charge.get("id"))
    currency = money.currency_code(charge.get("currency"), f"charge {charge_id} currency")
    reference = object_id(charge.get("payment_intent"))
    return FailedPayment(
        external_id=charge_id,
        amount=money.amount(charge.get("amount"), currency, f"charge {charge_id} amount"),
        currency=currency,
        failed_at=money.timestamp(charge.get("created"), f"charge {charge_id} created"),
        code=text(charge.get("failure_code")),
        message=text(charge.get("failure_message")),
        payment_intent_id=reference,
        gateway=GATEWAY,
        order_external_id=reference or charge_id,
        match=charge_match(charge),
    )


def intent_failure(intent):
    """A payment intent's last failure that made no charge (e.g. authentication), as a :class:`FailedPayment`."""
    intent_id = object_id(intent.get("id"))
    error = intent.get("last_payment_error") if isinstance(intent.get("last_payment_error"), dict) else {}
    currency = money.currency_code(intent.get("currency"), f"payment intent {intent_id} currency")
    code = text(error.get("decline_code") or error.get("code")) or "payment_failed"
    return FailedPayment(
        external_id=f"{intent_id}:{code}",
        amount=money.amount(intent.get("amount"), currency, f"payment intent {intent_id} amount"),
        currency=currency,
        failed_at=money.timestamp(intent.get("created"), f"payment intent {intent_id} created"),
        code=code,
        message=text(error.get("message")),
        payment_intent_id=intent_id,
        gateway=GATEWAY,
        order_external_id=intent_id,
    )


def parse_order_bundle(payload, direct_sale=False):
    """The records of one charge bundle (see the module docstring).

    :param bool direct_sale: the charge is a sale of the account's own, even when its metadata
        names another store's order (a user said so, linking it by hand)
    :return: ``[Order]`` for a direct sale, ``[FailedPayment]`` for a failed
        charge, ``[]`` for a charge of another store's order (that store
        imports the order; the charge's money comes with the payouts)
    :raise RecordError: when the bundle or the charge is malformed
    """
    if not isinstance(payload, dict) or ("charge" not in payload and "payment_intent" not in payload):
        raise RecordError("a Stripe order comes as a charge with its Checkout Session lookup")
    charge = payload.get("charge")
    if not isinstance(charge, dict):
        intent = payload.get("payment_intent")
        if isinstance(intent, dict) and intent.get("last_payment_error"):
            return [intent_failure(intent)]
        return []
    if charge.get("object") != "charge" or not charge.get("id"):
        raise RecordError(f"not a charge: {str(charge)[:120]!r}")
    if text(charge.get("status")) == "failed":
        return [failed_payment(charge)]
    if charge_match(charge).names_an_order and not direct_sale:
        return []
    session = payload.get("checkout_session")
    if isinstance(session, dict):
        return [order_from_session(charge, session, payload.get("line_items"))]
    return [order_from_charge(charge)]
