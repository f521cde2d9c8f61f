"""Stripe's JSON shapes (API version 2026-10-28.endive) for the objects the sandbox keeps.

Objects are kept in these shapes (amounts in minor units, times as Unix
timestamps, currencies in lower case, expandable fields as ids); the routes
expand them on request. Only the fields Stripe sends are written, with
Stripe's names, so Stripe's own client library reads them as it reads the
real API.
"""

ACCOUNT_NAME = "Sandbox Supply Co."


def account(account_id, name, country, currency, email):
    return {
        "id": account_id,
        "object": "account",
        "business_profile": {"name": name, "url": "https://shop.example.com", "support_email": email},
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True,
        "country": country,
        "created": 1700000000,
        "default_currency": currency,
        "details_submitted": True,
        "email": email,
        "metadata": {},
        "payouts_enabled": True,
        "settings": {
            "dashboard": {"display_name": name, "timezone": "Etc/UTC"},
            "payouts": {"schedule": {"delay_days": 2, "interval": "daily"}, "statement_descriptor": None},
        },
        "type": "standard",
    }


def balance(available, pending, livemode):
    """``available``/``pending``: ``{currency: amount}``."""
    return {
        "object": "balance",
        "available": [
            {"amount": amount, "currency": code, "source_types": {"card": amount}} for code, amount in available.items()
        ],
        "livemode": livemode,
        "pending": [
            {"amount": amount, "currency": code, "source_types": {"card": amount}} for code, amount in pending.items()
        ],
    }


def address(line1="", city="", postal_code="", state="", country=""):
    return {
        "city": city or None,
        "country": country or None,
        "line1": line1 or None,
        "line2": None,
        "postal_code": postal_code or None,
        "state": state or None,
    }


def balance_transaction(
    txn_id, amount, fee, currency, created, available_on, kind, category, source, description, fee_details, rate=None
):
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": available_on,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": rate,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "pending",
        "type": kind,
    }


def fee_detail(amount, currency, description, kind="stripe_fee"):
    return {"amount": amount, "application": None, "currency": currency, "description": description, "type": kind}


def payment_intent(intent_id, amount, currency, created, customer, description, metadata, livemode):
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "automatic_payment_methods": {"enabled": True},
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_sandbox",
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": customer,
        "description": description,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": livemode,
        "metadata": dict(metadata),
        "payment_method": None,
        "payment_method_types": ["card"],
        "receipt_email": None,
        "status": "requires_payment_method",
    }


def charge(charge_id, intent_id, amount, currency, created, billing, card, description, metadata, livemode):
    """A charge; ``billing`` is ``{"name", "email", "phone", "address"}``, ``card`` ``(brand, last4, country)``."""
    brand, last4, country = card
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {
            "address": billing.get("address") or address(),
            "email": billing.get("email"),
            "name": billing.get("name"),
            "phone": billing.get("phone"),
            "tax_id": None,
        },
        "calculated_statement_descriptor": "SANDBOX SUPPLY",
        "captured": True,
        "created": created,
        "currency": currency,
        "customer": billing.get("customer"),
        "description": description,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": livemode,
        "metadata": dict(metadata),
        "outcome": {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": True,
        "payment_intent": intent_id,
        "payment_method": f"pm_{charge_id[3:]}",
        "payment_method_details": {
            "card": {
                "brand": brand,
                "country": country,
                "exp_month": 8,
                "exp_year": 2030,
                "funding": "credit",
                "last4": last4,
                "network": brand,
            },
            "type": "card",
        },  # fmt: skip
        "receipt_email": billing.get("email"),
        "receipt_url": f"https://pay.stripe.com/receipts/sandbox/{charge_id}",
        "refunded": False,
        "review": None,
        "shipping": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded",
        "transfer_data": None,
        "transfer_group": None,
    }


def refund(refund_id, charge_id, intent_id, amount, currency, created, reason, metadata):
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge_id,
        "created": created,
        "currency": currency,
        "destination_details": {"card": {"type": "refund"}, "type": "card"},
        "metadata": dict(metadata),
        "payment_intent": intent_id,
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def dispute(dispute_id, charge_id, intent_id, amount, currency, created, reason, due_by, livemode):
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [],
        "charge": charge_id,
        "created": created,
        "currency": currency,
        "evidence": {"customer_email_address": None, "product_description": None, "uncategorized_text": None},
        "evidence_details": {"due_by": due_by, "has_evidence": False, "past_due": False, "submission_count": 0},
        "is_charge_refundable": False,
        "livemode": livemode,
        "metadata": {},
        "payment_intent": intent_id,
        "payment_method_details": {
            "card": {"brand": "visa", "case_type": "chargeback", "network_reason_code": "10.4"},
            "type": "card",
        },
        "reason": reason,
        "status": "needs_response",
    }


def payout(payout_id, amount, currency, created, arrival_date, livemode):
    return {
        "id": payout_id,
        "object": "payout",
        "amount": amount,
        "application_fee": None,
        "application_fee_amount": None,
        "arrival_date": arrival_date,
        "automatic": True,
        "balance_transaction": None,
        "created": created,
        "currency": currency,
        "description": "STRIPE PAYOUT",
        "destination": "ba_1SandboxBankAccount0001",
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "livemode": livemode,
        "metadata": {},
        "method": "standard",
        "original_payout": None,
        "reconciliation_status": "not_applicable",
        "reversed_by": None,
        "source_type": "card",
        "statement_descriptor": "SANDBOX SUPPLY",
        "status": "pending",
        "type": "bank_account",
    }


def tax_rate(rate_id, display_name, percentage, inclusive, jurisdiction, country, state=""):
    return {
        "id": rate_id,
        "object": "tax_rate",
        "active": True,
        "country": country,
        "created": 1700000000,
        "description": None,
        "display_name": display_name,
        "effective_percentage": percentage,
        "inclusive": inclusive,
        "jurisdiction": jurisdiction,
        "jurisdiction_level": "state" if state else "country",
        "livemode": False,
        "metadata": {},
        "percentage": percentage,
        "state": state or None,
        "tax_type": "sales_tax" if state else "vat",
    }


def product(product_id, name, sku):
    return {
        "id": product_id,
        "object": "product",
        "active": True,
        "created": 1700000000,
        "description": None,
        "livemode": False,
        "metadata": {"sku": sku},
        "name": name,
        "shippable": True,
        "tax_code": "txcd_99999999",
        "type": "service" if sku.startswith("SRV") else "good",
    }


def price(price_id, product_id, unit_amount, currency, inclusive):
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "currency": currency,
        "product": product_id,
        "tax_behavior": "inclusive" if inclusive else "exclusive",
        "type": "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def shipping_rate(rate_id, name, amount, currency):
    return {
        "id": rate_id,
        "object": "shipping_rate",
        "active": True,
        "display_name": name,
        "fixed_amount": {"amount": amount, "currency": currency},
        "tax_behavior": "exclusive",
        "type": "fixed_amount",
    }


def line_item(item_id, price_obj, description, quantity, subtotal, discount, tax, taxes, discounts):
    return {
        "id": item_id,
        "object": "item",
        "amount_discount": discount,
        "amount_subtotal": subtotal,
        "amount_tax": tax,
        "amount_total": subtotal - discount + sum(t["amount"] for t in taxes if not t["_inclusive"]),
        "currency": price_obj["currency"],
        "description": description,
        "discounts": discounts,
        "metadata": {},
        "price": price_obj,
        "quantity": quantity,
        "taxes": [{key: value for key, value in t.items() if key != "_inclusive"} for t in taxes],
    }


def checkout_session(session_id, intent_id, currency, created, customer_details, shipping, totals, options, livemode):
    """A completed payment-mode session; ``totals`` ``(subtotal, discount, tax, shipping cost dict, total)``."""
    subtotal, discount, tax, shipping_cost, total = totals
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": subtotal,
        "amount_total": total,
        "automatic_tax": {"enabled": True, "liability": {"type": "self"}, "provider": "stripe", "status": "complete"},
        "client_reference_id": options.get("client_reference_id"),
        "collected_information": {"shipping_details": shipping} if shipping else None,
        "created": created,
        "currency": currency,
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": customer_details,
        "customer_email": None,
        "expires_at": created + 86400,
        "livemode": livemode,
        "locale": None,
        "metadata": {},
        "mode": "payment",
        "payment_intent": intent_id,
        "payment_link": options.get("payment_link"),
        "payment_method_types": ["card"],
        "payment_status": "paid",
        "shipping_cost": shipping_cost,
        "status": "complete",
        "success_url": "https://shop.example.com/thanks",
        "total_details": {"amount_discount": discount, "amount_shipping": (shipping_cost or {}).get("amount_total", 0),
                          "amount_tax": tax},
        "url": None,
    }  # fmt: skip


def event(event_id, kind, obj, created, api_version, livemode, previous=None):
    data = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }


def error(kind, message, code=None, param=None):
    body = {"type": kind, "message": message}
    if code:
        body["code"] = code
        body["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
    if param:
        body["param"] = param
    return {"error": body}
