import itertools
from collections import defaultdict

from psycopg2 import errors as pgerrors

from odoo import fields, models
from odoo.tools import mute_logger

from ..tools import lock_key, try_xact_lock
from .res_partner import PENDING_RANKS

REFUND_TYPES = ("out_refund", "in_refund")
_RANK_TOKENS = itertools.count(1)
#: first key of the advisory locks on draft numbers (see ``_claim_draft_numbers``)
_DRAFT_NUMBER_LOCK = lock_key("ecommerce_sync:draft_number")


class AccountMove(models.Model):
    _inherit = "account.move"

    ecommerce_store_id = fields.Many2one(
        "ecommerce.store",
        "Online Store",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The store whose order, refund, payment, fee or payout this entry records.",
    )
    ecommerce_order_name = fields.Char(
        "Store Order Number",
        compute="_compute_ecommerce_order_name",
        help="The number of the store order this invoice or credit note is for.",
    )
    ecommerce_posted_at = fields.Datetime(
        "Posted At",
        copy=False,
        readonly=True,
        help="When the entry of a store was posted in Odoo (the end of an order's processing).",
    )

    def _compute_ecommerce_order_name(self):
        for move in self:
            orders = move.line_ids.sale_line_ids.order_id | move.reversed_entry_id.line_ids.sale_line_ids.order_id
            move.ecommerce_order_name = ", ".join(filter(None, orders.mapped("ecommerce_order_name"))) or False

    def _compute_name(self):
        """Imports (context ``ecommerce_import_posting``) number the entries they post together in runs.

        Odoo numbers posted entries one by one, each looking the last number of its sequence up in
        the database and writing its own in a savepoint. When every entry computed here is one Odoo
        is about to number, the entries are taken in Odoo's order (date, reference, id) in runs of
        one sequence (same journal, date, refund or not, payment or not): the first of each run is
        numbered by Odoo as usual and the others follow it, written together. A number taken
        meanwhile by another transaction sends the run back to Odoo's numbering, entry by entry.
        """
        if not self.env.context.get("ecommerce_import_posting"):
            return super()._compute_name()
        if all(move.state == "cancel" or move._awaits_number() for move in self):
            for run in self._numbering_runs():
                self._number_run(run)
        result = super()._compute_name()
        self._claim_draft_numbers()
        return result

    def _claim_draft_numbers(self):
        """Drafts Odoo numbered as the first of their period keep the number only while no other
        import holds it.

        Odoo numbers the first draft of a period at once, while the journal's uniqueness (posted
        entries only) does not apply to it yet: two workers booking the same period at once would
        both give it to a draft, and the second posting would fail. The first import to number
        such a draft holds the number (a lock for the rest of its transaction); another one leaves
        its draft unnumbered ("/"), to be numbered when posted, after the numbers taken.
        """
        for move in self._numbered_drafts():
            if not move._hold_number():
                move.name = "/"

    def _numbered_drafts(self):
        return self.filtered(
            lambda move: move.state == "draft" and not move.posted_before and move.name and move.name != "/"
        )

    def _hold_number(self):
        """Hold this entry's number for the rest of the transaction; False when another one holds it."""
        self.ensure_one()
        return try_xact_lock(
            self.env.cr, _DRAFT_NUMBER_LOCK, lock_key(f"account.move:{self.journal_id.id}:{self.name}")
        )

    def _awaits_number(self):
        """Whether Odoo's ``_compute_name`` gives this entry its first number: posted, dated, unnamed."""
        self.ensure_one()
        return self.state == "posted" and self.date and (not self.name or self.name == "/")

    def _numbering_runs(self):
        """The entries awaiting a number, in Odoo's numbering order, split in runs of one sequence.

        :rtype: list[account.move]
        """
        runs, key = [], None
        ordered = self.filtered(lambda move: move.state != "cancel").sorted(
            lambda move: (move.date, move.ref or "", move._origin.id)
        )
        for move in ordered:
            move_key = (move.journal_id, move.date, move.move_type in REFUND_TYPES, bool(move.origin_payment_id))
            if runs and move_key == key:
                runs[-1] |= move
            else:
                runs.append(move)
            key = move_key
        return runs

    def _number_run(self, run):
        """Number a run of entries of one sequence: the first by Odoo, the next ones after it."""
        if len(run) < 2:
            return
        first, rest = run[0], run[1:]
        first._set_next_sequence()
        format_string, format_values = first._get_sequence_format_param(first[first._sequence_field])
        # as Odoo's _set_next_sequence: nothing else of these entries is lost if the savepoint is rolled
        # back, and what depends on their number is computed again
        rest.flush_recordset()
        registry = self.env.registry
        triggers = registry._field_triggers[self._fields[self._sequence_field]]
        for inverse_field, triggered_fields in triggers.items():
            for triggered_field in triggered_fields:
                if triggered_field.store and triggered_field.compute:
                    for field in registry.field_inverses[inverse_field[0]] if inverse_field else [None]:
                        self.env.add_to_compute(triggered_field, rest[field.name] if field else rest)
        for move in rest:
            format_values["seq"] += 1
            move[move._sequence_field] = format_string.format(**format_values)
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                rest.flush_recordset([self._sequence_field])
        except (pgerrors.ExclusionViolation, pgerrors.UniqueViolation):
            # the numbers rolled back are still in the cache: Odoo's numbering would write them first
            for move in rest:
                move[move._sequence_field] = "/"
            for move in rest:
                move._set_next_sequence()
            return
        rest._compute_split_sequence()
        rest.flush_recordset(["sequence_prefix", "sequence_number"])

    def _release_taken_draft_numbers(self, soft=False):
        """Drafts holding the first number of their period give it up when they cannot post it.

        Whoever posts such a number holds it (``_hold_number``) until its transaction ends, so two
        imports never post the same one, whichever environment gave the drafts their numbers. A
        draft numbered from a snapshot taken before another transaction posted and committed that
        number could not be posted either: each draft is written as posted at once, in a savepoint,
        so that its number is the journal's from then on (the posting that follows writes the same
        state). A draft whose number is held or taken is posted as an entry without a number,
        which Odoo numbers after the ones taken.
        """
        today = fields.Date.context_today(self)
        # a soft posting leaves the entries dated in the future to be posted on their date
        to_post = self._numbered_drafts().filtered(lambda move: not soft or move.date <= today)
        to_post._claim_draft_numbers()
        for move in to_post._numbered_drafts():
            move.flush_recordset(["name", "journal_id", "state"])
            try:
                with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                    self.env.cr.execute("UPDATE account_move SET state = 'posted' WHERE id = %s", [move.id])
            except pgerrors.UniqueViolation:
                move.name = "/"

    def _post(self, soft=True):
        """Store entries record when they were posted; imports raise the customers' ranks once for the
        entries posted together (``res.partner._increase_rank``)."""
        if self.env.context.get("ecommerce_import_posting") and "ecommerce_rank_token" not in self.env.context:
            token = next(_RANK_TOKENS)
            pending = PENDING_RANKS[token] = defaultdict(int)
            try:
                posted = self.with_context(ecommerce_rank_token=token)._post(soft=soft)
            finally:
                PENDING_RANKS.pop(token, None)
            self.env["res.partner"]._increase_ranks(pending)
            return posted.with_env(self.env)
        if self.env.context.get("ecommerce_import_posting"):
            self._release_taken_draft_numbers(soft=soft)
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.ecommerce_store_id and not move.ecommerce_posted_at).write(
            {"ecommerce_posted_at": fields.Datetime.now()}
        )
        return posted
