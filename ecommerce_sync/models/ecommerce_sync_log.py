from odoo import api, fields, models

from ..connector.records import FLOWS

FLOW_SELECTION = [(flow, flow.capitalize()) for flow in FLOWS]
TRIGGERS = [("cron", "Scheduled"), ("manual", "Manual"), ("webhook", "Webhook"), ("retry", "Retry")]


class EcommerceSyncLog(models.Model):
    """One sync run of one store and one flow: what it fetched, did and failed."""

    _name = "ecommerce.sync.log"
    _description = "Sync Run"
    _order = "started_at desc, id desc"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    flow = fields.Selection(FLOW_SELECTION, required=True)
    direction = fields.Selection(
        [("pull", "From the store"), ("push", "To the store")],
        default="pull",
        required=True,
        help="Whether the run read records from the store or sent Odoo's stock levels to it.",
    )
    trigger = fields.Selection(TRIGGERS, required=True)
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done with failures"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        default="running",
        required=True,
        index=True,
    )
    message = fields.Text("Technical Detail", help="What the run said, as the platform answered.")
    message_summary = fields.Text("Message", compute="_compute_message_summary", help="What happened, and what to do.")
    started_at = fields.Datetime(default=fields.Datetime.now, required=True)
    ended_at = fields.Datetime()
    duration = fields.Float("Duration (s)", digits=(16, 3))
    fetched_count = fields.Integer("Fetched")
    created_count = fields.Integer("Created")
    updated_count = fields.Integer("Updated")
    skipped_count = fields.Integer("Skipped")
    failed_count = fields.Integer("Failed")
    api_calls = fields.Integer("API Calls")
    pages = fields.Integer()
    more_pending = fields.Boolean(help="The page budget was used up: the next run carries on.")
    cursor_before = fields.Char(groups="ecommerce_sync.group_ecommerce_manager")
    cursor_after = fields.Char(groups="ecommerce_sync.group_ecommerce_manager")
    line_ids = fields.One2many("ecommerce.sync.log.line", "log_id", "Failed Records")

    @api.depends("message", "state", "store_id.platform")
    def _compute_message_summary(self):
        for log in self:
            if log.message and log.state in ("failed", "skipped"):
                log.message_summary = log.store_id._explain_error(log.message)
            else:
                log.message_summary = log.message

    @api.depends("store_id", "flow", "started_at")
    def _compute_display_name(self):
        for log in self:
            log.display_name = f"{log.store_id.name} / {log.flow} / {log.started_at or ''}"

    @api.model
    def _cron_purge(self):
        """Delete runs older than the retention period, keeping those with unresolved failures."""
        days = int(self.env["ir.config_parameter"].sudo().get_param("ecommerce_sync.log_retention_days", 90))
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        old = self.search([("started_at", "<", limit)])
        keep = old.line_ids.filtered(lambda line: line.state == "failed").log_id
        (old - keep).unlink()
        return len(old - keep)
