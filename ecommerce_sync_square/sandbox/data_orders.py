"""Orders of the sandbox seller, priced as Square prices them, with their payments and returns.

Amounts are integers of cents. A line's discounts and taxes are Square's
applied amounts: an order-scoped discount is spread over the lines by their
discounted price (the rounding remainder on the last line), each line's tax
is rounded on its own, and the order's tax is the sum of its parts.
"""

from datetime import timedelta

from .data_tables import (
    CURRENCY,
    CUSTOMERS,
    ONLINE_DISCOUNT,
    ONLINE_TAX,
    POS_DISCOUNT,
    POS_TAX,
    SHIPPING,
    card_fee,
    round_half_up,
    split,
    tax_of,
)
from .serializers import money, stamp


class OrderFactory:
    """Creates sale orders, partial returns and fee adjustments into the seller's ``data``."""

    def __init__(self, data, ids, rng):
        self.data = data
        self.ids = ids
        self.rng = rng

    # ------------------------------------------------------------------
    def _pick_lines(self, channel):
        pool = [
            variation
            for variation in self.data["variations"].values()
            if (variation["_online"] if channel == "online" else not variation["_gift"] or self.rng.random() < 0.05)
        ]
        chosen = self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 3)))
        return [(variation, self.rng.randint(1, 3)) for variation in chosen]

    def _tax(self, channel):
        name, percentage, kind = POS_TAX if channel == "pos" else ONLINE_TAX
        catalog_tax = self.data["taxes"][kind]
        return {
            "uid": self.ids.make(22),
            "catalog_object_id": catalog_tax["id"],
            "catalog_version": catalog_tax["version"],
            "name": name,
            "percentage": percentage,
            "type": kind,
            "scope": "ORDER",
        }

    def sale(self, location, moment, offline=False, lines=None):
        """A completed sale at ``location``; returns the stored order."""
        channel = location["_channel"]
        order_id = self.ids.make(27)
        tax = self._tax(channel)
        picked = lines or self._pick_lines(channel)
        items = []
        for variation, quantity in picked:
            data = variation["item_variation_data"]
            price = data["price_money"]["amount"]
            items.append(
                {
                    "uid": self.ids.make(22),
                    "name": variation["_item_name"],
                    "quantity": str(quantity),
                    "catalog_object_id": variation["id"],
                    "catalog_version": variation["version"],
                    "variation_name": data["name"],
                    "item_type": "GIFT_CARD" if variation["_gift"] else "ITEM",
                    "_price": price,
                    "_gross": price * quantity,
                    "_discounts": [],
                }
            )
        discounts = []
        if channel == "pos" and self.rng.random() < 0.25:
            name, amount = POS_DISCOUNT
            target = items[0]
            uid = self.ids.make(22)
            applied = min(amount, target["_gross"])
            discounts.append(
                {
                    "uid": uid,
                    "name": name,
                    "type": "FIXED_AMOUNT",
                    "amount_money": money(amount, CURRENCY),
                    "applied_money": money(applied, CURRENCY),
                    "scope": "LINE_ITEM",
                }
            )
            target["_discounts"].append((uid, applied))
        if channel == "online" and self.rng.random() < 0.35:
            name, percentage = ONLINE_DISCOUNT
            uid = self.ids.make(22)
            bases = [item["_gross"] - sum(amount for _uid, amount in item["_discounts"]) for item in items]
            total = round_half_up(sum(bases) * int(percentage) / 100)
            for item, share in zip(items, split(total, bases), strict=True):
                item["_discounts"].append((uid, share))
            discounts.append(
                {
                    "uid": uid,
                    "name": name,
                    "type": "FIXED_PERCENTAGE",
                    "percentage": percentage,
                    "applied_money": money(total, CURRENCY),
                    "scope": "ORDER",
                }
            )
        tax_total = 0
        for item in items:
            discount = sum(amount for _uid, amount in item["_discounts"])
            base = item["_gross"] - discount
            taxed = item["item_type"] != "GIFT_CARD"
            line_tax = tax_of(base, tax["percentage"], tax["type"]) if taxed else 0
            tax_total += line_tax
            item.update(
                {
                    "base_price_money": money(item["_price"], CURRENCY),
                    "variation_total_price_money": money(item["_gross"], CURRENCY),
                    "gross_sales_money": money(item["_gross"], CURRENCY),
                    "total_discount_money": money(discount, CURRENCY),
                    "total_tax_money": money(line_tax, CURRENCY),
                    "total_service_charge_money": money(0, CURRENCY),
                    "total_money": money(base + (line_tax if tax["type"] == "ADDITIVE" else 0), CURRENCY),
                    "applied_discounts": [
                        {"uid": self.ids.make(22), "discount_uid": uid, "applied_money": money(amount, CURRENCY)}
                        for uid, amount in item["_discounts"]
                    ],
                    "applied_taxes": [
                        {"uid": self.ids.make(22), "tax_uid": tax["uid"], "applied_money": money(line_tax, CURRENCY)}
                    ]
                    if taxed
                    else [],
                }
            )
        charges, charge_total = [], 0
        if channel == "online":
            name, amount = SHIPPING
            charge_tax = tax_of(amount, tax["percentage"], tax["type"])
            tax_total += charge_tax
            charge_total = amount + charge_tax
            charges.append(
                {
                    "uid": self.ids.make(22),
                    "name": name,
                    "amount_money": money(amount, CURRENCY),
                    "applied_money": money(amount, CURRENCY),
                    "calculation_phase": "SUBTOTAL_PHASE",
                    "taxable": True,
                    "applied_taxes": [
                        {"uid": self.ids.make(22), "tax_uid": tax["uid"], "applied_money": money(charge_tax, CURRENCY)}
                    ],
                    "total_money": money(charge_total, CURRENCY),
                    "total_tax_money": money(charge_tax, CURRENCY),
                    "type": "CUSTOM",
                    "treatment_type": "LINE_ITEM_TREATMENT",
                    "scope": "ORDER",
                }
            )
        tax["applied_money"] = money(tax_total, CURRENCY)
        goods = sum(item["total_money"]["amount"] for item in items) + charge_total
        tip = 0
        if channel == "pos":
            tip = round_half_up(goods * self.rng.choice((0, 0, 10, 15, 20)) / 100)
        total = goods + tip
        discount_total = sum(item["total_discount_money"]["amount"] for item in items)
        uploaded = moment + timedelta(days=2, hours=5) if offline else moment
        order = {
            "id": order_id,
            "location_id": location["id"],
            "source": {"name": "Square Online" if channel == "online" else "Square Point of Sale"},
            "line_items": items,
            "taxes": [tax],
            "discounts": discounts,
            "service_charges": charges,
            "tenders": [],
            "total_money": money(total, CURRENCY),
            "total_tax_money": money(tax_total, CURRENCY),
            "total_discount_money": money(discount_total, CURRENCY),
            "total_tip_money": money(tip, CURRENCY),
            "total_service_charge_money": money(sum(c["applied_money"]["amount"] for c in charges), CURRENCY),
            "net_amount_due_money": money(0, CURRENCY),
            "created_at": stamp(moment),
            "updated_at": stamp(uploaded),
            "closed_at": stamp(moment + timedelta(minutes=1)),
            "state": "COMPLETED",
            "version": 4,
        }
        if channel == "online":
            self._ship(order, moment)
        tender_type = "CARD" if channel == "online" or self.rng.random() < 0.7 else "CASH"
        self._pay(order, location, moment, tender_type, total, tip, offline)
        self.data["orders"][order_id] = order
        return order

    def _ship(self, order, moment):
        name, email, phone, street, city, state, zip_code = self.rng.choice(CUSTOMERS)
        order["customer_id"] = self.ids.make(26, "ABCDEFGHJKMNPQRSTVWXYZ0123456789")
        order["fulfillments"] = [
            {
                "uid": self.ids.make(22),
                "type": "SHIPMENT",
                "state": "COMPLETED",
                "line_item_application": "ALL",
                "shipment_details": {
                    "recipient": {
                        "display_name": name,
                        "email_address": email,
                        "phone_number": phone,
                        "address": {
                            "address_line_1": street,
                            "locality": city,
                            "administrative_district_level_1": state,
                            "postal_code": zip_code,
                            "country": "US",
                        },
                    },
                    "carrier": "USPS",
                    "tracking_number": "9400" + "".join(self.rng.choice("0123456789") for _ in range(18)),
                    "shipped_at": stamp(moment + timedelta(hours=20)),
                },
            }
        ]

    def _pay(self, order, location, moment, tender_type, total, tip, offline):
        payment_id = self.ids.make(29)
        channel = location["_channel"]
        tender = {
            "id": payment_id,
            "location_id": location["id"],
            "transaction_id": order["id"],
            "created_at": stamp(moment),
            "amount_money": money(total, CURRENCY),
            "tip_money": money(tip, CURRENCY),
            "type": tender_type,
            "payment_id": payment_id,
        }
        payment = {
            "id": payment_id,
            "created_at": stamp(moment),
            "updated_at": order["updated_at"],
            "amount_money": money(total - tip, CURRENCY),
            "tip_money": money(tip, CURRENCY),
            "total_money": money(total, CURRENCY),
            "approved_money": money(total, CURRENCY),
            "processing_fee": [],
            "status": "COMPLETED",
            "source_type": tender_type,
            "location_id": location["id"],
            "order_id": order["id"],
            "receipt_number": payment_id[:4],
            "is_offline_payment": offline,
            "application_details": {"square_product": "ECOMMERCE_API" if channel == "online" else "SQUARE_POS"},
            "version_token": self.ids.make(45),
            "_version": 1,
        }
        if tender_type == "CARD":
            card = {"card_brand": self.rng.choice(("VISA", "MASTERCARD", "AMERICAN_EXPRESS")), "last_4": "4242"}
            tender["card_details"] = {"status": "CAPTURED", "card": card, "entry_method": "CONTACTLESS"}
            payment["card_details"] = {"status": "CAPTURED", "card": card, "entry_method": "CONTACTLESS"}
            payment["processing_fee"].append(
                {
                    "effective_at": stamp(moment + timedelta(minutes=2)),
                    "type": "INITIAL",
                    "amount_money": money(card_fee(total, channel), CURRENCY),
                }
            )
        else:
            tendered = -(-total // 500) * 500
            cash = {
                "buyer_tendered_money": money(tendered, CURRENCY),
                "change_back_money": money(tendered - total, CURRENCY),
            }
            tender["cash_details"] = cash
            payment["cash_details"] = cash
        order["tenders"].append(tender)
        self.data["payments"][payment_id] = payment

    # ------------------------------------------------------------------
    def return_part(self, order, moment):
        """Return one unit of the order's first line: a return order with its refund (and refunded fee)."""
        line = order["line_items"][0]
        quantity = int(line["quantity"])
        tax_def = order["taxes"][0]
        discount = round_half_up(line["total_discount_money"]["amount"] / quantity)
        line_tax = line["total_tax_money"]["amount"]
        tax = round_half_up(line_tax / quantity) if line["applied_taxes"] else 0
        gross = line["base_price_money"]["amount"]
        additive = tax_def["type"] == "ADDITIVE"
        amount = gross - discount + (tax if additive else 0)
        return_tax_uid = self.ids.make(22)
        return_id = self.ids.make(27)
        payment_id = order["tenders"][0]["payment_id"]
        refund_id = f"{payment_id}_{self.ids.make(40)}"
        returned = {
            "uid": self.ids.make(22),
            "source_line_item_uid": line["uid"],
            "name": line["name"],
            "quantity": "1",
            "catalog_object_id": line["catalog_object_id"],
            "catalog_version": line["catalog_version"],
            "variation_name": line["variation_name"],
            "item_type": line["item_type"],
            "base_price_money": money(gross, CURRENCY),
            "variation_total_price_money": money(gross, CURRENCY),
            "gross_return_money": money(gross, CURRENCY),
            "total_discount_money": money(discount, CURRENCY),
            "total_tax_money": money(tax, CURRENCY),
            "total_money": money(amount, CURRENCY),
            "applied_taxes": [
                {"uid": self.ids.make(22), "tax_uid": return_tax_uid, "applied_money": money(tax, CURRENCY)}
            ]
            if line["applied_taxes"]
            else [],
        }
        amounts = {
            "total_money": money(amount, CURRENCY),
            "tax_money": money(tax, CURRENCY),
            "discount_money": money(discount, CURRENCY),
            "tip_money": money(0, CURRENCY),
            "service_charge_money": money(0, CURRENCY),
        }
        self.data["orders"][return_id] = {
            "id": return_id,
            "location_id": order["location_id"],
            "source": order["source"],
            "returns": [
                {
                    "uid": self.ids.make(22),
                    "source_order_id": order["id"],
                    "return_line_items": [returned],
                    "return_taxes": [
                        {
                            "uid": return_tax_uid,
                            "source_tax_uid": tax_def["uid"],
                            "catalog_object_id": tax_def["catalog_object_id"],
                            "name": tax_def["name"],
                            "type": tax_def["type"],
                            "percentage": tax_def["percentage"],
                            "applied_money": money(tax, CURRENCY),
                            "scope": "ORDER",
                        }
                    ],
                }
            ],
            "return_amounts": amounts,
            "refunds": [
                {
                    "id": refund_id,
                    "location_id": order["location_id"],
                    "transaction_id": order["id"],
                    "tender_id": payment_id,
                    "created_at": stamp(moment),
                    "reason": "Returned goods",
                    "amount_money": money(amount, CURRENCY),
                    "status": "COMPLETED",
                }
            ],
            "total_money": money(0, CURRENCY),
            "created_at": stamp(moment),
            "updated_at": stamp(moment),
            "closed_at": stamp(moment),
            "state": "COMPLETED",
            "version": 1,
        }
        payment = self.data["payments"][payment_id]
        initial = payment["processing_fee"][0]["amount_money"]["amount"]
        fee_back = round_half_up(initial * amount / payment["total_money"]["amount"])
        self.data["refunds"][refund_id] = {
            "id": refund_id,
            "status": "COMPLETED",
            "location_id": order["location_id"],
            "amount_money": money(amount, CURRENCY),
            "processing_fee": [
                {"effective_at": stamp(moment), "type": "INITIAL", "amount_money": money(-fee_back, CURRENCY)}
            ],
            "payment_id": payment_id,
            "order_id": return_id,
            "reason": "Returned goods",
            "created_at": stamp(moment),
            "updated_at": stamp(moment + timedelta(seconds=40)),
            "destination_type": "CARD",
        }
        payment["refund_ids"] = [*payment.get("refund_ids", []), refund_id]
        payment["refunded_money"] = money(amount + payment.get("refunded_money", {}).get("amount", 0), CURRENCY)
        payment["updated_at"] = max(payment["updated_at"], stamp(moment + timedelta(seconds=40)))
        return self.data["orders"][return_id]

    def adjust_fee(self, order, moment, cents):
        """A later ADJUSTMENT of a card payment's processing fee (the payment is updated then)."""
        payment = self.data["payments"][order["tenders"][0]["payment_id"]]
        if payment["source_type"] != "CARD":
            return None
        entry = {"effective_at": stamp(moment), "type": "ADJUSTMENT", "amount_money": money(cents, CURRENCY)}
        payment["processing_fee"].append(entry)
        payment["updated_at"] = max(payment["updated_at"], stamp(moment))
        payment["_version"] += 1
        return entry
