from collections import defaultdict

from odoo import api, models

#: ranks collected while imports post entries: ``{token: {(field, partner id): increase}}`` (see
#: ``account.move._post``)
PENDING_RANKS = {}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _increase_rank(self, field, n=1):
        """While an import posts its entries (context ``ecommerce_rank_token``), the ranks are collected and
        raised once the posting is done, one update per field and increase (``_increase_ranks``) instead of
        one per partner."""
        pending = PENDING_RANKS.get(self.env.context.get("ecommerce_rank_token"))
        if pending is None:
            return super()._increase_rank(field, n)
        for partner_id in self.ids:
            pending[field, partner_id] += n
        return None

    @api.model
    def _increase_ranks(self, pending):
        """Raise the ranks collected in ``pending`` (``{(field, partner id): increase}``)."""
        groups = defaultdict(list)
        for (field, partner_id), n in pending.items():
            groups[field, n].append(partner_id)
        for (field, n), partner_ids in groups.items():
            self.browse(partner_ids)._increase_rank(field, n)

    def _get_complete_name(self):
        """A contact named like its company is shown by that name once.

        A store's customer is often a company named like the person (a business name left empty
        becomes the customer's own name), and the invoice and delivery addresses of a person are
        child contacts carrying the person's name: Odoo would show them as "Amelia Johnson, Amelia
        Johnson" (company, contact) on invoices, orders and lists. The address stays on the contact;
        only the repeated name goes.
        """
        complete_name = super()._get_complete_name()
        name = (self.name or "").strip()
        if name and not self.is_company:
            company = (self.commercial_company_name or self.sudo().parent_id.name or "").strip()
            if company.casefold() == name.casefold():
                return name
        return complete_name
