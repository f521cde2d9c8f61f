from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

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
