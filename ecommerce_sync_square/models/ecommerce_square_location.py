from odoo import api, fields, models

#: changes of a location that change what the store's stock levels are
STOCK_FIELDS = {"warehouse_id", "sync", "external_id"}


class EcommerceSquareLocation(models.Model):
    """A Square location (a register, a Square Online store) and the Odoo warehouse it sells from.

    Locations are loaded from the seller's account ("Test connection", "Load locations"). A synced
    location's orders are imported; their sale orders deliver from its warehouse (the store's when
    none is set) and carry its analytic account (the store's when none is set). Each synced location
    mapped to a warehouse is sent that warehouse's available stock, and its counts are compared with
    it.
    """

    _name = "ecommerce.square.location"
    _description = "Square Location"
    _order = "store_id, sequence, id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    external_id = fields.Char("Location ID", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    square_status = fields.Selection(
        [("ACTIVE", "Active"), ("INACTIVE", "Inactive")], "Status in Square", readonly=True, default="ACTIVE"
    )
    location_type = fields.Selection([("PHYSICAL", "Physical"), ("MOBILE", "Mobile or online")], "Type", readonly=True)
    currency = fields.Char(readonly=True)
    sync = fields.Boolean(
        "Synced", default=True, help="Import this location's orders, payments and payouts, and show it Odoo's stock."
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        domain="[('company_id', '=', company_id)]",
        help="The warehouse this location sells from: its orders deliver from it and it is sent its available "
        "stock. Empty: its orders deliver from the store's warehouse and no stock is sent to it.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        "Analytic Account",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Put on what this location sells (the store's analytic account when empty).",
    )

    _sql_constraints = [
        ("location_unique", "UNIQUE(store_id, external_id)", "This Square location is already listed for the store."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        locations.store_id._square_stock_targets_changed()
        return locations

    def write(self, vals):
        res = super().write(vals)
        if STOCK_FIELDS & vals.keys():
            self.store_id._square_stock_targets_changed()
        return res

    def unlink(self):
        stores = self.store_id
        res = super().unlink()
        stores.exists()._square_stock_targets_changed()
        return res
