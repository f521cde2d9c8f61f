from decimal import Decimal

from odoo import _, api, models

from ..connector.records import ZERO

#: the bindings whose records are booked in a payment platform's clearing journal, with the time of
#: the platform's movement they book (``external_created_at``)
TIED_KINDS = ("movement", "transaction", "fee", "payout")
BOOKED_MODELS = ("account.move", "account.payment")


class EcommerceBalanceCheck(models.AbstractModel):
    """After a payout: the clearing account against the balance the payment platform reported then.

    A payment platform's clearing journal is its balance (``ecommerce.balance.builder``): once a
    payout is booked, the clearing account must hold, in the payout's currency, what the platform
    said its balance was right after the payout left (``BalancePayout.balance_after``, at
    ``balance_at``). When it does not, something moved the platform's money that Odoo did not book
    (or Odoo booked something the platform did not do): a ``balance_mismatch`` with both figures.

    The clearing account's figure at that moment: every posted line in the payout's currency, less

    * what Odoo booked for the platform's movements made after the payout (the bindings'
      ``external_created_at``: movements, the payments they settle, their fees, later payouts);
    * the payments received in the clearing journal that the platform has not settled yet (a
      linked store's order imported before the platform's payment was read);
    * any other line dated after the payout's day.
    """

    _name = "ecommerce.balance.check"
    _inherit = "ecommerce.builder.mixin"
    _description = "Payment Platform Balance Check"

    @api.model
    def _check_balance(self, store, payout, transfer):
        """Compare the clearing account with the platform's balance after ``payout``; flag or close.

        :param payout: canonical BalancePayout, just booked
        :param transfer: its transfer out of the clearing journal (account.payment, may be empty)
        :return: the open ``balance_mismatch`` discrepancy, or None
        """
        Discrepancy = self.env["ecommerce.discrepancy"]
        if payout.balance_after is None or payout.status == "failed":
            return None
        moment = self._to_naive(payout.balance_at or payout.date)
        held = self._clearing_at(store, payout.currency, moment, transfer)
        currency = self._currency(payout.currency)
        expected = Decimal(payout.balance_after)
        if currency.is_zero(float(held - expected)):
            Discrepancy._resolve(store, "balance_mismatch", payout.external_id)
            return None
        return Discrepancy._flag(
            store,
            "balance_mismatch",
            _(
                "After payout %(payout)s the platform's balance was %(expected)s %(currency)s, but the clearing "
                "account %(account)s holds %(found)s %(currency)s: a movement of %(difference)s %(currency)s is "
                "booked in Odoo and not on the platform, or the other way round.",
                payout=payout.external_id,
                expected=expected,
                found=held,
                difference=held - expected,
                currency=payout.currency,
                account=store.clearing_account_id.display_name,
            ),
            external_id=payout.external_id,
            record=transfer or None,
            expected=float(expected),
            found=float(held),
            currency=currency,
        )

    @api.model
    def _clearing_at(self, store, currency_code, moment, transfer):
        """What the clearing account held in ``currency_code`` at ``moment`` (naive UTC), as a Decimal.

        :param transfer: the payout's own transfer, counted whatever its date (a bank arrival date)
        """
        Line = self.env["account.move.line"]
        domain = [
            ("account_id", "=", store.clearing_account_id.id),
            ("currency_id.name", "=", currency_code),
            ("parent_state", "=", "posted"),
        ]
        [(total,)] = Line._read_group(domain, aggregates=["amount_currency:sum"])
        date = self._store_date(moment)
        later = self._booked_moves(
            self.env["ecommerce.binding"].search(
                [
                    ("store_id", "=", store.id),
                    ("kind", "in", TIED_KINDS),
                    ("res_model", "in", BOOKED_MODELS),
                    ("external_created_at", ">", moment),
                ]
            )
        )
        candidates = Line.search(
            [*domain, "|", "|", ("date", ">", date), ("reconciled", "=", False), ("move_id", "in", later.ids)]
        )
        moments = self._move_moments(store, candidates.move_id)
        own = transfer.move_id if transfer else self.env["account.move"]
        excluded = ZERO
        for line in candidates - own.line_ids:
            move = line.move_id
            if move.id in moments:
                when = moments[move.id]
                out = when > moment if when else line.date > date
            elif move.origin_payment_id:
                out = True  # received in the clearing journal, not settled by the platform yet
            else:
                out = line.date > date
            if out:
                excluded += Decimal(str(line.amount_currency))
        rounding = self._currency(currency_code).decimal_places
        return (Decimal(str(total or 0)) - excluded).quantize(Decimal(1).scaleb(-rounding))

    @api.model
    def _booked_moves(self, bindings):
        """The journal entries of the payments and entries ``bindings`` point to."""
        moves = self.env["account.move"].browse(
            bindings.filtered(lambda b: b.res_model == "account.move").mapped("res_id")
        )
        payments = self.env["account.payment"].browse(
            bindings.filtered(lambda b: b.res_model == "account.payment").mapped("res_id")
        )
        return (moves | payments.move_id).exists()

    @api.model
    def _move_moments(self, store, moves):
        """``{move id: when the platform moved its money (naive UTC), or None when no binding says}``.

        Only the moves a binding of the store ties to the platform are keys: a move several
        bindings point to (an entry of the fees of a payout) takes the latest time.
        """
        if not moves:
            return {}
        payments = moves.origin_payment_id
        bindings = self.env["ecommerce.binding"].search(
            [
                ("store_id", "=", store.id),
                ("kind", "in", TIED_KINDS),
                "|",
                "&",
                ("res_model", "=", "account.move"),
                ("res_id", "in", moves.ids),
                "&",
                ("res_model", "=", "account.payment"),
                ("res_id", "in", payments.ids),
            ]
        )
        move_of_payment = {payment.id: payment.move_id.id for payment in payments}
        moments = {}
        for binding in bindings:
            move_id = binding.res_id if binding.res_model == "account.move" else move_of_payment[binding.res_id]
            when = binding.external_created_at
            known = moments.get(move_id)
            moments[move_id] = max(known, when) if known and when else (known or when or None)
        return moments
