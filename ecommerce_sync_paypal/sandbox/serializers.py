"""PayPal's JSON shapes for what the sandbox keeps: Transaction Search details, captures, refunds,
Orders v2 orders, disputes, balances and errors. Field names are PayPal's; only what the sandbox
knows is written. Money is ``{"currency_code", "value"}`` with the value a decimal string."""

from datetime import timezone
from decimal import Decimal

CENT = Decimal("0.01")
ZERO_DECIMAL = frozenset(("JPY", "HUF", "TWD"))


def value(amount, currency):
    places = Decimal(1) if currency in ZERO_DECIMAL else CENT
    return str(Decimal(amount).quantize(places))


def money(amount, currency):
    return {"currency_code": currency, "value": value(amount, currency)}


def search_time(moment):
    """Transaction Search's time format (``2014-07-11T04:03:52+0000``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def api_time(moment):
    """The v2 APIs' time format (``2018-09-11T18:31:38Z``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def transaction_info(txn_id, code, at, amount, currency, fee, status, reference="", reference_type="", **extra):
    data = {
        "paypal_account_id": extra.pop("payer_account", None),
        "transaction_id": txn_id,
        "paypal_reference_id": reference or None,
        "paypal_reference_id_type": reference_type or None,
        "transaction_event_code": code,
        "transaction_initiation_date": search_time(at),
        "transaction_updated_date": search_time(at),
        "transaction_amount": money(amount, currency),
        "fee_amount": money(fee, currency) if fee else None,
        "transaction_status": status,
        "protection_eligibility": "01" if code.startswith("T00") else None,
    }
    for key, item in extra.items():
        if isinstance(item, tuple):
            data[key] = money(*item)
        elif item not in (None, ""):
            data[key] = item
    return {key: item for key, item in data.items() if item is not None}


def payer_info(payer):
    """``payer``: ``{"account_id", "email", "given_name", "surname", "country", "address"}``."""
    if not payer:
        return {}
    return {
        "account_id": payer["account_id"],
        "email_address": payer["email"],
        "address_status": "Y",
        "payer_status": "Y",
        "payer_name": {
            "given_name": payer["given_name"],
            "surname": payer["surname"],
            "alternate_full_name": f"{payer['given_name']} {payer['surname']}",
        },
        "country_code": payer["country"],
    }


def shipping_info(payer):
    if not payer or not payer.get("address"):
        return {}
    line1, city, postal, state, country = payer["address"]
    address = {"line1": line1, "city": city, "country_code": country, "postal_code": postal}
    if state:
        address["state"] = state
    return {"name": f"{payer['given_name']} {payer['surname']}", "address": address}


def cart_info(items, currency, invoice_id=""):
    """``items``: ``[(code, name, quantity, unit price, tax)]``."""
    details = []
    for code, name, quantity, unit, tax in items:
        amount = Decimal(unit) * quantity
        entry = {
            "item_code": code,
            "item_name": name,
            "item_quantity": str(quantity),
            "item_unit_price": money(unit, currency),
            "item_amount": money(amount, currency),
            "total_item_amount": money(amount + tax, currency),
        }
        if tax:
            entry["tax_amounts"] = [{"tax_amount": money(tax, currency)}]
        if invoice_id:
            entry["invoice_number"] = invoice_id
        details.append(entry)
    return {"item_details": details} if details else {}


def detail(info, payer=None, items=(), currency="USD", invoice_id=""):
    return {
        "transaction_info": info,
        "payer_info": payer_info(payer),
        "shipping_info": shipping_info(payer),
        "cart_info": cart_info(items, currency, invoice_id),
        "store_info": {},
        "auction_info": {},
        "incentive_info": {},
    }


def link(base, path, rel="self"):
    return {"href": f"{base}{path}", "rel": rel, "method": "GET"}


def capture(capture_id, order_id, amount, currency, fee, status, at, invoice_id="", custom_id="", rate=None):
    """A ``/v2/payments/captures/{id}`` capture; ``rate``: ``(target currency, rate)`` of a converted payment."""
    breakdown = {
        "gross_amount": money(amount, currency),
        "paypal_fee": money(fee, currency),
        "net_amount": money(Decimal(amount) - fee, currency),
    }
    if rate:
        target, factor = rate
        breakdown["receivable_amount"] = money((Decimal(amount) - fee) * factor, target)
        breakdown["exchange_rate"] = {"source_currency": currency, "target_currency": target, "value": str(factor)}
    found = {
        "id": capture_id,
        "status": status,
        "amount": money(amount, currency),
        "final_capture": True,
        "seller_protection": {
            "status": "ELIGIBLE",
            "dispute_categories": ["ITEM_NOT_RECEIVED"],
        },
        "seller_receivable_breakdown": breakdown,
        "supplementary_data": {"related_ids": {"order_id": order_id}} if order_id else {},
        "create_time": api_time(at),
        "update_time": api_time(at),
        "links": [],
    }
    if invoice_id:
        found["invoice_id"] = invoice_id
    if custom_id:
        found["custom_id"] = custom_id
    return found


def refund(refund_id, capture_id, amount, currency, fee, at, note=""):
    return {
        "id": refund_id,
        "amount": money(amount, currency),
        "seller_payable_breakdown": {
            "gross_amount": money(amount, currency),
            "paypal_fee": money(fee, currency),
            "net_amount": money(Decimal(amount) - fee, currency),
            "total_refunded_amount": money(amount, currency),
        },
        "note_to_payer": note or None,
        "status": "COMPLETED",
        "create_time": api_time(at),
        "update_time": api_time(at),
        "links": [{"href": f"/v2/payments/captures/{capture_id}", "rel": "up", "method": "GET"}],
    }


def order(order_id, capture_id, items, currency, total, shipping, at, payer, invoice_id="", custom_id=""):
    """A completed ``/v2/checkout/orders/{id}`` order of one purchase unit."""
    item_total = sum((Decimal(unit) * quantity for _code, _name, quantity, unit, _tax in items), Decimal(0))
    tax_total = sum((tax for *_rest, tax in items), Decimal(0))
    unit = {
        "reference_id": "default",
        "amount": {
            **money(total, currency),
            "breakdown": {
                "item_total": money(item_total, currency),
                "tax_total": money(tax_total, currency),
                "shipping": money(shipping, currency),
            },
        },
        "items": [
            {
                "name": name,
                "sku": code,
                "quantity": str(quantity),
                "unit_amount": money(price, currency),
                "tax": money(Decimal(tax) / quantity, currency),
            }
            for code, name, quantity, price, tax in items
        ],
        "payments": {"captures": [{"id": capture_id, "status": "COMPLETED", "amount": money(total, currency)}]},
    }
    if invoice_id:
        unit["invoice_id"] = invoice_id
    if custom_id:
        unit["custom_id"] = custom_id
    found = {
        "id": order_id,
        "intent": "CAPTURE",
        "status": "COMPLETED",
        "purchase_units": [unit],
        "create_time": api_time(at),
        "update_time": api_time(at),
        "links": [],
    }
    if payer:
        found["payer"] = {
            "name": {"given_name": payer["given_name"], "surname": payer["surname"]},
            "email_address": payer["email"],
            "payer_id": payer["account_id"],
        }
    return found


def dispute(dispute_id, capture_id, amount, currency, at, reason, status="UNDER_REVIEW", outcome=""):
    found = {
        "dispute_id": dispute_id,
        "create_time": api_time(at),
        "update_time": api_time(at),
        "disputed_transactions": [{"seller_transaction_id": capture_id}],
        "reason": reason,
        "status": status,
        "dispute_amount": money(amount, currency),
        "dispute_life_cycle_stage": "CHARGEBACK",
        "dispute_channel": "EXTERNAL",
        "links": [],
    }
    if outcome:
        found["dispute_outcome"] = {"outcome_code": outcome, "amount_refunded": money(amount, currency)}
    return found


def balances(account_id, entries, at):
    """``entries``: ``[(currency, primary, total, available, withheld)]``."""
    return {
        "balances": [
            {
                "currency": currency,
                "primary": primary,
                "total_balance": money(total, currency),
                "available_balance": money(available, currency),
                "withheld_balance": money(withheld, currency),
            }
            for currency, primary, total, available, withheld in entries
        ],
        "account_id": account_id,
        "as_of_time": api_time(at),
        "last_refresh_time": api_time(at),
    }


def error(name, message, debug_id, details=None):
    body = {"name": name, "message": message, "debug_id": debug_id, "links": []}
    if details:
        body["details"] = details
    return body
