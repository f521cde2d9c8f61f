"""Money of generated orders: transactions (card through Shopify Payments, gift card, PayPal, manual,
authorisations, failures), refunds, returns, order-edit removals and cancellations.

Money never exceeds what was paid: refund transactions are drawn from the
order's successful payments (card and PayPal first, the gift card last), each
for at most what is left on it; what cannot be paid back becomes a refund
discrepancy, as in Shopify.
"""

from datetime import timedelta
from decimal import Decimal

from .data_money import ZERO, cents, fmt, stamp
from .data_orders import RefundDraft, is_payment, is_refund

SHOPIFY_PAYMENTS = "shopify_payments"
GIFT_CARD = "gift_card"
PAYPAL = "paypal"
MANUAL = "Cash on Delivery (COD)"
METHODS = (
    ("card", 60),
    ("card_auth_capture", 10),
    ("gift_card_split", 8),
    ("paypal", 10),
    ("manual", 6),
    ("authorized", 3),
    ("failed_then_card", 3),
)


def pick_method(rng):
    return rng.choices([name for name, _w in METHODS], weights=[weight for _n, weight in METHODS])[0]


def transaction(ids, draft, kind, gateway, amount, moment, status="success", parent=None, **extra):
    """A transaction as ``/orders/{id}/transactions.json`` lists it."""
    transaction_id = ids.next("transaction")
    card = gateway == SHOPIFY_PAYMENTS
    data = {
        "id": transaction_id,
        "order_id": draft.id,
        "kind": kind,
        "gateway": gateway,
        "status": status,
        "message": extra.pop("message", "Transaction approved" if status == "success" else "Card declined"),
        "created_at": stamp(moment),
        "test": False,
        "authorization": f"ch_{transaction_id:x}" if card else None,
        "location_id": None,
        "user_id": None,
        "parent_id": parent["id"] if parent else None,
        "processed_at": stamp(moment),
        "device_id": None,
        "error_code": "card_declined" if status == "failure" else None,
        "source_name": "web",
        "receipt": extra.pop("receipt", {}),
        "currency_exchange_adjustment": None,
        "amount": fmt(amount),
        "currency": draft.currency,
        "payment_id": f"c{draft.checkout_id}.{len(draft.transactions) + 1}",
        "total_unsettled_set": {
            "presentment_money": {"amount": "0.0", "currency": draft.currency},
            "shop_money": {"amount": "0.0", "currency": "USD"},
        },
        "manual_payment_gateway": gateway == MANUAL,
        "amount_rounding": None,
        "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{transaction_id}",
    }
    if kind == "authorization":
        data["authorization_expires_at"] = stamp(moment + timedelta(days=7))
        data["extended_authorization_attributes"] = {}
    if card and kind in ("authorization", "sale"):
        data["payment_details"] = {
            "credit_card_bin": "424242",
            "avs_result_code": "Y",
            "cvv_result_code": "M",
            "credit_card_number": "•••• •••• •••• 4242",
            "credit_card_company": "Visa",
            "buyer_action_info": None,
            "credit_card_name": f"{draft.person.first_name} {draft.person.last_name}",
            "credit_card_wallet": None,
            "credit_card_expiration_month": 11,
            "credit_card_expiration_year": 2029,
            "payment_method_name": "visa",
        }
    data.update(extra)
    data["_moment"] = moment  # kept for the payouts; never served
    draft.transactions.append(data)
    return data


def pay(rng, ids, draft, method):
    """Create the order's payment transactions; return the financial status they give."""
    total = draft.total
    moment = draft.created + timedelta(seconds=5)
    if method == "manual":
        transaction(ids, draft, "sale", MANUAL, total, moment, status="pending", message="Pending payment")
        return "pending"
    if method == "authorized":
        transaction(ids, draft, "authorization", SHOPIFY_PAYMENTS, total, moment)
        return "authorized"
    if method == "card_auth_capture":
        auth = transaction(ids, draft, "authorization", SHOPIFY_PAYMENTS, total, moment)
        transaction(ids, draft, "capture", SHOPIFY_PAYMENTS, total, moment + timedelta(hours=2), parent=auth)
        return "paid"
    if method == "failed_then_card":
        transaction(ids, draft, "sale", SHOPIFY_PAYMENTS, total, moment, status="failure")
        transaction(ids, draft, "sale", SHOPIFY_PAYMENTS, total, moment + timedelta(minutes=3))
        return "paid"
    if method == "paypal":
        transaction(ids, draft, "sale", PAYPAL, total, moment, authorization=f"PAY-{draft.id:X}")
        return "paid"
    if method == "gift_card_split":
        balance = cents(Decimal(rng.choice(("25", "50", "100"))) * draft.rate)
        gift_amount = min(balance, total)
        gift_id = ids.next("gift_card")
        transaction(
            ids,
            draft,
            "sale",
            GIFT_CARD,
            gift_amount,
            moment,
            receipt={"gift_card_id": gift_id, "gift_card_last_characters": f"{gift_id % 10000:04d}"},
        )
        if total - gift_amount > ZERO:
            transaction(ids, draft, "sale", SHOPIFY_PAYMENTS, total - gift_amount, moment + timedelta(seconds=2))
        return "paid"
    transaction(ids, draft, "sale", SHOPIFY_PAYMENTS, total, moment)
    return "paid"


def mark_manual_paid(ids, draft, moment):
    """A pending manual payment is received: the merchant marks the balance still due as paid.

    The pending sale keeps the amount of the checkout; an edit since then (an item removed) lowers
    what the customer pays.
    """
    due = draft.current_total - (draft.captured - draft.refunded)
    if due <= ZERO:
        return
    transaction(ids, draft, "sale", MANUAL, due, moment, message="Marked as paid")
    draft.touch(moment)


def void_authorization(ids, draft, moment):
    auth = next(tx for tx in draft.transactions if tx["kind"] == "authorization" and tx["status"] == "success")
    transaction(ids, draft, "void", auth["gateway"], Decimal(auth["amount"]), moment, parent=auth)


# ----------------------------------------------------------------------
# refunds and cancellations
def refund(ids, draft, moment, lines=(), shipping=False, shortfall=ZERO, note="", location_id=None, money=True):
    """Give back ``lines`` (``[(line, units, restock type)]``), maybe the shipping, maybe money.

    :param Decimal shortfall: refund that much less than the items are worth
        (a refund discrepancy, e.g. a restocking fee)
    :param bool money: False for removals from unpaid orders (nothing to pay back)
    """
    draft_refund = RefundDraft(id=ids.next("refund"), created=moment, note=note)
    for line, units, restock in lines:
        units, subtotal, taxes = line.share(units)
        if units <= 0:
            continue
        line.refunded += units
        if restock == "cancel":
            line.removed += units
        line.refunded_subtotal += subtotal
        previous = line.refunded_taxes or [ZERO] * len(taxes)
        line.refunded_taxes = [old + new for old, new in zip(previous, taxes, strict=True)]
        location = location_id if restock in ("return", "cancel") else None
        draft_refund.lines.append((line, units, restock, subtotal, taxes, location))
    if shipping:
        for item in draft.shipping:
            if not item.refunded and item.subtotal > 0:
                taxes = [amount for _title, _rate, amount in item.taxes]
                draft_refund.shipping.append((item, item.subtotal, taxes))
                item.refunded = True
                tax = sum(taxes, ZERO)
                untaxed = item.subtotal - tax if draft.taxes_included else item.subtotal
                draft_refund.adjustments.append(("shipping_refund", ZERO - untaxed, ZERO - tax, "Shipping refund"))
    if not draft_refund.lines and not draft_refund.shipping:
        return None
    owed = draft_refund.calculated(draft.taxes_included) - shortfall if money else ZERO
    paid_back = _pay_back(ids, draft, draft_refund, owed, moment)
    discrepancy = draft_refund.calculated(draft.taxes_included) - paid_back if money else ZERO
    if discrepancy:
        draft_refund.adjustments.append(("refund_discrepancy", discrepancy, ZERO, "Refund discrepancy"))
    draft.refunds.append(draft_refund)
    draft.touch(moment)
    return draft_refund


def _pay_back(ids, draft, draft_refund, owed, moment):
    """Refund transactions for ``owed``, parented to payments with money left; return the amount sent."""
    if owed <= 0:
        return ZERO
    refunded_by_parent = {}
    for tx in draft.transactions:
        if is_refund(tx) and tx["parent_id"]:
            refunded_by_parent[tx["parent_id"]] = refunded_by_parent.get(tx["parent_id"], ZERO) + Decimal(tx["amount"])
    payments = sorted((tx for tx in draft.transactions if is_payment(tx)), key=lambda tx: tx["gateway"] == GIFT_CARD)
    remaining = owed
    for payment in payments:
        left = Decimal(payment["amount"]) - refunded_by_parent.get(payment["id"], ZERO)
        take = min(left, remaining)
        if take <= 0:
            continue
        made = transaction(ids, draft, "refund", payment["gateway"], take, moment, parent=payment,
                           receipt=dict(payment.get("receipt") or {}), message="Refund issued")  # fmt: skip
        draft_refund.transactions.append(made)
        remaining -= take
        if remaining <= 0:
            break
    return owed - remaining


def cancel(ids, draft, moment, reason="customer", money=True):
    """Cancel the order: every unit not yet given back is removed (restocked), shipping refunded."""
    lines = [(line, line.quantity - line.refunded, "cancel") for line in draft.lines if line.quantity > line.refunded]
    refund(ids, draft, moment, lines, shipping=True, note="Order canceled", money=money)
    draft.cancelled_at = moment
    draft.cancel_reason = reason
    draft.closed_at = moment
    draft.touch(moment)
