"""PayPal's direct sales -> canonical Order; denied payments -> FailedPayment.

A payment (T00nn) that names no order of another store (:mod:`.payments`) is
a sale of the PayPal account itself: a PayPal button, an invoice, a payment
link. Its order is read from the transaction's ``cart_info.item_details``
(item code as SKU, quantity, unit price, each item's taxes), its shipping,
insurance, discounts and tax amounts, and ``payer_info`` / ``shipping_info``
for the customer; when the transaction has no cart, the Orders v2 order the
capture belongs to gives the items (``purchase_units[0].items`` and
``amount.breakdown``); without either it is one line of its amount. The
order's id is the payment's transaction id (the capture id), the one its
refunds and chargebacks name.

PayPal gives tax amounts without rates: each taxed line's rate is the
order's tax over its taxed amounts (4 places), so that one order has one tax
key (``Tax <rate>``) to map.

The connector hands over ``{"transaction": detail, "capture": ... or None,
"order": ... or None}``.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import (
    Address,
    Customer,
    Order,
    OrderLine,
    RecordError,
    ShippingLine,
    TaxLine,
    Transaction,
    money_sum,
)
from odoo.addons.ecommerce_sync.connector.balance import FailedPayment

from . import codes, money
from .money import text
from .payments import GATEWAY, info, payment_match

RATE_PLACES = Decimal("0.0001")
TRANSACTION_STATUSES = {"S": "success", "P": "pending", "V": "success", "D": "failure", "F": "failure"}
FINANCIAL_STATUSES = {"S": "paid", "P": "pending", "V": "refunded", "D": "failed", "F": "failed"}


def _address(data, name="", email="", phone=""):
    if not isinstance(data, dict):
        return None
    address = Address(
        name=text(name),
        street=text(data.get("line1") or data.get("address_line_1")),
        street2=text(data.get("line2") or data.get("address_line_2")),
        city=text(data.get("city") or data.get("admin_area_2")),
        zip=text(data.get("postal_code")),
        state_code=text(data.get("state") or data.get("admin_area_1")),
        country_code=text(data.get("country_code")).upper(),
        email=text(email),
        phone=text(phone),
    )
    return None if address.is_empty() else address


def _customer(detail):
    payer = detail.get("payer_info") if isinstance(detail.get("payer_info"), dict) else {}
    name = payer.get("payer_name") if isinstance(payer.get("payer_name"), dict) else {}
    first, last = text(name.get("given_name")), text(name.get("surname"))
    if not (first or last) and text(name.get("alternate_full_name")):
        first, _sep, last = text(name.get("alternate_full_name")).partition(" ")
    phone = payer.get("phone_number") if isinstance(payer.get("phone_number"), dict) else {}
    phone_text = text(phone.get("national_number"))
    if phone_text and text(phone.get("country_code")):
        phone_text = f"+{text(phone['country_code'])}{phone_text}"
    email = text(payer.get("email_address"))
    full = " ".join(part for part in (first, last) if part)
    billing = _address(payer.get("address"), full, email, phone_text)
    shipping_info = detail.get("shipping_info") if isinstance(detail.get("shipping_info"), dict) else {}
    shipping = _address(shipping_info.get("address"), shipping_info.get("name") or full)
    customer = None
    if email or full or text(payer.get("account_id")):
        customer = Customer(
            external_id=text(payer.get("account_id")),
            email=email,
            first_name=first,
            last_name=last,
            phone=phone_text,
            address=billing or shipping,
        )
    return customer, email, phone_text, billing, shipping


def _cart_items(detail, currency):
    """``[(code, name, quantity, unit price, line amount, tax)]`` of the transaction's cart."""
    cart = detail.get("cart_info") if isinstance(detail.get("cart_info"), dict) else {}
    items = []
    for item in cart.get("item_details") or []:
        if not isinstance(item, dict):
            raise RecordError("a cart item is not an object")
        quantity = Decimal(text(item.get("item_quantity")) or "1")
        unit = money.amount(item.get("item_unit_price"), currency, "item_unit_price")
        amount = money.amount(item.get("item_amount"), currency, "item_amount") if item.get("item_amount") else None
        taxes = [entry.get("tax_amount") for entry in item.get("tax_amounts") or [] if isinstance(entry, dict)]
        tax = money_sum(money.amount(value, currency, "item tax_amount") for value in taxes)
        items.append(
            (
                text(item.get("item_code")),
                text(item.get("item_name")) or text(item.get("item_description")) or "Item",
                quantity,
                unit,
                amount if amount is not None else unit * quantity,
                tax,
            )
        )
    return items, bool(cart.get("tax_inclusive"))


def _order_items(order, currency):
    """The same rows and the extra amounts from an Orders v2 order's first purchase unit."""
    units = [unit for unit in (order or {}).get("purchase_units") or [] if isinstance(unit, dict)]
    if not units:
        return [], {}
    unit = units[0]
    rows = []
    for item in unit.get("items") or []:
        quantity = Decimal(text(item.get("quantity")) or "1")
        price = money.amount(item.get("unit_amount"), currency, "item unit_amount")
        tax = money.amount(item.get("tax"), currency, "item tax") * quantity
        rows.append((text(item.get("sku")), text(item.get("name")) or "Item", quantity, price, price * quantity, tax))
    breakdown = ((unit.get("amount") or {}).get("breakdown")) or {}
    extras = {key: money.amount(value, currency, key) for key, value in breakdown.items() if isinstance(value, dict)}
    return rows, extras


def _lines(rows, rate, txn_id):
    lines = []
    for index, (code, name, quantity, _unit, amount, tax) in enumerate(rows, start=1):
        if amount < 0:
            lines.append(OrderLine(f"{txn_id}:{index}", name, Decimal(1), amount, taxable=False, kind="fee"))
            continue
        tax_lines = [TaxLine("Tax", rate, tax)] if tax else []
        lines.append(
            OrderLine(
                external_id=f"{txn_id}:{index}",
                name=name,
                quantity=quantity,
                unit_price=amount / quantity if quantity else amount,
                sku=code,
                product_external_id=code,
                tax_lines=tax_lines,
                taxable=bool(tax_lines),
                requires_shipping=True,
            )
        )
    return lines


def _extra_line(txn_id, key, name, value):
    return OrderLine(f"{txn_id}:{key}", name, Decimal(1), value, taxable=False, requires_shipping=False, kind="fee")


def payment_transaction(detail):
    data = info(detail)
    txn_id = text(data.get("transaction_id"))
    gross, currency = money.money(data.get("transaction_amount"), f"transaction {txn_id} amount")
    return Transaction(
        external_id=txn_id,
        kind="sale",
        status=TRANSACTION_STATUSES.get(text(data.get("transaction_status")), "error"),
        amount=gross,
        currency=currency,
        gateway=GATEWAY,
        processed_at=money.stamp(data.get("transaction_initiation_date"), "transaction_initiation_date"),
        reference=text(data.get("paypal_reference_id")),
        message=text(data.get("transaction_subject")),
    )


def _exchange(capture, order):
    """``(settlement currency, total in it)`` from the capture's seller receivable breakdown."""
    breakdown = (capture or {}).get("seller_receivable_breakdown") or {}
    rate = breakdown.get("exchange_rate") if isinstance(breakdown.get("exchange_rate"), dict) else None
    if not rate or not rate.get("value"):
        return "", None
    target = money.currency_code(rate.get("target_currency"), "exchange_rate target_currency")
    if target == order.currency:
        return "", None
    value = Decimal(text(rate["value"]))
    return target, (order.total * value).quantize(Decimal("0.01"))


def order_from_payment(detail, capture=None, order_v2=None):
    """The :class:`Order` of a direct sale."""
    data = info(detail)
    txn_id = text(data.get("transaction_id"))
    gross, currency = money.money(data.get("transaction_amount"), f"transaction {txn_id} amount")
    created = money.stamp(data.get("transaction_initiation_date"), f"transaction {txn_id} date")
    if created is None:
        raise RecordError(f"transaction {txn_id} has no initiation date")
    updated = money.stamp(data.get("transaction_updated_date"), f"transaction {txn_id} updated") or created
    rows, tax_included = _cart_items(detail, currency)
    extras = {}
    if not rows and order_v2:
        rows, extras = _order_items(order_v2, currency)

    def extra(field, key):
        return money.amount(data.get(field), currency, field) if data.get(field) else extras.get(key, Decimal(0))

    shipping_value, shipping_discount = (
        extra("shipping_amount", "shipping"),
        extra("shipping_discount_amount", "shipping_discount"),
    )
    shipping_tax = money.amount(data.get("shipping_tax_amount"), currency, "shipping_tax_amount")
    item_tax = money_sum(row[5] for row in rows)
    taxed = money_sum(row[4] for row in rows if row[5]) + (shipping_value if shipping_tax else 0)
    tax_total = item_tax + shipping_tax
    rate = (tax_total / taxed).quantize(RATE_PLACES) if taxed and tax_total else Decimal(0)
    lines = _lines(rows, rate, txn_id)
    for key, field, name, sign in (
        ("insurance", "insurance_amount", "Insurance", 1),
        ("handling", "other_amount", "Handling", 1),
        ("tip", "tip_amount", "Tip", 1),
        ("discount", "discount_amount", "Discount", -1),
    ):
        value = extra(field, key)
        if value:
            lines.append(_extra_line(txn_id, key, name, sign * abs(value)))
    if not lines:
        lines = [_extra_line(txn_id, "amount", text(data.get("transaction_subject")) or "PayPal payment", gross)]
    shipping_lines = []
    if shipping_value:
        shipping_lines.append(
            ShippingLine(
                external_id=f"{txn_id}:shipping",
                title=text((detail.get("shipping_info") or {}).get("method")) or "Shipping",
                price=shipping_value,
                discount=abs(shipping_discount),
                tax_lines=[TaxLine("Tax", rate, shipping_tax)] if shipping_tax else [],
            )
        )
    customer, email, phone, billing, shipping = _customer(detail)
    status = text(data.get("transaction_status"))
    order = Order(
        external_id=txn_id,
        name=text(data.get("invoice_id")) or txn_id,
        currency=currency,
        created_at=created,
        updated_at=max(updated, created),
        taxes_included=tax_included,
        lines=lines,
        shipping_lines=shipping_lines,
        tax_lines=[TaxLine("Tax", rate, tax_total)] if tax_total else [],
        total_tax=money.amount(data.get("sales_tax_amount"), currency, "sales_tax_amount") or tax_total,
        total=gross,
        customer=customer,
        email=email,
        phone=phone,
        billing_address=billing,
        shipping_address=shipping or billing,
        financial_status=FINANCIAL_STATUSES.get(status, "pending"),
        transactions=[payment_transaction(detail)],
        note=text(data.get("transaction_note")),
        source_name=f"paypal:{text(data.get('transaction_event_code'))}",
    )
    order.shop_currency, order.shop_total = _exchange(capture, order)
    return order


def failed_payment(detail, prefixes):
    data = info(detail)
    txn_id = text(data.get("transaction_id"))
    gross, currency = money.money(data.get("transaction_amount"), f"transaction {txn_id} amount")
    status = text(data.get("transaction_status"))
    return FailedPayment(
        external_id=txn_id,
        amount=gross,
        currency=currency,
        failed_at=money.stamp(data.get("transaction_initiation_date"), "transaction_initiation_date"),
        code="denied" if status == "D" else "failed",
        message=text(data.get("transaction_subject")) or "PayPal did not complete the payment",
        payment_intent_id=text(data.get("paypal_reference_id")),
        gateway=GATEWAY,
        order_external_id=txn_id,
        match=payment_match(detail, prefixes),
    )


def parse_payment_bundle(payload, prefixes):
    """``[Order]`` of a direct sale, ``[FailedPayment]`` of a denied payment, ``[]`` for another store's payment.

    :raise RecordError: when the bundle or the transaction is malformed
    """
    detail = payload.get("transaction") if isinstance(payload, dict) else None
    data = info(detail)
    if not data.get("transaction_id"):
        raise RecordError(f"not a PayPal payment: {str(payload)[:120]!r}")
    code = text(data.get("transaction_event_code"))
    if not codes.is_payment(code):
        raise RecordError(f"transaction {data['transaction_id']} ({code}) is not a payment")
    if text(data.get("transaction_status")) in ("D", "F"):
        return [failed_payment(detail, prefixes)]
    if payment_match(detail, prefixes).names_an_order:
        return []
    return [order_from_payment(detail, payload.get("capture"), payload.get("order"))]
