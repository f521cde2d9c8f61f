from datetime import datetime, time, timedelta

from odoo import _, api, fields, models

from ..tools.labels import CHANNEL_MEASURES as MEASURES

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


class EcommerceDigest(models.Model):
    """A scheduled mail of the stores' figures: the channel report of the last day or week, the
    alerts of the stores and the discrepancies opened, sent to chosen users."""

    _name = "ecommerce.digest"
    _description = "Store Digest"
    _order = "name, id"

    name = fields.Char(required=True, default=lambda self: _("Stores digest"))
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    period = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly")],
        default="daily",
        required=True,
        help="Daily: the figures of the previous day. Weekly: of the previous seven days.",
    )
    store_ids = fields.Many2many(
        "ecommerce.store", string="Stores", help="The stores in the digest; all the company's stores when empty."
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Recipients",
        required=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    next_send_at = fields.Datetime(
        "Next Sending",
        required=True,
        default=lambda self: datetime.combine(fields.Date.today() + timedelta(days=1), time(6, 0)),
    )
    last_sent_at = fields.Datetime(readonly=True)

    # ------------------------------------------------------------------
    def _stores(self):
        self.ensure_one()
        return self.store_ids or self.env["ecommerce.store"].search([("company_id", "=", self.company_id.id)])

    def _figures(self, start, end):
        """What the digest says of the period ``[start, end)``, store by store.

        :return: list of dicts: store, measures (``{measure: amount}``; in transit is the clearing balance at
            the end, open receivables what is open now), taxes ``[(tax, amount)]``, alert (health reason),
            discrepancies opened in the period
        """
        self.ensure_one()
        stores = self._stores()
        Report = self.env["ecommerce.channel.report"].sudo()
        base = [("store_id", "in", stores.ids)]
        period = base + [("date", ">=", start.date()), ("date", "<", end.date())]
        totals, taxes = Report._totals(period)
        in_transit = dict(Report._read_group(base + [("date", "<", end.date())], ["store_id"], ["in_transit:sum"]))
        receivable = dict(Report._read_group(base, ["store_id"], ["open_receivables:sum"]))
        opened = (
            self.env["ecommerce.discrepancy"]
            .sudo()
            .search(base + [("create_date", ">=", start), ("create_date", "<", end)], order="store_id, id")
        )
        result = []
        for store in stores:
            measures = dict.fromkeys(MEASURES, 0.0) | totals.get(store, {})
            measures["in_transit"] = in_transit.get(store, 0.0)
            measures["open_receivables"] = receivable.get(store, 0.0)
            result.append(
                {
                    "store": store,
                    "measures": measures,
                    "taxes": taxes.get(store, []),
                    "alert": store.health_reason if store.health in ("error", "warning") else False,
                    "discrepancies": opened.filtered(lambda d, store=store: d.store_id == store),
                }
            )
        return result

    def _period(self, now=None):
        """``(start, end)`` of the period the next digest covers: the last whole day(s) before ``now``."""
        self.ensure_one()
        end = datetime.combine((now or fields.Datetime.now()).date(), time.min)
        return end - PERIODS[self.period], end

    def _body(self, start, end):
        fields_ = self.env["ecommerce.channel.report"]._fields
        labels = {name: fields_[name].get_description(self.env)["string"] for name in MEASURES}
        return self.env["ir.qweb"]._render(
            "ecommerce_sync.ecommerce_digest_mail",
            {
                "digest": self,
                "start": start,
                "end": end - timedelta(seconds=1),
                "rows": self._figures(start, end),
                "measures": MEASURES,
                "labels": labels,
                "currency": self.company_id.currency_id,
            },
        )

    def _send(self, now=None):
        """Mail the digest of the period before ``now`` to its recipients; schedule the next one."""
        for digest in self:
            start, end = digest._period(now)
            partners = digest.user_ids.partner_id.filtered("email")
            if partners:
                self.env["mail.mail"].sudo().create(
                    {
                        "subject": _(
                            "%(name)s: %(start)s to %(end)s",
                            name=digest.name,
                            start=fields.Date.to_string(start.date()),
                            end=fields.Date.to_string((end - timedelta(seconds=1)).date()),
                        ),
                        "body_html": digest._body(start, end),
                        "recipient_ids": [fields.Command.set(partners.ids)],
                        "email_from": digest.company_id.email_formatted or self.env.user.email_formatted,
                        "auto_delete": False,
                    }
                )
            next_send = digest.next_send_at
            while next_send <= (now or fields.Datetime.now()):
                next_send += PERIODS[digest.period]
            digest.write({"last_sent_at": fields.Datetime.now(), "next_send_at": next_send})
        return True

    def action_send_now(self):
        """Send the digest of the last period now (the schedule goes on)."""
        self.check_access("write")
        for digest in self:
            next_send = digest.next_send_at
            digest._send()
            digest.next_send_at = next_send
        return True

    @api.model
    def _cron_send(self):
        """Send the digests that are due."""
        due = self.search([("next_send_at", "<=", fields.Datetime.now())])
        due._send()
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=0)
