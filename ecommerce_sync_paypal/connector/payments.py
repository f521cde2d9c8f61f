"""What a PayPal transaction says about the order it pays, when that order lives in another store.

WooCommerce PayPal Payments keeps the capture id (the payment's transaction
id) as the WooCommerce order's ``transaction_id``, writes the order number
with its invoice prefix (``WC-`` by default) as the purchase unit's
``invoice_id`` and the order id as its ``custom_id`` (older releases wrote
``<prefix><order id>`` there; WooCommerce's PayPal Standard wrote JSON with
``order_id`` and ``order_key``). Transaction Search shows them as
``invoice_id`` and ``custom_field``. A payment whose invoice id carries a
configured prefix (or whose custom field is such JSON) was made for an order
of that store; any other payment is a sale of the PayPal account itself.
"""

import json

from odoo.addons.ecommerce_sync.connector.balance import PaymentMatch

from . import money
from .money import text

GATEWAY = "paypal"
#: the payment method ids of WooCommerce's PayPal gateways: PayPal Payments' buttons and card fields, PayPal Standard
GATEWAY_CODES = ("ppcp-gateway", "ppcp-credit-card-gateway", "paypal")
#: WooCommerce PayPal Payments' default invoice prefix
DEFAULT_PREFIXES = {"WC-": ""}


def info(detail):
    data = detail.get("transaction_info") if isinstance(detail, dict) else None
    return data if isinstance(data, dict) else {}


def prefixes_of(config_prefixes):
    """``{invoice prefix: site address}`` of the stores paid through the account (WooCommerce's by default)."""
    found = {str(prefix): str(url or "") for prefix, url in (config_prefixes or {}).items() if str(prefix or "")}
    return found or dict(DEFAULT_PREFIXES)


def _custom_order(custom, prefix):
    """The order id a store's payment module wrote in the custom field, or ""."""
    value = text(custom)
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            return ""
        return text(data.get("order_id")) if isinstance(data, dict) else ""
    if prefix and value.startswith(prefix):
        value = value[len(prefix) :]
    return value if value.isdigit() else ""


def order_reference(detail, prefixes):
    """``(order reference, order number, site url)`` a store wrote on the payment; ``("", "", "")`` for none."""
    data = info(detail)
    invoice = text(data.get("invoice_id"))
    custom = text(data.get("custom_field"))
    for prefix, site in sorted(prefixes.items(), key=lambda item: -len(item[0])):
        if invoice.startswith(prefix) and len(invoice) > len(prefix):
            number = invoice[len(prefix) :]
            return _custom_order(custom, prefix) or number, number, site
    if custom.startswith("{"):
        reference = _custom_order(custom, "")
        if reference:
            return reference, invoice, ""
    return "", "", ""


def payer_email(detail):
    payer = detail.get("payer_info") if isinstance(detail, dict) else None
    return text((payer or {}).get("email_address")) if isinstance(payer, dict) else ""


def payment_match(detail, prefixes):
    """The :class:`PaymentMatch` of a payment, refund or chargeback transaction."""
    data = info(detail)
    reference, number, site = order_reference(detail, prefixes)
    gross, currency = money.money(data.get("transaction_amount"), "transaction_amount")
    ids = [text(data.get("transaction_id"))]
    if text(data.get("paypal_reference_id_type")) == "TXN":
        ids.append(text(data.get("paypal_reference_id")))
    return PaymentMatch(
        transaction_ids=[ref for ref in ids if ref],
        order_reference=reference,
        order_number=number,
        site_url=site,
        amount=abs(gross) if gross is not None else None,
        currency=currency,
        paid_at=money.stamp(data.get("transaction_initiation_date"), "transaction_initiation_date"),
        email=payer_email(detail),
    )
