from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import Deadline, decode_payload

MAX_ATTEMPTS = 5


class EcommerceSyncLogLine(models.Model):
    """A record that failed during a run, kept with its payload so it can be retried."""

    _name = "ecommerce.sync.log.line"
    _description = "Failed Sync Record"
    _order = "id desc"
    _rec_name = "external_id"

    log_id = fields.Many2one("ecommerce.sync.log", required=True, ondelete="cascade", index=True)
    store_id = fields.Many2one(related="log_id.store_id", store=True, index=True)
    company_id = fields.Many2one(related="log_id.company_id", store=True)
    flow = fields.Selection(related="log_id.flow", store=True)
    external_id = fields.Char(index=True)
    error = fields.Text(required=True)
    payload_excerpt = fields.Text(help="The start of the payload, with secret-looking values masked.")
    payload = fields.Text(groups="ecommerce_sync.group_ecommerce_manager", help="The payload kept for retries.")
    state = fields.Selection(
        [("failed", "To Retry"), ("resolved", "Resolved"), ("abandoned", "Abandoned")],
        default="failed",
        required=True,
        index=True,
    )
    attempts = fields.Integer(default=1)
    next_retry_at = fields.Datetime(default=lambda self: fields.Datetime.now() + timedelta(minutes=10))
    resolved_at = fields.Datetime()

    def _payload_dict(self):
        self.ensure_one()
        payload = decode_payload(self.sudo().payload or "null")
        return None if isinstance(payload, str) else payload

    def _schedule_next_retry(self, error):
        """Record another failed attempt; give up after MAX_ATTEMPTS automatic tries."""
        for line in self:
            attempts = line.attempts + 1
            line.write(
                {
                    "attempts": attempts,
                    "error": error,
                    "next_retry_at": fields.Datetime.now() + timedelta(minutes=10 * attempts**2),
                }
            )

    def action_retry(self):
        """Process the kept payloads again (after fixing a mapping, a product, ...)."""
        self.check_access("write")
        lines = self.filtered(lambda line: line.state in ("failed", "abandoned"))
        if not lines:
            raise UserError(_("There is nothing to retry in the selected lines."))
        self.env["ecommerce.sync.engine"].sudo().retry_lines(lines.sudo())
        resolved = lines.filtered(lambda line: line.state == "resolved")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if len(resolved) == len(lines) else "warning",
                "title": _("Retry finished"),
                "message": _("%(resolved)s of %(total)s records imported.", resolved=len(resolved), total=len(lines)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_abandon(self):
        self.write({"state": "abandoned"})

    @api.model
    def _due_domain(self):
        """Failed records whose next automatic attempt is due, of active stores and flows switched on."""
        return [
            ("state", "=", "failed"),
            ("attempts", "<", MAX_ATTEMPTS),
            ("next_retry_at", "<=", fields.Datetime.now()),
            ("store_id.active", "=", True),
            *self.env["ecommerce.store"]._flow_enabled_domain("flow", "store_id"),
        ]

    @api.model
    def _cron_retry(self):
        """Retry failed records whose next attempt is due.

        Records of an archived store (parked when its connector addon was
        uninstalled) and of a flow switched off for their store wait.
        """
        lines = self.search(self._due_domain(), limit=200)
        if lines:
            self.env["ecommerce.sync.engine"].retry_lines(lines, deadline=Deadline.for_cron(self.env))
        return len(lines)
