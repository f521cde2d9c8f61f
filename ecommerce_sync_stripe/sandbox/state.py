"""A Stripe account's mutable state and the operations that change it.

Every operation does what Stripe does to the account's objects and balance:

* :meth:`StripeAccount.charge` makes a payment intent and its charge, and
  for a successful charge its balance transaction: the gross converted to
  the settlement currency at the day's rate (``exchange_rate`` when the
  customer paid in another currency) and Stripe's fee on it (2.9 % + 0.30,
  plus 1.5 % for a card of another country and 1 % for a conversion),
  available two days later;
* :meth:`StripeAccount.refund` gives money back (a negative balance
  transaction, no fee), :meth:`StripeAccount.dispute` withdraws the
  disputed amount and the 15.00 dispute fee, :meth:`StripeAccount.close_dispute`
  reinstates both when the dispute is won;
* :meth:`StripeAccount.pay_out` sends what became available (an automatic
  payout and its own balance transaction), :meth:`StripeAccount.advance`
  moves payouts to in transit and paid, :meth:`StripeAccount.fail_payout`
  returns a payout's money to the balance;
* each change is recorded as an event (``/v1/events``) and, when a webhook
  sender is set, delivered signed.

Amounts are integers in minor units, times Unix timestamps, as in Stripe's API.
"""

import copy
import itertools
import threading
import time
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from ..connector.money import exponent
from . import serializers as shapes

API_VERSION = "2026-10-28.endive"
DAY = 86400
FEE_RATE = Decimal("0.029")
FEE_FIXED = 30
INTERNATIONAL_RATE = Decimal("0.015")
CONVERSION_RATE = Decimal("0.01")
DISPUTE_FEE = 1500
AVAILABLE_AFTER_DAYS = 2
#: settlement (USD) per unit of each presentment currency
RATES = {"usd": Decimal(1), "eur": Decimal("1.0842"), "gbp": Decimal("1.2675"), "jpy": Decimal("0.006712")}
#: the resources listed under /v1, and the key of their ids in :attr:`StripeAccount.lists`
LISTS = (
    "balance_transactions",
    "charges",
    "refunds",
    "disputes",
    "payouts",
    "payment_intents",
    "checkout_sessions",
    "events",
)


def stamp(moment):
    """A datetime, ISO string or Unix time as a Unix timestamp (int)."""
    if isinstance(moment, int | float):
        return int(moment)
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def minor(value, currency):
    """A Decimal amount of ``currency`` in minor units."""
    return int((Decimal(str(value)) * 10 ** exponent(currency)).to_integral_value(ROUND_HALF_UP))


def round_half_up(value):
    return int(value.to_integral_value(ROUND_HALF_UP))


def day_start(moment):
    return moment - moment % DAY


class UnknownObject(KeyError):
    """No object with that id."""


class StripeAccount:
    """One Stripe account: its objects, balance and events.

    :param str currency: the settlement currency (lower case, as Stripe writes it)
    :param webhooks: a :class:`~.webhooks.WebhookSender`, or None
    """

    def __init__(self, account_id="acct_1SandboxSupply0001", currency="usd", country="US", livemode=False, seed=1):
        self.account_id = account_id
        self.currency = currency
        self.country = country
        self.livemode = livemode
        self.info = shapes.account(account_id, shapes.ACCOUNT_NAME, country, currency, "finance@shop.example.com")
        self.objects = {}
        self.lists = {name: [] for name in LISTS}
        #: checkout session id -> line items; payout id -> balance transaction ids it settles
        self.line_items = {}
        self.payout_lines = {}
        self.paid_out = set()
        self.malformed = set()
        self.now = 0
        self.clock = time.time
        #: (prices per sku and currency, tax rate per currency) of the generated catalogue
        self.catalogue = None
        self.webhooks = None
        self.lock = threading.RLock()
        self._seq = itertools.count(1)
        self._order = {}
        self._tag = f"{seed % 100:02d}Sbx"

    # ------------------------------------------------------------------
    # ids, storage, events
    def new_id(self, prefix):
        number = next(self._seq)
        digits = "".join(chr(48 + (number // 10**i) % 10) for i in range(13, -1, -1))
        return f"{prefix}_1{self._tag}{digits}"

    def add(self, resource, obj):
        self.objects[obj["id"]] = obj
        self._order[obj["id"]] = next(self._seq)
        if resource:
            self.lists[resource].append(obj["id"])
        return obj

    def get(self, object_id):
        try:
            return self.objects[object_id]
        except KeyError:
            raise UnknownObject(object_id) from None

    def position(self, object_id):
        """Sort key of an object in lists: newest first is descending (created, order of creation)."""
        obj = self.objects[object_id]
        return int(obj.get("created") or 0), self._order.get(object_id, 0)

    def record_event(self, kind, obj, at, previous=None):
        event = shapes.event(
            self.new_id("evt"), kind, copy.deepcopy(obj), at, API_VERSION, self.livemode, previous=previous
        )
        self.add("events", event)
        if self.webhooks is not None:
            self.webhooks.send(event)
        return event

    def tick(self, at):
        """``at`` as a Unix time; the account's clock moves on to it when it is later."""
        moment = stamp(at)
        self.now = max(self.now, moment)
        return moment

    @property
    def current_time(self):
        """The account's time: the wall clock, or its latest operation when that is later."""
        return max(self.now, int(self.clock()))

    # ------------------------------------------------------------------
    # balance
    def settle(self, amount, currency):
        """``(settlement amount, exchange rate or None)`` of ``amount`` minor units of ``currency``."""
        if currency == self.currency:
            return amount, None
        rate = RATES[currency]
        value = Decimal(amount) / 10 ** exponent(currency) * rate * 10 ** exponent(self.currency)
        return round_half_up(value), float(rate)

    def _transaction(self, amount, fee, created, kind, category, source, description, details=(), rate=None):
        available = day_start(created) + AVAILABLE_AFTER_DAYS * DAY if amount > 0 else created
        txn = shapes.balance_transaction(
            self.new_id("txn"),
            amount,
            fee,
            self.currency,
            created,
            available,
            kind,
            category,
            source,
            description,
            [shapes.fee_detail(value, self.currency, text, kind=word) for value, text, word in details],
            rate,
        )
        return self.add("balance_transactions", txn)

    def transaction_status(self, txn):
        return "available" if txn["available_on"] <= self.current_time else "pending"

    def balance(self):
        available, pending = {self.currency: 0}, {self.currency: 0}
        for txn_id in self.lists["balance_transactions"]:
            txn = self.objects[txn_id]
            target = available if self.transaction_status(txn) == "available" else pending
            target[txn["currency"]] = target.get(txn["currency"], 0) + txn["net"]
        return shapes.balance(available, pending, self.livemode)

    # ------------------------------------------------------------------
    # payments
    def charge(
        self,
        amount,
        currency,
        at,
        billing,
        description=None,
        metadata=None,
        card=("visa", "4242", "US"),
        fail=None,
        intent_id=None,
        charge_id=None,
    ):
        """A payment of ``amount`` (minor units): its payment intent, charge and balance transaction.

        :param dict billing: ``name``, ``email``, ``phone``, ``address``
        :param fail: ``(failure code, message)`` for a declined card
        :param str intent_id: / ``charge_id``: ids to use (the ids another store already knows)
        :return: the charge
        """
        with self.lock:
            created = self.tick(at)
            intent = shapes.payment_intent(
                intent_id or self.new_id("pi"),
                amount,
                currency,
                created,
                billing.get("customer"),
                description,
                metadata or {},
                self.livemode,
            )
            self.add("payment_intents", intent)
            charge = shapes.charge(
                charge_id or self.new_id("ch"),
                intent["id"],
                amount,
                currency,
                created,
                billing,
                card,
                description,
                metadata or {},
                self.livemode,
            )
            intent["latest_charge"] = charge["id"]
            if fail:
                code, message = fail
                charge.update(
                    status="failed", paid=False, captured=False, amount_captured=0, failure_code=code,
                    failure_message=message,
                )  # fmt: skip
                charge["outcome"].update(type="issuer_declined", network_status="declined_by_network")
                intent.update(
                    status="requires_payment_method",
                    last_payment_error={"type": "card_error", "code": "card_declined", "decline_code": code,
                                        "message": message, "charge": charge["id"]},
                )  # fmt: skip
                self.add("charges", charge)
                self.record_event("charge.failed", charge, created)
                self.record_event("payment_intent.payment_failed", intent, created)
                return charge
            settled, rate = self.settle(amount, currency)
            percent = FEE_RATE + (INTERNATIONAL_RATE if card[2] != self.country else 0)
            percent += CONVERSION_RATE if rate is not None else 0
            fee = round_half_up(settled * percent) + FEE_FIXED
            txn = self._transaction(
                settled,
                fee,
                created,
                "charge",
                "charge",
                charge["id"],
                description,
                [(fee, "Stripe processing fees", "stripe_fee")],
                rate,
            )
            charge["balance_transaction"] = txn["id"]
            intent.update(status="succeeded", amount_received=amount, payment_method=charge["payment_method"])
            self.add("charges", charge)
            self.record_event("charge.succeeded", charge, created)
            self.record_event("payment_intent.succeeded", intent, created)
            return charge

    def refund(self, charge_id, amount=None, at=None, reason="requested_by_customer", metadata=None):
        """Give back ``amount`` (all that is left when None) of a charge."""
        with self.lock:
            charge = self.get(charge_id)
            created = self.tick(at if at is not None else self.current_time)
            left = charge["amount_captured"] - charge["amount_refunded"]
            amount = left if amount is None else amount
            if amount <= 0 or amount > left:
                raise ValueError(f"charge {charge_id} has {left} left to refund, not {amount}")
            refund = shapes.refund(
                self.new_id("re"),
                charge_id,
                charge["payment_intent"],
                amount,
                charge["currency"],
                created,
                reason,
                metadata or {},
            )
            settled, rate = self.settle(amount, charge["currency"])
            txn = self._transaction(
                -settled, 0, created, "refund", "refund", refund["id"], "REFUND FOR CHARGE", (), rate
            )
            refund["balance_transaction"] = txn["id"]
            self.add("refunds", refund)
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
            self.record_event("charge.refunded", charge, created)
            self.record_event("refund.created", refund, created)
            return refund

    def dispute(self, charge_id, at, reason="fraudulent"):
        """The customer disputes a charge: the amount and the dispute fee leave the balance."""
        with self.lock:
            charge = self.get(charge_id)
            created = self.tick(at)
            dispute = shapes.dispute(
                self.new_id("dp"),
                charge_id,
                charge["payment_intent"],
                charge["amount"],
                charge["currency"],
                created,
                reason,
                day_start(created) + 10 * DAY,
                self.livemode,
            )
            settled, rate = self.settle(charge["amount"], charge["currency"])
            txn = self._transaction(
                -settled,
                DISPUTE_FEE,
                created,
                "adjustment",
                "dispute",
                dispute["id"],
                f"Chargeback withdrawal for {charge_id}",
                [(DISPUTE_FEE, "Dispute fee", "stripe_fee")],
                rate,
            )
            dispute["balance_transactions"].append(txn)
            self.add("disputes", dispute)
            charge["disputed"] = True
            self.record_event("charge.dispute.created", dispute, created)
            self.record_event("charge.dispute.funds_withdrawn", dispute, created)
            return dispute

    def close_dispute(self, dispute_id, won, at):
        """A dispute decided: won, the amount and the fee come back; lost, they stay withdrawn."""
        with self.lock:
            dispute = self.get(dispute_id)
            created = self.tick(at)
            previous = {"status": dispute["status"]}
            if won:
                withdrawal = dispute["balance_transactions"][0]
                txn = self._transaction(
                    -withdrawal["amount"],
                    -DISPUTE_FEE,
                    created,
                    "adjustment",
                    "dispute_reversal",
                    dispute_id,
                    f"Chargeback reversal for {dispute['charge']}",
                    [(-DISPUTE_FEE, "Dispute fee refund", "stripe_fee")],
                    withdrawal["exchange_rate"],
                )
                dispute["balance_transactions"].append(txn)
                dispute["status"] = "won"
                self.record_event("charge.dispute.funds_reinstated", dispute, created)
            else:
                dispute["status"] = "lost"
            self.record_event("charge.dispute.closed", dispute, created, previous)
            return dispute

    def stripe_fee(self, amount, at, description):
        """A fee Stripe takes from the balance outside any payment (e.g. its Tax or Radar fees)."""
        with self.lock:
            created = self.tick(at)
            return self._transaction(-amount, 0, created, "stripe_fee", "fee", None, description)

    # ------------------------------------------------------------------
    # payouts
    def pay_out(self, at):
        """An automatic payout of everything available and not paid out yet; None when nothing is."""
        with self.lock:
            created = self.tick(at)
            settled = [
                txn_id
                for txn_id in self.lists["balance_transactions"]
                if txn_id not in self.paid_out
                and self.objects[txn_id]["available_on"] <= created
                and self.objects[txn_id]["type"] != "payout"
            ]
            amount = sum(self.objects[txn_id]["net"] for txn_id in settled)
            if amount <= 0:
                return None
            payout = shapes.payout(
                self.new_id("po"), amount, self.currency, created, day_start(created) + 2 * DAY, self.livemode
            )
            txn = self._transaction(-amount, 0, created, "payout", "payout", payout["id"], "STRIPE PAYOUT")
            payout["balance_transaction"] = txn["id"]
            self.add("payouts", payout)
            self.paid_out.update(settled)
            self.paid_out.add(txn["id"])
            self.payout_lines[payout["id"]] = [*settled, txn["id"]]
            self.record_event("payout.created", payout, created)
            return payout

    def advance(self, at):
        """Payouts move on: pending ones are sent (in transit), those due arrive (paid)."""
        with self.lock:
            moment = self.tick(at)
            for payout_id in self.lists["payouts"]:
                payout = self.objects[payout_id]
                if payout["status"] == "pending" and payout["created"] < moment:
                    payout["status"] = "in_transit"
                    self.record_event("payout.updated", payout, moment, {"status": "pending"})
                if payout["status"] == "in_transit" and payout["arrival_date"] <= moment:
                    payout["status"] = "paid"
                    payout["reconciliation_status"] = "completed"
                    self.record_event("payout.paid", payout, moment, {"status": "in_transit"})
                    self.record_event("payout.reconciliation_completed", payout, moment)

    def fail_payout(self, payout_id, at, code="account_closed", message="The bank account has been closed."):
        """The bank returned a payout: its amount is back in the balance, to go out with a later payout."""
        with self.lock:
            payout = self.get(payout_id)
            created = self.tick(at)
            txn = self._transaction(
                payout["amount"], 0, created, "payout_failure", "payout_reversal", payout_id, "STRIPE PAYOUT FAILURE"
            )
            txn["available_on"] = created
            previous = {"status": payout["status"]}
            payout.update(status="failed", failure_code=code, failure_message=message)
            payout["failure_balance_transaction"] = txn["id"]
            self.record_event("payout.failed", payout, created, previous)
            return payout

    # ------------------------------------------------------------------
    # checkout
    def checkout(self, session, items, charge_args):
        """Store a completed Checkout Session and its line items, paid by :meth:`charge`.

        :param dict session: the session's shape (its payment intent is set here)
        :param list items: its line items' shapes
        :param dict charge_args: arguments of :meth:`charge`
        """
        with self.lock:
            charge = self.charge(**charge_args)
            session["payment_intent"] = charge["payment_intent"]
            self.add("checkout_sessions", session)
            self.line_items[session["id"]] = items
            self.record_event("checkout.session.completed", session, session["created"])
            return session, charge
