"""PayPal's transaction event codes (T-codes) -> the canonical balance categories.

A T-code is ``T<event group><event type>``: the group is PayPal's accounting
class of the movement (T00 payments, T01 fees, T02 currency conversions,
T04 withdrawals to the bank, T11 reversals and refunds, T12 adjustments and
chargebacks, T15 temporary holds, T21 reserves and releases...), the type
says which one. Codes PayPal documents in a group whose meaning this table
knows get that meaning; a code of a group it does not know is "other" with
its code kept, never dropped (the Odoo side books it to suspense with a
discrepancy).

Holds and releases, and the few groups whose direction is the sign, are
told apart by the sign of the amount.
"""

#: codes with their own meaning
CODES = {
    # T11: reversals
    "T1101": "payout_reversal",  # reversal of an ACH withdrawal: the bank sent the money back
    "T1104": "adjustment",  # reversal of an ACH deposit
    "T1105": "release",  # reversal of a general account hold
    "T1106": "dispute",  # payment reversal initiated by PayPal (completion of a chargeback or claim)
    "T1107": "refund",  # payment refund initiated by the merchant
    "T1108": "fee",  # fee reversal
    "T1109": "fee",  # fee refund
    "T1110": "hold",  # hold for dispute investigation
    "T1111": "release",  # cancellation of a hold for dispute resolution
    "T1113": "refund",  # non-reference credit card refund
    "T1114": "adjustment",  # MassPay reversal
    "T1115": "adjustment",  # MassPay refund
    "T1116": "adjustment",  # instant payment review reversal
    "T1117": "refund",  # generic instrument / open wallet reversal (buyer side)
    "T1118": "refund",  # generic instrument / open wallet reversal (seller side)
    # T12: adjustments and chargebacks
    "T1200": "adjustment",  # general account adjustment
    "T1201": "dispute",  # chargeback
    "T1202": "dispute_reversal",  # chargeback reversal
    "T1203": "adjustment",  # charge-off adjustment
    "T1204": "adjustment",  # incentive adjustment
    "T1205": "dispute_reversal",  # reimbursement of a chargeback
    "T1207": "dispute",  # chargeback re-presentment rejection
    "T1208": "dispute_reversal",  # chargeback cancellation
    # T21: reserves and releases
    "T2101": "hold",  # general hold
    "T2102": "release",  # general hold release
    "T2103": "hold",  # reserve hold
    "T2104": "release",  # reserve release
    "T2105": "hold",  # payment review hold
    "T2106": "release",  # payment review release
    "T2107": "hold",  # payment hold
    "T2108": "release",  # payment hold release
    "T2111": "hold",  # funds not yet available
    "T2112": "release",  # funds available
}
#: the meaning of a whole group: (category when the amount is negative, when positive)
GROUPS = {
    "T00": ("other", "charge"),  # payments; a payment the merchant sent is not a sale
    "T01": ("fee", "fee"),  # non-payment fees
    "T02": ("conversion", "conversion"),  # currency conversions (pairs)
    "T03": ("adjustment", "adjustment"),  # bank deposits into the account
    "T04": ("payout", "payout_reversal"),  # withdrawals to the bank
    "T07": ("adjustment", "adjustment"),  # card deposits into the account
    "T15": ("hold", "release"),  # temporary holds and their releases
    "T19": ("adjustment", "adjustment"),  # account corrections
    "T20": ("adjustment", "adjustment"),  # transfers between PayPal accounts
    "T21": ("hold", "release"),
    "T22": ("adjustment", "adjustment"),  # transfers with restricted balances
}
#: codes that are chargebacks (a Dispute record comes with their movement)
CHARGEBACKS = frozenset(("T1106", "T1201", "T1202", "T1205", "T1207", "T1208"))
#: categories that carry a customer's payment (a PaymentMatch says whose order)
PAYMENT_CATEGORIES = frozenset(("charge", "refund", "dispute", "dispute_reversal"))


def is_code(code):
    text = str(code or "")
    return len(text) == 5 and text[0] == "T" and text[1:].isdigit()


def category(code, gross):
    """The canonical category of a movement with T-code ``code`` and signed ``gross``."""
    if not is_code(code):
        return "other"
    if code in CODES:
        return CODES[code]
    negative, positive = GROUPS.get(code[:3], ("other", "other"))
    return negative if gross < 0 else positive


def is_payment(code):
    """A customer's payment to the merchant (T00nn)."""
    return is_code(code) and code.startswith("T00")


def is_withdrawal(code, gross):
    """Money leaving for the bank (T04nn, negative)."""
    return is_code(code) and code.startswith("T04") and gross < 0
