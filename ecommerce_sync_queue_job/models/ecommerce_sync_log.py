from odoo import api, fields, models


class EcommerceSyncLog(models.Model):
    """A run's log names the job that ran it and, for a backfill, its window."""

    _inherit = "ecommerce.sync.log"

    trigger = fields.Selection(
        selection_add=[("backfill", "Backfill")], ondelete={"backfill": lambda logs: logs.write({"trigger": "cron"})}
    )
    job_id = fields.Many2one("queue.job", "Job", readonly=True, index="btree_not_null", ondelete="set null")
    job_state = fields.Selection(related="job_id.state", string="Job State")
    backfill_window_id = fields.Many2one(
        "ecommerce.backfill.window", "Backfill Window", readonly=True, index="btree_not_null", ondelete="set null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        uuid = self.env.context.get("job_uuid")
        if uuid:
            job = self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
            for vals in vals_list:
                vals.setdefault("job_id", job.id or False)
        return super().create(vals_list)
