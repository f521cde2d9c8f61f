from odoo import api, fields, models


class QueueJobChannel(models.Model):
    """A job channel, with the number of its jobs that may run at once (the job runner reads it)."""

    _inherit = "queue.job.channel"

    job_capacity = fields.Integer(
        "Parallel Jobs",
        help="How many jobs of this channel run at once, on all workers together (0: as the job runner's "
        "configuration says). The job runner applies a change within a minute, when the addon is loaded "
        "server-wide.",
    )

    _sql_constraints = [
        ("job_capacity_not_negative", "CHECK(job_capacity >= 0)", "The parallel jobs cannot be negative."),
    ]

    @api.model
    def _ecommerce_channel(self, code):
        """The channel ``root.ecommerce.<code>``, made when missing."""
        parent = self.env.ref("ecommerce_sync_queue_job.channel_ecommerce")
        channel = self.search([("name", "=", code), ("parent_id", "=", parent.id)], limit=1)
        return channel or self.create({"name": code, "parent_id": parent.id})
