from odoo import _, api, models
from odoo.exceptions import UserError

from ..connector import BalanceMovement, ConnectorError, NotFoundError
from .ecommerce_balance_builder import SETTLED_CATEGORIES


class EcommerceBalanceReview(models.AbstractModel):
    """Payment platform charges and refunds in review: to the suspense account, then linked by hand.

    A charge or refund that matches no order, or several orders alike (same
    amount, currency, customer email and date), or that names an order of a
    store the platform pays for none of (its site is no linked store's), is
    booked to the suspense account with an ``unmatched_payment``
    discrepancy. A manager then links it by hand (the discrepancy's "Link
    the payment" wizard): to the order of a linked store whose payment it
    settles, or as a direct sale of the platform's own. The charge is then
    booked as matching would have booked it, and the link is remembered (the
    charge's transaction binding) so that it stays matched.
    """

    _inherit = "ecommerce.balance.builder"

    # ------------------------------------------------------------------
    # to review
    @api.model
    def _unmatched_payment(self, store, movement, date):
        """A charge or refund Odoo has no payment for.

        When it names an order that may still come (of a linked store, or its own direct
        sale), the order is not imported yet: it fails and is retried. When waiting cannot
        help (several orders alike, a site no linked store has, no order named at all), its
        money goes to the suspense account with an ``unmatched_payment`` discrepancy.

        :raise UserError: when the order it names is not imported yet
        """
        reason = self._review_reason(store, movement)
        if not reason:
            match = movement.match
            raise UserError(
                _(
                    "%(movement)s pays order %(order)s, which is not in Odoo yet; it is retried once the order "
                    "is imported.",
                    movement=movement.external_id,
                    order=movement.order_external_id or match.order_reference,
                )
            )
        message = _(
            "%(reason)s It is booked to the suspense account: a manager links it by hand to its order, or "
            "confirms it as a direct sale (Link the payment).",
            reason=reason,
        )
        return self._book_to_suspense(store, movement, date, "unmatched_payment", message, movement.amount)

    @api.model
    def _review_reason(self, store, movement):
        """Why the movement cannot wait for its order (empty when it can: the order may still be imported)."""
        match = movement.match
        names = match is not None and match.names_an_order
        described = _(
            "%(movement)s (%(amount)s %(currency)s, %(email)s)",
            movement=movement.external_id,
            amount=movement.amount,
            currency=movement.currency,
            email=(match.email if match else "") or "-",
        )
        if match is not None and (names or not movement.order_external_id):
            alike = self._orders_by_amount(store, movement)
            if len(alike) > 1:
                return _(
                    "%(payment)s matches several orders of the linked stores alike (%(orders)s).",
                    payment=described,
                    orders=", ".join(alike.mapped(lambda order: order.ecommerce_order_name or order.name)),
                )
        if names and match.site_url:
            addresses = [linked._site_address() for linked in store.linked_store_ids]
            if all(addresses) and not any(match.is_from(address) for address in addresses):
                return _(
                    "%(payment)s pays order %(order)s of %(site)s, which is none of the linked stores.",
                    payment=described,
                    order=match.order_reference,
                    site=match.site_url,
                )
        if movement.order_external_id or names:
            return ""
        return _("%(payment)s matches no order of the linked stores.", payment=described)

    # ------------------------------------------------------------------
    # linked by hand
    @api.model
    def _link_payment(self, store, movement_id, sale_order=None):
        """Book a movement waiting in the suspense account as the payment of ``sale_order``, or a direct sale.

        :param sale_order: a linked store's sale order whose payment the charge (or refund)
            settles; None: a sale of the platform's own, imported as its orders flow would
        :return: what the movement settled (the payment, or its conversion entry)
        :raise UserError: when the movement is not in the suspense account, or the order has
            no payment for it in the clearing journal
        """
        store = store.with_company(store.company_id)
        movement = self._movement_again(store, movement_id)
        if movement.category not in SETTLED_CATEGORIES:
            raise UserError(_("%(movement)s is no payment or refund: nothing to link.", movement=movement_id))
        if sale_order:
            if sale_order.ecommerce_store_id not in store.linked_store_ids:
                raise UserError(
                    _(
                        "%(order)s is no order of the stores paid through %(store)s.",
                        order=sale_order.display_name,
                        store=store.name,
                    )
                )
            payment = self._order_payment(store, sale_order, movement)
            if not payment:
                raise UserError(
                    _(
                        "%(order)s has no payment left in the %(journal)s journal for %(movement)s: its payment is "
                        "already settled by another charge, or was not received through %(store)s.",
                        order=sale_order.ecommerce_order_name or sale_order.name,
                        journal=store.clearing_journal_id.name,
                        movement=movement_id,
                        store=store.name,
                    )
                )
        elif movement.category == "charge":
            payment = self._direct_sale_payment(store, movement)
        else:
            raise UserError(_("A refund is linked to the order it refunds, not booked as a sale."))
        return self._link_by_hand(store, movement, payment)

    @api.model
    def _movement_again(self, store, movement_id):
        """The balance movement ``movement_id`` as the platform holds it now.

        :rtype: BalanceMovement
        :raise UserError: when the platform cannot give it
        """
        connector = store._get_connector()
        try:
            for flow in connector.flows:
                try:
                    raw = connector.fetch_record(flow, movement_id)
                except (NotFoundError, NotImplementedError):
                    continue
                for record in connector.parse(flow, raw.payload):
                    if isinstance(record, BalanceMovement) and record.external_id == movement_id:
                        return record
        except ConnectorError as exc:
            raise UserError(
                _("%(store)s could not read %(movement)s: %(error)s", store=store.name, movement=movement_id, error=exc)
            ) from exc
        raise UserError(_("%(store)s holds no balance movement %(movement)s.", store=store.name, movement=movement_id))

    @api.model
    def _direct_sale_payment(self, store, movement):
        """The charge imported as an order of the platform store itself; its payment.

        :rtype: account.payment
        """
        transaction = movement.transaction_external_id or movement.source_id
        try:
            order = store._get_connector().fetch_direct_sale(transaction)
        except NotImplementedError as exc:
            raise UserError(_("%(store)s has no sales of its own.", store=store.name)) from exc
        except ConnectorError as exc:
            raise UserError(
                _("%(store)s could not read %(payment)s: %(error)s", store=store.name, payment=transaction, error=exc)
            ) from exc
        self.env["ecommerce.order.builder"]._import_order(store, order)
        payment = self.env["ecommerce.payment.builder"]._transaction_payment(store, transaction)
        if not payment:
            raise UserError(
                _(
                    "The sale %(order)s of %(store)s has no payment for %(payment)s.",
                    order=order.name,
                    store=store.name,
                    payment=transaction,
                )
            )
        return payment

    @api.model
    def _link_by_hand(self, store, movement, payment):
        """Settle ``payment`` with a movement booked to suspense, then take the movement out of suspense.

        The movement is settled as matching settles it (:meth:`_settle_with`: the payment bound
        to its transaction, converted when in another currency) and its binding moves to what it
        settled, so that a later payout finds its clearing line there. The suspense entry is
        reversed on the same date; when a payout already took the entry's clearing line, the
        reversal's line is reconciled with the payment's instead. The fee stays as it was
        booked from the movement.

        :return: what the movement settled (the payment, or its conversion entry)
        """
        Binding = self.env["ecommerce.binding"]
        booked = Binding._find_record(store, "movement", movement.external_id)
        suspense = store.suspense_account_id
        if not booked or booked._name != "account.move" or suspense not in booked.line_ids.account_id:
            raise UserError(
                _(
                    "%(movement)s is not waiting in the suspense account: nothing to link.",
                    movement=movement.external_id,
                )
            )
        date = self._store_date(movement.created_at)
        settled = self._settle_with(store, movement, payment, date)
        label = _(
            "%(movement)s linked by hand to %(payment)s",
            movement=movement.external_id,
            payment=payment.display_name,
        )
        reversal = self._post_clearing_entry(
            store,
            [
                {
                    "name": label,
                    "account_id": line.account_id.id,
                    "currency_id": line.currency_id.id,
                    "amount_currency": -line.amount_currency,
                    "balance": -line.balance,
                    "partner_id": False,
                }
                for line in booked.line_ids
            ],
            label,
            date,
        )
        (booked.line_ids | reversal.line_ids).filtered(lambda line: line.account_id == suspense).reconcile()
        Binding._bind(
            store,
            "movement",
            movement.external_id,
            settled,
            revision=movement.status or movement.category,
            external_name=movement.source_id or movement.category,
            created_at=self._to_naive(movement.created_at),
        )
        clearing = (booked.line_ids | reversal.line_ids).filtered(
            lambda line: line.account_id == store.clearing_account_id and not line.reconciled
        )
        if len(clearing) == 1:  # a payout took the suspense entry's line: the payment's is the one left open
            clearing |= self._movement_lines(store, movement.external_id, movement.currency)
        clearing.reconcile()
        for discrepancy in self.env["ecommerce.discrepancy"]._resolve(store, "unmatched_payment", movement.external_id):
            discrepancy.message_post(body=label)
        return settled
