"""A PayPal business account's mutable state and the operations that change it.

Every operation does to the account what PayPal does, and writes the
Transaction Search rows it causes, each with the balance after it
(``ending_balance``; ``available_balance`` without pending money):

* :meth:`PayPalAccount.pay` takes a buyer's payment (an Orders v2 order, its
  capture and a T0006 row) less PayPal's fee (3.49 % + a fixed fee per
  currency, the shape of PayPal's published rates); a pending payment (an
  eCheck) is cleared later by :meth:`~PayPalAccount.clear`; a denied one
  moves nothing;
* :meth:`~PayPalAccount.convert` moves money between currencies (a T0200
  pair); :meth:`~PayPalAccount.refund` gives money back (T1107) with the
  percentage part of the fee (PayPal keeps the fixed part);
* :meth:`~PayPalAccount.chargeback` withdraws a disputed payment (T1201)
  and the chargeback fee (T0106), a won one comes back (T1202);
* :meth:`~PayPalAccount.hold` and :meth:`~PayPalAccount.release` move money
  out of the available balance and back (T1503, T1105);
* :meth:`~PayPalAccount.withdraw` sends money to the bank (T0400).

Times are aware datetimes, amounts Decimals.
"""

import copy
import hashlib
import threading
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from . import serializers as shapes

FEE_RATE = Decimal("0.0349")
FIXED_FEES = {"USD": Decimal("0.49"), "EUR": Decimal("0.39"), "GBP": Decimal("0.29")}
CHARGEBACK_FEE = Decimal("20.00")
#: units of the primary currency (USD) per unit of each other currency
RATES = {"EUR": Decimal("1.0842"), "GBP": Decimal("1.2675")}
ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXY"


def cents(value):
    return Decimal(value).quantize(shapes.CENT, rounding=ROUND_HALF_UP)


class UnknownObject(KeyError):
    pass


class PayPalAccount:
    """One merchant account: its transactions and the v2 objects behind them."""

    def __init__(self, seed=1, currency="USD", account_id="SBX7MERCHANT42", clock=None):
        self.seed = seed
        self.currency = currency
        self.account_id = account_id
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.rows = []
        self.by_id = {}
        self.captures, self.orders, self.refunds, self.disputes = {}, {}, {}, {}
        self.balance, self.pending, self.withheld = {}, {}, {}
        #: seconds Transaction Search lags behind (rows newer than that are not listed yet)
        self.reporting_delay = 0
        #: transaction ids served with an unreadable amount
        self.malformed = set()
        #: transaction ids Transaction Search never lists (only their effect on the balance shows)
        self.unlisted = set()
        self.webhooks = None
        self.lock = threading.RLock()
        self._count = 0

    # ------------------------------------------------------------------
    def new_id(self, length=17):
        self._count += 1
        digest = hashlib.sha256(f"{self.seed}:{self._count}".encode()).digest()
        return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:length])

    def fee(self, amount, currency):
        return cents(Decimal(amount) * FEE_RATE) + FIXED_FEES.get(currency, Decimal("0.30"))

    def _row(self, code, at, amount, currency, fee=Decimal(0), status="S", reference="", reference_type="", **extra):
        """Record one Transaction Search row (``fee``: what PayPal keeps, positive) and move the balance."""
        txn_id = extra.pop("txn_id", None) or self.new_id()
        payer, items = extra.pop("payer", None), extra.pop("items", ())
        net = Decimal(amount) - fee
        if status in ("S", "P"):
            self.balance[currency] = self.balance.get(currency, Decimal(0)) + net
            if status == "P":
                self.pending[currency] = self.pending.get(currency, Decimal(0)) + net
        ending = self.balance.get(currency, Decimal(0))
        info = shapes.transaction_info(
            txn_id,
            code,
            at,
            amount,
            currency,
            -fee,
            status,
            reference,
            reference_type,
            ending_balance=(ending, currency),
            available_balance=(ending - self.pending.get(currency, Decimal(0)), currency),
            **extra,
        )
        row = shapes.detail(info, payer, items, currency, extra.get("invoice_id", ""))
        self.rows.append(row)
        self.by_id[txn_id] = row
        return row

    def _event(self, kind, resource, at, resource_type):
        if self.webhooks is not None:
            self.webhooks.send(kind, copy.deepcopy(resource), at, resource_type)

    # ------------------------------------------------------------------
    def pay(self, at, items, currency="USD", payer=None, shipping=Decimal(0), invoice_id="", custom_id="",
            status="S", cart=True, subject="", txn_id=None):  # fmt: skip
        """A buyer's payment of ``items`` (``[(code, name, quantity, unit price, tax)]``) plus shipping.

        :param bool cart: list the items on the Transaction Search row (False: only on the Orders v2 order)
        :param str status: "S", "P" (pending until :meth:`clear`) or "D" (denied: no money moves)
        :return: the Transaction Search row
        """
        with self.lock:
            items = [(code, name, quantity, Decimal(unit), Decimal(tax)) for code, name, quantity, unit, tax in items]
            total = sum((unit * quantity + tax for _c, _n, quantity, unit, tax in items), Decimal(0)) + shipping
            fee = self.fee(total, currency) if status != "D" else Decimal(0)
            capture_id, order_id = txn_id or self.new_id(), self.new_id()
            tax = sum((item[4] for item in items), Decimal(0))
            extra = {"invoice_id": invoice_id, "custom_field": custom_id, "transaction_subject": subject}
            if shipping:
                extra["shipping_amount"] = (shipping, currency)
            if tax:
                extra["sales_tax_amount"] = (tax, currency)
            row = self._row(
                "T0006", at, total, currency, fee, status, order_id, "ODR", txn_id=capture_id, payer=payer,
                items=items if cart else (), payer_account=(payer or {}).get("account_id"), **extra,
            )  # fmt: skip
            rate = (self.currency, RATES[currency]) if currency != self.currency and currency in RATES else None
            capture_status = {"S": "COMPLETED", "P": "PENDING", "D": "DECLINED"}[status]
            self.captures[capture_id] = shapes.capture(
                capture_id, order_id, total, currency, fee, capture_status, at, invoice_id, custom_id, rate
            )
            self.orders[order_id] = shapes.order(
                order_id, capture_id, items, currency, total, shipping, at, payer, invoice_id, custom_id
            )
            kind = {"S": "PAYMENT.CAPTURE.COMPLETED", "P": "PAYMENT.CAPTURE.PENDING", "D": "PAYMENT.CAPTURE.DENIED"}
            self._event(kind[status], self.captures[capture_id], at, "capture")
            return row

    def clear(self, txn_id, at):
        """A pending payment completes (an eCheck cleared): the same row, status S, updated later."""
        with self.lock:
            row = self.by_id[txn_id]
            info = row["transaction_info"]
            currency = info["transaction_amount"]["currency_code"]
            net = Decimal(info["transaction_amount"]["value"]) + Decimal((info.get("fee_amount") or {}).get("value", 0))
            self.pending[currency] -= net
            info["transaction_status"] = "S"
            info["transaction_updated_date"] = shapes.search_time(at)
            self.captures[txn_id]["status"] = "COMPLETED"
            self.captures[txn_id]["update_time"] = shapes.api_time(at)
            self._event("PAYMENT.CAPTURE.COMPLETED", self.captures[txn_id], at, "capture")
            return row

    def convert(self, payment_id, amount, currency, at):
        """``amount`` of ``currency`` converted to the primary currency: a T0200 pair naming the payment."""
        with self.lock:
            converted = cents(Decimal(amount) * RATES[currency])
            first = self._row("T0200", at, -Decimal(amount), currency, reference=payment_id, reference_type="TXN")
            second = self._row("T0200", at, converted, self.currency, reference=payment_id, reference_type="TXN")
            return first, second

    def refund(self, capture_id, amount, at, note=""):
        """Give ``amount`` back on a capture; the percentage part of its fee comes back in proportion."""
        with self.lock:
            payment = self.by_id[capture_id]["transaction_info"]
            currency = payment["transaction_amount"]["currency_code"]
            gross = Decimal(payment["transaction_amount"]["value"])
            variable = cents(gross * FEE_RATE)
            returned = cents(variable * Decimal(amount) / gross)
            refund_id = self.new_id()
            extra = {"invoice_id": payment.get("invoice_id"), "custom_field": payment.get("custom_field")}
            row = self._row(
                "T1107", at, -Decimal(amount), currency, -returned, "S", capture_id, "TXN", txn_id=refund_id,
                transaction_note=note, payer=None, **extra,
            )  # fmt: skip
            row["payer_info"] = copy.deepcopy(self.by_id[capture_id]["payer_info"])
            self.refunds[refund_id] = shapes.refund(
                refund_id, capture_id, Decimal(amount), currency, returned, at, note
            )
            self.captures[capture_id]["status"] = "PARTIALLY_REFUNDED" if Decimal(amount) < gross else "REFUNDED"
            self._event("PAYMENT.CAPTURE.REFUNDED", self.refunds[refund_id], at, "refund")
            return row

    def chargeback(self, capture_id, at, reason="MERCHANDISE_OR_SERVICE_NOT_RECEIVED"):
        """The buyer's bank takes a payment back (T1201) and PayPal charges its chargeback fee (T0106)."""
        with self.lock:
            payment = self.by_id[capture_id]["transaction_info"]
            currency = payment["transaction_amount"]["currency_code"]
            gross = Decimal(payment["transaction_amount"]["value"])
            row = self._row("T1201", at, -gross, currency, reference=capture_id, reference_type="TXN",
                            transaction_subject="Chargeback")  # fmt: skip
            row["payer_info"] = copy.deepcopy(self.by_id[capture_id]["payer_info"])
            self._row("T0106", at, -CHARGEBACK_FEE, currency, reference=capture_id, reference_type="TXN",
                      transaction_subject="Chargeback fee")  # fmt: skip
            dispute_id = f"PP-D-{10000 + len(self.disputes) + 1}"
            self.disputes[dispute_id] = shapes.dispute(dispute_id, capture_id, gross, currency, at, reason)
            self._event("CUSTOMER.DISPUTE.CREATED", self.disputes[dispute_id], at, "dispute")
            return row, dispute_id

    def resolve(self, dispute_id, won, at):
        """A chargeback decided: won, the payment comes back (T1202); lost, it stays withdrawn."""
        with self.lock:
            dispute = self.disputes[dispute_id]
            capture_id = dispute["disputed_transactions"][0]["seller_transaction_id"]
            gross = Decimal(dispute["dispute_amount"]["value"])
            currency = dispute["dispute_amount"]["currency_code"]
            row = None
            if won:
                row = self._row("T1202", at, gross, currency, reference=capture_id, reference_type="TXN",
                                transaction_subject="Chargeback reversal")  # fmt: skip
                row["payer_info"] = copy.deepcopy(self.by_id[capture_id]["payer_info"])
            dispute.update(
                status="RESOLVED",
                update_time=shapes.api_time(at),
                dispute_outcome={
                    "outcome_code": "RESOLVED_SELLER_FAVOUR" if won else "RESOLVED_BUYER_FAVOUR",
                    "amount_refunded": shapes.money(0 if won else gross, currency),
                },
            )
            self._event("CUSTOMER.DISPUTE.RESOLVED", dispute, at, "dispute")
            return row

    def hold(self, amount, at, currency="USD"):
        """PayPal holds part of the available balance (T1503)."""
        with self.lock:
            self.withheld[currency] = self.withheld.get(currency, Decimal(0)) + Decimal(amount)
            return self._row("T1503", at, -Decimal(amount), currency, transaction_subject="Hold on available balance")

    def release(self, hold_id, at):
        """A hold ends: the money is available again (T1105, naming the hold)."""
        with self.lock:
            held = self.by_id[hold_id]["transaction_info"]["transaction_amount"]
            amount, currency = -Decimal(held["value"]), held["currency_code"]
            self.withheld[currency] -= amount
            return self._row("T1105", at, amount, currency, reference=hold_id, reference_type="TXN",
                             transaction_subject="Reversal of general account hold")  # fmt: skip

    def adjust(self, code, amount, at, currency="USD", subject=""):
        """Any other movement (a fee, an adjustment, a code of PayPal's the connector may not know)."""
        with self.lock:
            return self._row(code, at, Decimal(amount), currency, transaction_subject=subject)

    def withdraw(self, at, amount=None, currency="USD"):
        """Money to the bank (T0400): ``amount``, or all that is available; None when nothing is."""
        with self.lock:
            available = self.balance.get(currency, Decimal(0)) - self.pending.get(currency, Decimal(0))
            amount = available if amount is None else Decimal(amount)
            if amount <= 0:
                return None
            return self._row("T0400", at, -amount, currency, transaction_subject="Withdrawal to bank account")

    # ------------------------------------------------------------------
    def listed(self, start, end, now=None):
        """The rows Transaction Search lists for initiation times in ``[start, end]`` (oldest first)."""
        now = now or self.clock()
        horizon = now - timedelta(seconds=self.reporting_delay)
        found = []
        for row in self.rows:
            info = row["transaction_info"]
            moment = datetime.strptime(info["transaction_initiation_date"], "%Y-%m-%dT%H:%M:%S%z")
            if start <= moment <= end and moment <= horizon and info["transaction_id"] not in self.unlisted:
                found.append(row)
        return found

    def balances(self):
        """``[(currency, primary, total, available, withheld)]`` as the balances API answers."""
        entries = []
        for currency in sorted(set(self.balance) | {self.currency}, key=lambda code: code != self.currency):
            ending = self.balance.get(currency, Decimal(0))
            pending = self.pending.get(currency, Decimal(0))
            withheld = self.withheld.get(currency, Decimal(0))
            entries.append((currency, currency == self.currency, ending + withheld, ending - pending, withheld))
        return entries
