"""Square taxes on lines, service charges and returns -> canonical tax lines.

An order declares its taxes once (``taxes``: uid, name, ``type`` ADDITIVE or
INCLUSIVE, ``percentage``, ``scope`` ORDER or LINE_ITEM); each line and
service charge lists the amounts Square applied to it (``applied_taxes``:
``tax_uid``, ``applied_money``). The canonical tax lines carry Square's own
amounts, never a recomputation.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import ZERO, RecordError, TaxLine, money_sum, to_decimal

from .money import money

ADDITIVE = "ADDITIVE"
INCLUSIVE = "INCLUSIVE"


class TaxBook:
    """The taxes an order (or a return) declares, by uid, and what each line carries.

    :param list taxes: the order's ``taxes`` (or a return's ``return_taxes``)
    :param str currency: the order's currency
    """

    def __init__(self, taxes, currency, uid_key="uid"):
        self.currency = currency
        self.by_uid = {}
        for tax in taxes or []:
            if not isinstance(tax, dict) or not tax.get("uid"):
                raise RecordError(f"tax without uid: {tax!r:.120}")
            self.by_uid[str(tax["uid"])] = tax
            if uid_key != "uid" and tax.get(uid_key):
                self.by_uid[str(tax[uid_key])] = tax

    def kinds(self):
        """The tax types used (ADDITIVE, INCLUSIVE), ignoring taxes that applied nothing."""
        used = set()
        for tax in self.by_uid.values():
            if tax.get("applied_money") is None or money(tax.get("applied_money"), "tax", self.currency):
                used.add(INCLUSIVE if tax.get("type") == INCLUSIVE else ADDITIVE)
        return used

    def tax_line(self, tax, amount):
        try:
            rate = to_decimal(tax.get("percentage"), "tax percentage") / Decimal(100)
        except RecordError:
            raise RecordError(f"tax {tax.get('name')!r}: unreadable percentage {tax.get('percentage')!r:.20}") from None
        return TaxLine(
            title=str(tax.get("name") or "Tax"),
            rate=rate,
            amount=amount,
            code=str(tax.get("catalog_object_id") or ""),
        )

    def applied(self, item, what):
        """``(tax lines, inclusive tax amount)`` of a line, service charge or returned line."""
        lines, inclusive = [], ZERO
        for applied in item.get("applied_taxes") or []:
            uid = str(applied.get("tax_uid") or "")
            tax = self.by_uid.get(uid)
            if tax is None:
                raise RecordError(f"{what}: applies an undeclared tax {uid[:40]!r}")
            amount = money(applied.get("applied_money"), f"{what} tax", self.currency)
            lines.append(self.tax_line(tax, amount))
            if tax.get("type") == INCLUSIVE:
                inclusive += amount
        return lines, inclusive

    def order_lines(self, parts):
        """One tax line per declared tax: its ``applied_money``, or the sum of what ``parts`` carry."""
        totals = {}
        for item in parts:
            for applied in item.get("applied_taxes") or []:
                uid = str(applied.get("tax_uid") or "")
                totals[uid] = totals.get(uid, ZERO) + money(applied.get("applied_money"), "tax", self.currency)
        result, seen = [], set()
        for uid, tax in self.by_uid.items():
            if id(tax) in seen:
                continue
            seen.add(id(tax))
            if tax.get("applied_money") is not None:
                amount = money(tax.get("applied_money"), "tax", self.currency)
            else:
                amount = totals.get(uid, ZERO)
            result.append(self.tax_line(tax, amount))
        return result


def tax_total(lines):
    return money_sum(line.amount for line in lines)
