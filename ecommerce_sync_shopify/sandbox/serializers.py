"""Writing drafts out as Shopify JSON: REST objects (the shapes of the 2025-01 Admin API), GraphQL nodes."""

from datetime import datetime, timezone
from decimal import Decimal

from .data_money import ZERO, cents, fmt, money_set, stamp, to_shop

SHOP_CURRENCY = "USD"


class Writer:
    """Serialises one order's parts with its currency and rate."""

    def __init__(self, draft):
        self.draft = draft

    def bag(self, amount):
        return money_set(amount, self.draft.currency, SHOP_CURRENCY, self.draft.rate)

    def shop(self, amount):
        """A plain (shop-currency) amount string."""
        return fmt(to_shop(amount, self.draft.rate))

    def tax_line(self, title, rate, amount):
        return {
            "channel_liable": False,
            "price": self.shop(amount),
            "price_set": self.bag(amount),
            "rate": float(rate),
            "title": title,
        }

    def allocation(self, index, amount):
        return {"amount": self.shop(amount), "amount_set": self.bag(amount), "discount_application_index": index}

    def line_item(self, line):
        variant, product = line.variant, line.product
        remaining = line.quantity - line.removed
        if line.fulfilled and line.fulfilled >= remaining:
            status = "fulfilled"
        elif line.fulfilled:
            status = "partial"
        else:
            status = None
        return {
            "id": line.id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line.id}",
            "attributed_staffs": [],
            "current_quantity": line.quantity - line.refunded,
            "fulfillable_quantity": max(0, line.shippable) if line.requires_shipping else 0,
            "fulfillment_service": "manual",
            "fulfillment_status": status,
            "gift_card": line.gift_card,
            "grams": variant["grams"],
            "name": f"{product['title']} - {variant['title']}"
            if variant["title"] != "Default Title"
            else product["title"],
            "price": self.shop(line.price),
            "price_set": self.bag(line.price),
            "product_exists": True,
            "product_id": product["id"],
            "properties": [],
            "quantity": line.quantity,
            "requires_shipping": line.requires_shipping,
            "sku": variant["sku"],
            "taxable": line.taxable,
            "title": product["title"],
            "total_discount": "0.00",
            "total_discount_set": self.bag(ZERO),
            "variant_id": variant["id"],
            "variant_inventory_management": variant["inventory_management"],
            "variant_title": None if variant["title"] == "Default Title" else variant["title"],
            "vendor": product["vendor"],
            "tax_lines": [self.tax_line(*tax) for tax in line.taxes],
            "duties": [],
            "discount_allocations": [self.allocation(index, amount) for index, amount in line.allocations],
        }

    def shipping_line(self, item):
        return {
            "id": item.id,
            "carrier_identifier": None,
            "code": item.code,
            "discounted_price": self.shop(item.subtotal),
            "discounted_price_set": self.bag(item.subtotal),
            "is_removed": False,
            "phone": None,
            "price": self.shop(item.price),
            "price_set": self.bag(item.price),
            "requested_fulfillment_service_id": None,
            "source": "shopify",
            "title": item.title,
            "tax_lines": [self.tax_line(*tax) for tax in item.taxes],
            "discount_allocations": [self.allocation(index, amount) for index, amount in item.allocations],
        }

    def address(self):
        person = self.draft.person
        market = person.market
        return {
            "first_name": person.first_name,
            "address1": person.address1,
            "phone": person.phone,
            "city": person.city,
            "zip": person.zip,
            "province": market.province or None,
            "country": market.country_name,
            "last_name": person.last_name,
            "address2": "",
            "company": person.company or None,
            "latitude": None,
            "longitude": None,
            "name": f"{person.first_name} {person.last_name}",
            "country_code": market.country,
            "province_code": market.province_code or None,
        }

    def customer(self):
        draft, person = self.draft, self.draft.person
        if not draft.registered:
            return None
        since = stamp(draft.created)
        return {
            "id": person.customer_id,
            "email": person.email,
            "created_at": since,
            "updated_at": since,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "state": "enabled",
            "note": None,
            "verified_email": True,
            "multipass_identifier": None,
            "tax_exempt": False,
            "phone": person.phone,
            "email_marketing_consent": {
                "state": "subscribed" if person.accepts_marketing else "not_subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": since,
            },
            "sms_marketing_consent": {
                "state": "not_subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": None,
                "consent_collected_from": "OTHER",
            },
            "tags": ", ".join(person.tags),
            "currency": draft.currency,
            "tax_exemptions": [],
            "admin_graphql_api_id": f"gid://shopify/Customer/{person.customer_id}",
            "default_address": {
                "id": person.address_id,
                "customer_id": person.customer_id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "company": person.company or None,
                "address1": person.address1,
                "address2": "",
                "city": person.city,
                "province": person.market.province or None,
                "country": person.market.country_name,
                "zip": person.zip,
                "phone": person.phone,
                "name": f"{person.first_name} {person.last_name}",
                "province_code": person.market.province_code or None,
                "country_code": person.market.country,
                "country_name": person.market.country_name,
                "default": True,
            },
        }

    def refund(self, draft_refund, lines_by_id):
        order_id = self.draft.id
        stamp_ = stamp(draft_refund.created)
        return {
            "id": draft_refund.id,
            "admin_graphql_api_id": f"gid://shopify/Refund/{draft_refund.id}",
            "created_at": stamp_,
            "note": draft_refund.note or None,
            "order_id": order_id,
            "processed_at": stamp_,
            "restock": any(restock != "no_restock" for _l, _u, restock, _s, _t, _loc in draft_refund.lines),
            "total_additional_fees_set": self.bag(ZERO),
            "total_duties_set": self.bag(ZERO),
            "user_id": None,
            "return": None,
            "order_adjustments": [
                {
                    "id": draft_refund.id * 10 + index,
                    "order_id": order_id,
                    "refund_id": draft_refund.id,
                    "amount": self.shop(amount),
                    "tax_amount": self.shop(tax),
                    "kind": kind,
                    "reason": reason,
                    "amount_set": self.bag(amount),
                    "tax_amount_set": self.bag(tax),
                }
                for index, (kind, amount, tax, reason) in enumerate(draft_refund.adjustments, start=1)
            ],
            "transactions": [public(tx) for tx in draft_refund.transactions],
            "refund_line_items": [
                {
                    "id": draft_refund.id * 100 + index,
                    "line_item_id": line.id,
                    "location_id": location,
                    "quantity": units,
                    "restock_type": restock,
                    "subtotal": float(to_shop(subtotal, self.draft.rate)),
                    "subtotal_set": self.bag(subtotal),
                    "total_tax": float(to_shop(sum(taxes, ZERO), self.draft.rate)),
                    "total_tax_set": self.bag(sum(taxes, ZERO)),
                    "line_item": lines_by_id[line.id],
                }
                for index, (line, units, restock, subtotal, taxes, location) in enumerate(draft_refund.lines, start=1)
            ],
            "refund_shipping_lines": [
                {
                    "id": draft_refund.id * 1000 + index,
                    "shipping_line_id": item.id,
                    "subtotal_amount_set": self.bag(subtotal),
                    "tax_amount_set": self.bag(sum(taxes, ZERO)),
                    "shipping_line": self.shipping_line(item),
                }
                for index, (item, subtotal, taxes) in enumerate(draft_refund.shipping, start=1)
            ],
            "duties": [],
            "additional_fees": [],
        }

    def fulfillment(self, item, lines_by_id):
        created = stamp(item.created)
        return {
            "id": item.id,
            "admin_graphql_api_id": f"gid://shopify/Fulfillment/{item.id}",
            "created_at": created,
            "location_id": item.location_id,
            "name": item.name,
            "order_id": self.draft.id,
            "origin_address": {},
            "receipt": {},
            "service": "manual",
            "shipment_status": "delivered",
            "status": "success",
            "tracking_company": item.tracking_company,
            "tracking_number": item.tracking_number,
            "tracking_numbers": [item.tracking_number],
            "tracking_url": item.tracking_url,
            "tracking_urls": [item.tracking_url],
            "updated_at": created,
            "line_items": [{**lines_by_id[line.id], "quantity": units} for line, units in item.items],
        }


def public(transaction):
    """A transaction without the generator's private keys."""
    return {key: value for key, value in transaction.items() if not key.startswith("_")}


def current_totals(draft):
    """Shopify's ``current_*`` figures: the order after its refunds and removals."""
    line_subtotal = line_tax = shipping_tax = discounts = ZERO
    for item in draft.refunds:
        for line, units, _restock, subtotal, taxes, _location in item.lines:
            line_subtotal += subtotal
            line_tax += sum(taxes, ZERO)
            discounts += cents(line.discount * Decimal(units) / Decimal(line.quantity))
        for shipping, _subtotal, taxes in item.shipping:
            shipping_tax += sum(taxes, ZERO)
            discounts += shipping.discount
    return {
        "subtotal": draft.subtotal - line_subtotal,
        "tax": draft.total_tax - line_tax - shipping_tax,
        "total": draft.current_total,
        "discounts": draft.line_discounts + draft.shipping_discounts - discounts,
    }


def financial_status(draft):
    """Shopify's ``financial_status`` from the order's transactions."""
    kinds = {(tx["kind"], tx["status"]) for tx in draft.transactions}
    captured, refunded = draft.captured, draft.refunded
    if ("void", "success") in kinds or (draft.cancelled_at and not captured):
        return "voided"
    if not captured:
        return "authorized" if ("authorization", "success") in kinds else "pending"
    if refunded >= captured:
        return "refunded"
    return "partially_refunded" if refunded else "paid"


def fulfillment_status(draft, lines):
    """None (nothing shipped), "partial" or "fulfilled" (every unit still on the order shipped)."""
    if not draft.fulfillments:
        return None
    states = {line["fulfillment_status"] for line in lines if line["requires_shipping"] and line["current_quantity"]}
    return "fulfilled" if states <= {"fulfilled"} else "partial"


def order(draft, shop_domain):
    """The order as ``/orders.json`` lists it (refunds and fulfilments embedded, no transactions)."""
    writer = Writer(draft)
    lines = [writer.line_item(line) for line in draft.lines]
    lines_by_id = {line["id"]: line for line in lines}
    current = current_totals(draft)
    created = stamp(draft.created)
    gross = sum((line.gross for line in draft.lines), ZERO)
    discounts = draft.line_discounts + draft.shipping_discounts
    shipping_price = sum((item.price for item in draft.shipping), ZERO)
    paid = draft.captured - draft.refunded
    outstanding = max(ZERO, current["total"] - paid) if not draft.cancelled_at else ZERO
    tax_lines = {}
    for taxes in [line.taxes for line in draft.lines] + [item.taxes for item in draft.shipping]:
        for title, rate, amount in taxes:
            tax_lines[(title, rate)] = tax_lines.get((title, rate), ZERO) + amount
    person = draft.person
    customer = writer.customer()
    address = writer.address()
    gateways = sorted({tx["gateway"] for tx in draft.transactions if tx["status"] in ("success", "pending")})
    data = {
        "id": draft.id,
        "admin_graphql_api_id": f"gid://shopify/Order/{draft.id}",
        "app_id": 580111,
        "browser_ip": "203.0.113.7",
        "buyer_accepts_marketing": person.accepts_marketing,
        "cancel_reason": draft.cancel_reason or None,
        "cancelled_at": stamp(draft.cancelled_at) if draft.cancelled_at else None,
        "cart_token": f"{draft.checkout_id:x}c4rt",
        "checkout_id": draft.checkout_id,
        "checkout_token": f"{draft.checkout_id:x}ch3ck",
        "client_details": {
            "accept_language": "en-US",
            "browser_height": None,
            "browser_ip": "203.0.113.7",
            "browser_width": None,
            "session_hash": None,
            "user_agent": "Mozilla/5.0",
        },
        "closed_at": stamp(draft.closed_at) if draft.closed_at else None,
        "confirmation_number": f"X{draft.id % 10**8:08d}",
        "confirmed": True,
        "contact_email": person.email,
        "created_at": created,
        "currency": SHOP_CURRENCY,
        "current_subtotal_price": writer.shop(current["subtotal"]),
        "current_subtotal_price_set": writer.bag(current["subtotal"]),
        "current_total_additional_fees_set": None,
        "current_total_discounts": writer.shop(current["discounts"]),
        "current_total_discounts_set": writer.bag(current["discounts"]),
        "current_total_duties_set": None,
        "current_total_price": writer.shop(current["total"]),
        "current_total_price_set": writer.bag(current["total"]),
        "current_total_tax": writer.shop(current["tax"]),
        "current_total_tax_set": writer.bag(current["tax"]),
        "customer_locale": "en",
        "device_id": None,
        "discount_codes": [
            {"code": code["code"], "amount": writer.shop(code["amount"]), "type": code["type"]} for code in draft.codes
        ],
        "duties_included": False,
        "email": person.email,
        "estimated_taxes": False,
        "financial_status": financial_status(draft),
        "fulfillment_status": fulfillment_status(draft, lines),
        "landing_site": "/",
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": "MTEwMTAwMDAwMQ",
        "merchant_of_record_app_id": None,
        "name": f"#{draft.number}",
        "note": draft.note or None,
        "note_attributes": [],
        "number": draft.number - 1000,
        "order_number": draft.number,
        "order_status_url": f"https://{shop_domain}/orders/{draft.checkout_id:x}/authenticate",
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": gateways,
        "phone": person.phone if draft.registered else None,
        "po_number": None,
        "presentment_currency": draft.currency,
        "processed_at": created,
        "reference": None,
        "referring_site": None,
        "source_identifier": None,
        "source_name": draft.source_name,
        "source_url": None,
        "subtotal_price": writer.shop(draft.subtotal),
        "subtotal_price_set": writer.bag(draft.subtotal),
        "tags": ", ".join(draft.tags),
        "tax_exempt": False,
        "tax_lines": [writer.tax_line(title, rate, amount) for (title, rate), amount in tax_lines.items()],
        "taxes_included": draft.taxes_included,
        "test": False,
        "token": f"{draft.id:x}70k3n",
        "total_cash_rounding_payment_adjustment_set": writer.bag(ZERO),
        "total_cash_rounding_refund_adjustment_set": writer.bag(ZERO),
        "total_discounts": writer.shop(discounts),
        "total_discounts_set": writer.bag(discounts),
        "total_line_items_price": writer.shop(gross),
        "total_line_items_price_set": writer.bag(gross),
        "total_outstanding": writer.shop(outstanding),
        "total_price": writer.shop(draft.total),
        "total_price_set": writer.bag(draft.total),
        "total_shipping_price_set": writer.bag(shipping_price),
        "total_tax": writer.shop(draft.total_tax),
        "total_tax_set": writer.bag(draft.total_tax),
        "total_tip_received": "0.00",
        "total_weight": sum(line.variant["grams"] * line.quantity for line in draft.lines),
        "updated_at": stamp(draft.updated),
        "user_id": None,
        "billing_address": address,
        "customer": customer,
        "discount_applications": draft.applications,
        "fulfillments": [writer.fulfillment(item, lines_by_id) for item in draft.fulfillments],
        "line_items": lines,
        "payment_terms": None,
        "refunds": [writer.refund(item, lines_by_id) for item in draft.refunds],
        "shipping_address": address if draft.shipping else None,
        "shipping_lines": [writer.shipping_line(item) for item in draft.shipping],
    }
    return data


# ----------------------------------------------------------------------
# GraphQL
def graphql_time(stamp):
    """A REST timestamp with offset as GraphQL writes DateTime: UTC, "Z"."""
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def transaction_node(tx, rate):
    """A REST transaction of the sandbox as GraphQL's ``OrderTransaction``."""
    parent = tx.get("parent_id")
    return {
        "id": f"gid://shopify/OrderTransaction/{tx['id']}",
        "kind": tx["kind"].upper(),
        "status": tx["status"].upper(),
        "gateway": tx["gateway"],
        "test": tx["test"],
        "createdAt": graphql_time(tx["created_at"]),
        "processedAt": graphql_time(tx["processed_at"]),
        "authorizationCode": tx["authorization"],
        "errorCode": tx["error_code"].upper() if tx.get("error_code") else None,
        "manualPaymentGateway": tx["manual_payment_gateway"],
        "amountSet": {
            "presentmentMoney": {"amount": tx["amount"], "currencyCode": tx["currency"]},
            "shopMoney": {"amount": fmt(to_shop(tx["amount"], rate)), "currencyCode": "USD"},
        },
        "parentTransaction": {"id": f"gid://shopify/OrderTransaction/{parent}"} if parent else None,
    }
