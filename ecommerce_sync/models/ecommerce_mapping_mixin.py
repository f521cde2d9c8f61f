from odoo import api, fields, models


class EcommerceMappingMixin(models.AbstractModel):
    """A value a store reports, mapped to an Odoo record, once per store.

    Each mapping model names its key field (what the store reports) in
    ``_mapping_key`` and its target field (the Odoo record) in
    ``_mapping_target``, and keeps its own unique (store, key) constraint.
    """

    _name = "ecommerce.mapping.mixin"
    _description = "Store Value Mapping"
    _mapping_key = None
    _mapping_target = None

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)

    @api.model
    def _lookup(self, store, key):
        """The Odoo record the store's ``key`` is mapped to (an empty recordset when unmapped)."""
        mapping = self.search([("store_id", "=", store.id), (self._mapping_key, "=", key)], limit=1)
        return mapping[self._mapping_target]
