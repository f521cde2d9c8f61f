import itertools
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timezone

from markupsafe import escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..connector.records import ZERO, TaxLine
from ..ledger.amounts import quantize
from ..ledger.issues import Issue, merge_issues

_logger = logging.getLogger(__name__)

#: what imports do without: field tracking, followers, creation messages (each imported document
#: gets one note naming the store and the store's order instead, see ``_note_imported``)
IMPORT_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    # the customer is not subscribed when Odoo confirms or posts (see mail_thread.py)
    "ecommerce_import_no_followers": True,
    # the entries posted together are numbered together, their customers ranked once (account_move.py)
    "ecommerce_import_posting": True,
    # imports running side by side take other quants than the ones just changed by one another (stock_quant.py)
    "ecommerce_import_quants": True,
}


#: lookups memoized for the batch under way: ``{batch token: {key: value}}`` (see ``batch_memo``)
_BATCH_MEMOS = {}
_BATCH_TOKENS = itertools.count(1)


@contextmanager
def batch_memo(env):
    """An environment whose builders look each store value up once for the batch (``_memoized``).

    The memo lives as long as the batch: a batch rolled back (and split) starts afresh, so no
    record made in a rolled-back savepoint is ever handed out again.
    """
    token = next(_BATCH_TOKENS)
    _BATCH_MEMOS[token] = {}
    try:
        yield env(context=dict(env.context, ecommerce_batch_memo=token))
    finally:
        _BATCH_MEMOS.pop(token, None)


def batch_memo_of(env):
    """The memo of the batch ``env`` works in (a dict), or None outside a batch."""
    return _BATCH_MEMOS.get(env.context.get("ecommerce_batch_memo"))


class EcommerceBuilderMixin(models.AbstractModel):
    """What every builder shares.

    * store values read the Odoo way: timestamps (:meth:`_to_naive`, :meth:`_store_date`),
      currencies, pricelists, the Odoo taxes of store tax lines;
    * lines written to the store's amounts: :meth:`_fit_plan_lines` writes each
      ``ledger.plans.LinePlan`` the first way Odoo computes to the cent, through the
      ``_plan_lines`` and ``_write_plan_lines`` of the builder that owns the document;
    * entries of the store's clearing journal (:meth:`_post_clearing_entry`) and the clearing
      lines of payments (:meth:`_outstanding_line`);
    * what an import found, flagged as discrepancies (:meth:`_flag_issues`).
    """

    _name = "ecommerce.builder.mixin"
    _description = "Store Builder Helpers"

    # ------------------------------------------------------------------
    # store values
    @api.model
    def _memoized(self, key, compute):
        """``compute()``, once per batch and ``key`` (every time outside a batch)."""
        memo = batch_memo_of(self.env)
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        value = memo[key]
        return value.with_env(self.env) if isinstance(value, models.BaseModel) else value

    @api.model
    def _to_naive(self, moment):
        """A store timestamp (aware) as Odoo stores datetimes: naive UTC (None stays None)."""
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment

    @api.model
    def _store_date(self, moment):
        """The accounting date of a store timestamp, in the user's time zone (today when there is none)."""
        if moment is None:
            return fields.Date.context_today(self)
        return fields.Date.context_today(self, self._to_naive(moment))

    @api.model
    def _currency(self, code):
        """The active Odoo currency of a store currency code.

        :raise UserError: when the currency is unknown or inactive
        """
        currency = self._memoized(
            ("currency", code),
            lambda: self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1),
        )
        if not currency:
            raise UserError(_("Unknown currency %(currency)s.", currency=code))
        if not currency.active:
            raise UserError(
                _(
                    "The currency %(currency)s is not active in Odoo: activate it (and its rates) and retry.",
                    currency=code,
                )
            )
        return currency

    @api.model
    def _pricelist(self, store, currency):
        """A pricelist in ``currency`` (a sale order's currency comes from its pricelist), made when missing."""
        Pricelist = self.env["product.pricelist"]
        domain = [("currency_id", "=", currency.id), ("company_id", "in", (False, store.company_id.id))]
        return self._memoized(
            ("pricelist", store.id, currency.id),
            lambda: (
                Pricelist.search(domain, limit=1)
                or Pricelist.create(
                    {
                        "name": f"{store.name} {currency.name}",
                        "currency_id": currency.id,
                        "company_id": store.company_id.id,
                    }
                )
            ),
        )

    @api.model
    def _line_taxes(self, store, tax_lines, tax_included, base, issues):
        """The Odoo taxes of a line from its store tax lines (zero-rate, zero-amount lines add nothing).

        A store tax that matches no Odoo tax gets one, made and mapped by
        ``ecommerce.tax.mapping._resolve``, and an ``unmapped_tax`` issue.

        :param Decimal base: the line amount, to read a rate the store did not give
        :param list issues: collects ``ledger.issues.Issue``
        :rtype: account.tax
        """
        Mapping = self.env["ecommerce.tax.mapping"]
        taxes = self.env["account.tax"]
        for tax_line in tax_lines:
            if not tax_line.rate and not tax_line.amount:
                if not self._memoized(
                    ("tax mapping", store.id, tax_line.key), lambda key=tax_line.key: Mapping._lookup(store, key)
                ):
                    continue
            if not tax_line.rate and tax_line.amount and base:
                untaxed = base - tax_line.amount if tax_included else base
                tax_line = TaxLine(
                    title=tax_line.title,
                    rate=quantize(tax_line.amount / untaxed, 4) if untaxed else ZERO,
                    amount=tax_line.amount,
                    code=tax_line.code,
                    compound=tax_line.compound,
                )
            key = ("tax", store.id, tax_line.key, tax_line.percent, tax_included)
            created = False

            def resolve(tax_line=tax_line):
                nonlocal created
                tax, created = Mapping._resolve(store, tax_line, tax_included)
                return tax

            tax = self._memoized(key, resolve)
            if created:
                issues.append(
                    Issue(
                        "unmapped_tax",
                        _(
                            "The store tax %(key)s (%(rate)s%%) matched no Odoo tax: the tax %(tax)s was created "
                            "from the company's sales tax and mapped to it. Check its accounts and tax report "
                            "lines, or map the store tax to another tax.",
                            key=tax_line.key,
                            rate=format(tax_line.percent, "f"),
                            tax=tax.name,
                        ),
                        external_id=tax_line.key,
                        record=tax,
                    )
                )
            taxes |= tax
        return taxes

    @api.model
    def _beyond_rounding(self, currency, delta):
        """Whether an amount is larger than the currency's rounding unit."""
        return float_compare(abs(delta), currency.rounding, precision_rounding=currency.rounding / 10) > 0

    # ------------------------------------------------------------------
    # lines at the store's amounts
    @api.model
    def _plan_parts(self, plan, index):
        """The ``index``-th way to write a line plan in Odoo (see ``ledger.amounts.line_candidates``), or None.

        :rtype: list[LinePart] or None
        """
        Precision = self.env["decimal.precision"]
        candidates = plan.candidates(
            price_digits=Precision.precision_get("Product Price"),
            discount_digits=Precision.precision_get("Discount"),
        )
        return candidates[index] if index < len(candidates) else None

    @api.model
    def _lines_amount(self, lines, tax_included):
        """What sale order or journal item lines are worth, tax included or not."""
        return sum(lines.mapped("price_total" if tax_included else "price_subtotal"))

    @api.model
    def _worth_plan(self, lines, plan, currency):
        """Whether ``lines`` are worth what ``plan`` says, to the currency's rounding."""
        return currency.is_zero(self._lines_amount(lines, plan.tax_included) - float(plan.amount))

    @api.model
    def _fit_plan_lines(self, document, plans):
        """Check each plan's lines against the store's amount; try the next way of writing it when Odoo differs.

        The builder of ``document`` (a sale order, a credit note) finds a plan's lines
        (``_plan_lines(document, plan)``) and rewrites them
        (``_write_plan_lines(document, plan, lines, parts)``).
        """
        for plan in plans:
            index = 0
            while True:
                lines = self._plan_lines(document, plan)
                if self._worth_plan(lines, plan, document.currency_id):
                    break
                index += 1
                parts = self._plan_parts(plan, index)
                if parts is None:
                    _logger.info("Line %s of %s: no exact way to write %s", plan.key, document.display_name, plan)
                    break
                self._write_plan_lines(document, plan, lines, parts)

    # ------------------------------------------------------------------
    # clearing journal entries
    @api.model
    def _outstanding_line(self, payment):
        """The journal item of a payment on its outstanding account (the clearing account, for the
        store's journals)."""
        return payment.move_id.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)

    @api.model
    def _move_line_values(self, store, account, currency_code, amount, date, label):
        """A journal item of ``amount`` (Decimal, positive = debit) in a currency, valued at Odoo's rate.

        :rtype: dict
        """
        currency = self._currency(currency_code)
        company = store.company_id
        balance = currency._convert(float(amount), company.currency_id, company, date)
        return {
            "name": label,
            "account_id": account.id,
            "currency_id": currency.id,
            "amount_currency": float(amount),
            "balance": balance,
            "partner_id": False,
        }

    @api.model
    def _post_clearing_entry(self, store, lines, ref, date):
        """Post an entry of the store's clearing journal with ``lines`` (journal item values).

        :rtype: account.move
        """
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": store.clearing_journal_id.id,
                "date": date,
                "ref": ref,
                "ecommerce_store_id": store.id,
                "line_ids": [Command.create(values) for values in lines],
            }
        )
        move.action_post()
        return move

    # ------------------------------------------------------------------
    # chatter
    @api.model
    def _note_imported(self, store, imported):
        """One chatter note per imported document: "Imported from <store>: order #1003".

        :param list imported: ``(record, the store's order number)`` pairs; one message per
            document, all the documents of a model logged at once
        """
        by_model = defaultdict(dict)
        for record, name in imported:
            by_model[record._name][record.id] = escape(
                _("Imported from %(store)s: order %(order)s", store=store.name, order=name)
            )
        for model, bodies in by_model.items():
            self.env[model].browse(list(bodies))._message_log_batch(bodies=bodies)

    @api.model
    def _note(self, record, text):
        """A chatter note on ``record`` (an imported document) saying what the store did."""
        record._message_log(body=escape(text))

    # ------------------------------------------------------------------
    # discrepancies
    @api.model
    def _flag_issues(self, store, issues, document, external_id, record):
        """Flag what an import found: one discrepancy per kind and reference (``ledger.issues.merge_issues``).

        :param list issues: ``ledger.issues.Issue``
        :param str document: names the imported document at the head of each message ("Order #1001")
        :param str external_id: the reference of issues that name none
        :param record: the Odoo record of issues that name none
        :return: the ``(kind, reference)`` pairs flagged
        :rtype: set
        """
        Discrepancy = self.env["ecommerce.discrepancy"]
        flagged = set()
        for issue in merge_issues(issues):
            reference = external_id if issue.external_id is None else issue.external_id
            Discrepancy._flag(
                store,
                issue.kind,
                _("%(document)s: %(message)s", document=document, message=issue.message),
                external_id=reference,
                record=issue.record or record,
                expected=issue.expected,
                found=issue.found,
                currency=issue.currency,
            )
            flagged.add((issue.kind, reference))
        return flagged
