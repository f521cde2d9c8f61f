from odoo import api, models

from .ecommerce_builder_mixin import batch_memo_of


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    @api.model
    def _get_distribution(self, vals):
        """During an import batch, no search per order line when the database has no distribution model.

        Odoo looks the applicable models up for every sale order line and journal item it makes;
        a batch of imported orders asks once whether there is any model at all.
        """
        memo = batch_memo_of(self.env)
        if memo is not None:
            if "analytic distribution models" not in memo:
                memo["analytic distribution models"] = bool(self.sudo().search_count([], limit=1))
            if not memo["analytic distribution models"]:
                return {}
        return super()._get_distribution(vals)
