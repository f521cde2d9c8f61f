import logging
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..connector import ConnectorError
from ..tools import RUN_ERRORS, Deadline, SyncRun

_logger = logging.getLogger(__name__)

#: key of the (product id, location id) pairs changed in the current transaction
CHANGES_KEY = "ecommerce_sync.stock_changes"
#: failed attempts after which a level that cannot be sent becomes a discrepancy
ALERT_ATTEMPTS = 5


class EcommerceStockPush(models.Model):
    """A product whose level a store must be sent: the stock push queue.

    How changes get here: every change of available quantity in Odoo ends as
    a write on ``stock.quant`` (quantity on hand or reserved: receipts,
    deliveries, returns, inventory adjustments, scrap, manufacturing,
    reservations and unreservations of moves, cancellations). The quant hooks
    note the (product, location) pairs in the transaction, and just before the
    transaction commits, one row per store and product is inserted for the
    stores that sell the product from a location containing the change.

    Rows are deduplicated per store, product and database transaction by a
    unique constraint (many quant writes in one transaction give one row),
    and per store and product when the queue is flushed. A transaction never
    updates a row another transaction wrote: a stock operation never waits
    for, nor conflicts with, a flush that is busy sending levels, and a change
    committed while a flush is running stays queued for the next one.

    The flush sends the level computed at that moment (not a delta), so any
    number of changes of one product cost one update, and sending again after
    a failure is harmless. Accepted rows are deleted and the level is kept on
    the store variant; refused rows stay, with the error and the attempts.
    """

    _name = "ecommerce.stock.push"
    _description = "Stock Level to Send"
    _order = "id"
    _rec_name = "product_id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", index=True, readonly=True)
    transaction_ref = fields.Char(
        "Database Transaction",
        required=True,
        readonly=True,
        help="Changes queued by one database transaction share one row per store and product.",
    )
    attempts = fields.Integer(default=0, readonly=True)
    error = fields.Text(readonly=True)
    last_attempt_at = fields.Datetime(readonly=True)
    state = fields.Selection([("pending", "To send"), ("failed", "Failed")], compute="_compute_state")

    _sql_constraints = [
        (
            "change_unique",
            "UNIQUE(store_id, product_id, transaction_ref)",
            "This change is already queued.",
        ),
    ]

    @api.depends("error")
    def _compute_state(self):
        for row in self:
            row.state = "failed" if row.error else "pending"

    # ------------------------------------------------------------------
    # queueing
    @api.model
    def _note_stock_changes(self, pairs):
        """Remember that the stock of these (product id, location id) pairs changed.

        The rows are written once, when the transaction is flushed before its
        commit (or before a savepoint), whatever the number of changes.
        """
        if not pairs:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(CHANGES_KEY)
        if pending is None:
            pending = precommit.data[CHANGES_KEY] = set()
            env = self.env

            def queue_noted_changes():
                env["ecommerce.stock.push"].sudo()._queue_changes(precommit.data.pop(CHANGES_KEY, set()))

            precommit.add(queue_noted_changes)
        pending.update(pairs)

    @api.model
    def _queue_changes(self, pairs):
        """Queue the stores that sell a changed product from a location containing the change.

        :param pairs: set of (product id, location id)
        """
        if not pairs:
            return
        links = (
            self.env["ecommerce.product.link"]
            .sudo()
            .search(
                [
                    ("product_id", "in", list({product_id for product_id, _location_id in pairs})),
                    ("tracked", "=", True),
                    ("store_id.sync_stock", "=", True),
                    ("store_id.active", "=", True),
                ]
            )
        )
        if not links:
            return
        locations = self.env["stock.location"].sudo().browse({location_id for _product_id, location_id in pairs})
        paths = {location.id: location.parent_path or "" for location in locations.exists()}
        todo = {}
        for store, store_links in links.grouped("store_id").items():
            roots = [location.parent_path for _target, location in store._stock_targets() if location.parent_path]
            if not roots:
                continue
            sold = set(store_links.product_id.ids)
            for product_id, location_id in pairs:
                path = paths.get(location_id, "")
                if product_id in sold and any(path.startswith(root) for root in roots):
                    todo.setdefault(store.id, set()).add(product_id)
        self._queue(todo)

    @api.model
    def _queue(self, products_by_store):
        """Insert one row per store and product for this transaction (none when there is one already).

        :param dict products_by_store: ``{store id: iterable of product ids}``
        """
        pairs = [(store_id, product_id) for store_id, products in products_by_store.items() for product_id in products]
        if not pairs:
            return
        # INSERT ... ON CONFLICT: the ORM cannot skip a duplicate without a query per row
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ecommerce_stock_push
                    (store_id, product_id, company_id, transaction_ref, attempts,
                     create_uid, write_uid, create_date, write_date)
                SELECT t.store_id, t.product_id, s.company_id, txid_current()::text, 0,
                       %(uid)s, %(uid)s, now() at time zone 'utc', now() at time zone 'utc'
                  FROM unnest(%(stores)s::int[], %(products)s::int[]) AS t(store_id, product_id)
                  JOIN ecommerce_store s ON s.id = t.store_id
                ON CONFLICT (store_id, product_id, transaction_ref) DO NOTHING
                """,
                uid=self.env.uid,
                stores=[store_id for store_id, _product_id in pairs],
                products=[product_id for _store_id, product_id in pairs],
            )
        )
        self.invalidate_model()
        self.env["ecommerce.store"].invalidate_model(["stock_push_ids", "stock_push_count"])

    # ------------------------------------------------------------------
    # flushing
    @api.model
    def _flush_store(self, store, trigger="cron", connector=None, deadline=None):
        """Send the queued levels of ``store``, batched per the connector's push size.

        :param str trigger: "cron" or "manual" (the sync log's trigger)
        :param connector: the store's connector (a new one when None)
        :param deadline: tools.Deadline after which no batch is sent (the rest waits in the queue)
        :return: the sync log of the flush (flow "stock"), or an empty
            recordset when nothing was queued or another flush holds the store
        :rtype: ecommerce.sync.log
        """
        store = store.sudo().with_company(store.company_id)
        Log = self.env["ecommerce.sync.log"]
        self.env.cr.flush()  # queue the changes this transaction made so far
        rows = self.sudo().search([("store_id", "=", store.id)])
        if not rows or not store.sync_stock:
            return Log
        if not self.env["ecommerce.sync.engine"]._try_lock(store, "stock_push"):
            return Log
        rows = self._lock_rows(rows)
        if not rows:
            return Log
        run = SyncRun(store, "stock", trigger, direction="push")
        with run:
            run.connect(connector)
            self._send_rows(run, rows, deadline=deadline)
        return run.log

    @api.model
    def _send_rows(self, run, rows, deadline=None):
        """Send the current level of the products of ``rows`` and close the run with what happened.

        Each store location of the store (``ecommerce.store._stock_targets``) is sent the level of its
        own stock location; a variant counts as sent once every location took its level, and keeps the
        sum of them as its level sent.
        """
        store = run.store
        rows_by_product = rows.grouped("product_id")
        run.count("fetched", len(rows_by_product))
        links = store._stock_links(rows.product_id)
        levels = {
            target: store._stock_levels(links.product_id, location) for target, location in store._stock_targets()
        }
        totals = {product: sum(by_product[product] for by_product in levels.values()) for product in links.product_id}
        links_by_product = links.grouped("product_id")
        todo = []  # (link, StockUpdate): one per link and store location
        todo_by_product = {}
        for product, product_rows in rows_by_product.items():
            retry_only = all(product_rows.mapped("attempts"))
            todo_by_product[product] = []
            for link in links_by_product.get(product, []):
                if retry_only and not link.push_error and link.pushed_level == totals[product] and link.pushed_at:
                    continue  # accepted by an earlier flush; another variant of the product failed
                for target, by_product in levels.items():
                    todo.append((link, store._stock_update(link, by_product[product], target)))
                todo_by_product[product].append(link)

        accepted, errors = self._send(run, todo, deadline=deadline)
        now = fields.Datetime.now()
        for link in {link for link, _update in todo}:
            if link in accepted:
                link.write({"pushed_level": totals[link.product_id], "pushed_at": now, "push_error": False})
            elif link in errors:
                link.push_error = errors[link]

        failures = []
        for product, product_rows in rows_by_product.items():
            product_todo = todo_by_product[product]
            failed = [link for link in product_todo if link in errors]
            if failed:
                run.count("failed")
                reason = "; ".join(f"{link.sku or link.external_id}: {errors[link]}" for link in failed)
                failures.append(reason)
                self._record_failure(store, product, product_rows, reason, totals[product], now)
            elif all(link in accepted for link in product_todo):
                run.count("updated" if product_todo else "skipped")
                if any(product_rows.mapped("attempts")):
                    self.env["ecommerce.discrepancy"]._resolve(store, "inventory_drift", f"push:{product.id}")
                product_rows.unlink()
            # else: not attempted (the run stopped early); the rows wait for the next flush

        summary = _(
            "%(sent)s levels sent, %(failed)s failed.",
            sent=run.counts["updated"],
            failed=run.counts["failed"],
        )
        return run.finish(message="\n".join([run.message or summary, *failures]))

    @api.model
    def _lock_rows(self, rows):
        """Lock the rows to send; none when a flush that started later already sent them.

        Flushes of one store are exclusive (advisory lock), but a flush whose
        snapshot predates another one's commit would still see the rows that
        one deleted: locking them fails then, and this flush sends nothing.
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM ecommerce_stock_push WHERE id IN %s FOR UPDATE", tuple(rows.ids))
                )
                locked = {row_id for (row_id,) in self.env.cr.fetchall()}
        except pg_errors.SerializationFailure:
            _logger.info("Stock levels of store %s were just sent by another run", rows.store_id.name)
            return self.browse()
        return rows.filtered(lambda row: row.id in locked)

    @api.model
    def _send(self, run, todo, deadline=None):
        """Push the updates in batches; refused credentials or a platform down stop ``run``.

        :param list todo: ``[(ecommerce.product.link, StockUpdate)]``, one or more updates per link
            (one per store location)
        :param deadline: tools.Deadline: the batches not sent before it wait for the next flush
        :return: ``(links whose every update was accepted, {link: error})``; links of updates
            not attempted (the run stopped, or the deadline passed) are in neither
        """
        taken, refused = set(), {}  # ids of the updates
        store, connector = run.store, run.connector
        size = max(1, connector.push_batch_size or 1)
        for start in range(0, len(todo), size):
            if deadline is not None and deadline.expired():
                run.note(more_pending=True)
                break
            batch = [update for _link, update in todo[start : start + size]]
            mine = self._batch_updates(batch)
            try:
                result = connector.push_stock(batch)
            except RUN_ERRORS as exc:
                run.stop(exc)
                refused.update(dict.fromkeys(map(id, batch), str(exc)))
                break
            except ConnectorError as exc:
                _logger.info("Stock push to %s refused: %s", store.name, exc)
                refused.update(dict.fromkeys(map(id, batch), str(exc)))
                continue
            except Exception as exc:
                _logger.exception("Stock push to %s failed", store.name)
                refused.update(dict.fromkeys(map(id, batch), run.error_text(exc)))
                continue
            for update in result.accepted:
                if mine(update):
                    taken.add(id(mine(update)))
            for update, reason in result.failed:
                if mine(update):
                    refused[id(mine(update))] = reason or _("refused by the store")
            for update in batch:
                if id(update) not in taken and id(update) not in refused:
                    refused[id(update)] = _("The store did not confirm this update.")
        return self._link_outcomes(todo, taken, refused)

    @api.model
    def _batch_updates(self, batch):
        """A function giving, for an update a connector answered about, the update of ``batch`` it is.

        Connectors answer with the updates they were given, or copies of them naming the same variant.
        """
        by_id = {id(update): update for update in batch}
        variants = [update.variant_external_id for update in batch]
        by_variant = {
            update.variant_external_id: update for update in batch if variants.count(update.variant_external_id) == 1
        }
        return lambda update: by_id.get(id(update)) or by_variant.get(update.variant_external_id)

    @api.model
    def _link_outcomes(self, todo, taken, refused):
        """Per link: accepted when each of its updates was taken, else its errors (one per store location).

        :return: ``(accepted links, {link: error})``
        """
        several = len({update.location_external_id for _link, update in todo}) > 1
        messages, pending = defaultdict(list), set()
        for link, update in todo:
            if id(update) in refused:
                reason = refused[id(update)]
                messages[link].append(f"{update.location_external_id}: {reason}" if several else reason)
            elif id(update) not in taken:
                pending.add(link)
        accepted, errors = set(), {}
        for link, _update in todo:
            if messages[link]:
                errors[link] = "; ".join(dict.fromkeys(messages[link]))
            elif link not in pending:
                accepted.add(link)
        return accepted, errors

    @api.model
    def _record_failure(self, store, product, rows, reason, level, now):
        """Keep one row for the product with the error and one more attempt."""
        keep = rows.sorted("id")[-1:]
        attempts = max(rows.mapped("attempts")) + 1
        (rows - keep).unlink()
        keep.write({"attempts": attempts, "error": reason, "last_attempt_at": now})
        if attempts >= ALERT_ATTEMPTS:
            self.env["ecommerce.discrepancy"]._flag(
                store,
                "inventory_drift",
                _(
                    "The level %(level)s of %(product)s could not be sent to the store after %(attempts)s "
                    "attempts: %(error)s",
                    level=level,
                    product=product.display_name,
                    attempts=attempts,
                    error=reason,
                ),
                external_id=f"push:{product.id}",
                record=product,
                found=level,
            )

    @api.model
    def _stores_to_flush(self):
        """The connected, active stores that sync stock and have levels queued."""
        self.env.cr.flush()
        stores = self.env["ecommerce.store"].browse(
            [store.id for (store,) in self.sudo()._read_group([], ["store_id"])]
        )
        return stores.filtered(lambda store: store.active and store.sync_stock and store.state != "draft")

    @api.model
    def _cron_flush(self):
        """Send the queued levels of every connected store that syncs stock."""
        stores = self._stores_to_flush()
        deadline = Deadline.for_cron(self.env)
        done = 0
        for store in stores:
            if deadline.expired():
                break
            self._flush_store(store, trigger="cron", deadline=deadline)
            done += 1
        if done < len(stores):
            self.env.ref("ecommerce_sync.ir_cron_ecommerce_stock_push")._trigger()
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)

    # ------------------------------------------------------------------
    def action_send_now(self):
        """Flush the stores of the selected rows now."""
        self.check_access("write")
        for store in self.sudo().store_id:
            store.env["ecommerce.stock.push"]._flush_store(store, trigger="manual")
        return True

    def action_discard(self):
        """Drop levels the store will never accept (e.g. a variant deleted in the store)."""
        self.unlink()
        return True
