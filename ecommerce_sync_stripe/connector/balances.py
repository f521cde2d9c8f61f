"""Stripe's balance right after a balance transaction: the balance now, less what moved it since.

Stripe writes no running balance on its balance transactions, and its balance
(``GET /v1/balance``, available plus pending) is the sum of their nets. So the
balance right after a transaction (a payout's, when the payout leaves) is the
balance now less the nets of every transaction listed after it: the list is
walked forward from that transaction (``ending_before``), the balance read,
and the list read once more from the newest transaction seen, so that one
created between the two reads is counted; while one was, the balance is read
again (three times at most, then no figure is given).

One :class:`BalanceHistory` per connector (a run): the transactions read
after the oldest payout asked for serve every later payout of the run.
"""

from odoo.addons.ecommerce_sync.connector import RecordError

from . import money

PATH = "balance_transactions"
#: reads of the balance before giving up when new transactions keep coming
ATTEMPTS = 3


class BalanceHistory:
    """The balance of a Stripe account after each of its balance transactions, read once per run."""

    def __init__(self, client):
        self.client = client
        #: the transaction the later ones were read from, and those (oldest first): (id, currency, net)
        self._start = None
        self._later = []
        self._position = {}
        #: {currency: minor units} of the balance as it was read
        self._now = {}

    def after(self, txn_id):
        """``{currency code: minor units}`` of the balance right after ``txn_id``, or None when unsure.

        :param str txn_id: a balance transaction id (checked by the caller)
        """
        if txn_id != self._start and txn_id not in self._position and not self._read(txn_id):
            return None
        start = 0 if txn_id == self._start else self._position[txn_id] + 1
        balance = dict(self._now)
        for _id, currency, net in self._later[start:]:
            balance[currency] = balance.get(currency, 0) - net
        return balance

    def _read(self, txn_id):
        later = self._newer(txn_id)
        for _attempt in range(ATTEMPTS):
            now = self._balance()
            more = self._newer(later[-1][0] if later else txn_id)
            if not more:
                self._start, self._later, self._now = txn_id, later, now
                self._position = {entry[0]: index for index, entry in enumerate(later)}
                return True
            later += more
        return False

    def _newer(self, anchor):
        """``[(id, currency, net)]`` of the transactions listed after ``anchor``, oldest first."""
        found = []
        while True:
            page = self.client.list_page(PATH, ending_before=anchor)
            objects = [obj for obj in reversed(page.data) if isinstance(obj, dict) and obj.get("id")]
            for obj in objects:
                currency = money.currency_code(obj.get("currency"), f"balance transaction {obj['id']} currency")
                found.append((str(obj["id"]), currency, self._minor(obj.get("net"), obj["id"])))
            if not objects or not page.has_more:
                return found
            anchor = found[-1][0]

    def _balance(self):
        body = self.client.get_object("balance")
        totals = {}
        for entry in (body.get("available") or []) + (body.get("pending") or []):
            if isinstance(entry, dict):
                currency = money.currency_code(entry.get("currency"), "balance currency")
                totals[currency] = totals.get(currency, 0) + self._minor(entry.get("amount"), "balance")
        return totals

    @staticmethod
    def _minor(value, what):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(f"{what}: expected an integer amount in minor units, got {value!r}")
        return value
