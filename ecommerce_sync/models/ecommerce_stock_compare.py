from odoo import _, api, fields, models
from odoo.osv import expression

from ..tools import SyncRun


class EcommerceStockCompare(models.AbstractModel):
    """The store's stock levels against Odoo's.

    * :meth:`_compare_store_levels` reads every level of a store (daily, and
      the store's "Compare stock now");
    * :meth:`_import_stock_level` compares one level the platform reports
      (level webhooks, the "stock" flow).

    A differing level becomes an open ``inventory_drift`` discrepancy and is
    corrected as the store's drift correction says; a level that agrees
    again resolves it.
    """

    _name = "ecommerce.stock.compare"
    _description = "Stock Level Comparison"

    @api.model
    def _compare_store_levels(self, store, trigger="manual", connector=None):
        """Read every level of the store and record the products that differ from Odoo's.

        Queued levels are sent first (a level on its way is no drift). Each
        linked variant whose store level differs from the level Odoo would send
        gets an open ``inventory_drift`` discrepancy (store level as expected,
        Odoo's as found); those that agree again are resolved. The store's
        inventory discrepancy rate becomes differing / linked.

        :param str trigger: "cron" or "manual"
        :param connector: the store's connector (a new one when None)
        :return: the sync log (flow "stock"): fetched = levels compared,
            updated = differing, skipped = agreeing
        :rtype: ecommerce.sync.log
        """
        store = store.sudo().with_company(store.company_id)
        self.env["ecommerce.stock.push"]._flush_store(store, trigger=trigger, connector=connector)
        run = SyncRun(store, "stock", trigger)
        with run:
            connector = run.connect(connector)
            links = store._stock_links()
            targets = store._stock_targets()
            several = len(targets) > 1
            levels = {target: store._stock_levels(links.product_id, location) for target, location in targets}
            store_levels = self._read_store_levels(store, connector, links, list(levels))
            missing = 0
            for link in links:
                for target, odoo_levels in levels.items():
                    found = store_levels.get((link.external_id, target))
                    if found is None:
                        missing += 1
                        continue
                    run.count("fetched")
                    differs = self._check_level(
                        store, link, found, odoo_levels[link.product_id], target if several else ""
                    )
                    run.count("updated" if differs else "skipped")
                if several:
                    shown = sum(store_levels.get((link.external_id, target), 0) for target in levels)
                    link.write({"store_level": float(shown), "store_level_at": fields.Datetime.now()})
            compared = len(links) * len(levels)
            rate = run.counts["updated"] / compared if compared else 0.0
            store.write({"inventory_discrepancy_rate": rate, "stock_compared_at": fields.Datetime.now()})
            message = _(
                "%(differing)s of %(linked)s linked variants differ from Odoo (%(rate)s %%).",
                differing=run.counts["updated"],
                linked=compared,
                rate=round(rate * 100, 1),
            )
            if missing:
                message += " " + _("%(missing)s have no level in the store.", missing=missing)
            run.finish(message=message)
        return run.log

    @api.model
    def _read_store_levels(self, store, connector, links, targets):
        """``{(variant id, store location id): Decimal}``: the store's levels of ``links`` at ``targets``.

        :param list targets: the store locations compared (``ecommerce.store._stock_targets``); a single
            one without id reads the levels summed over every location
        """
        by_variant = {link.external_id: link for link in links}
        by_item = {link.inventory_item_id: link for link in links if link.inventory_item_id}
        result = {}
        if not links or not targets:
            return result
        for level in connector.fetch_stock_levels(list(by_variant)):
            target = self._level_target(level, targets)
            link = by_variant.get(level.variant_external_id) or by_item.get(level.inventory_item_id)
            if link and target is not None:
                key = (link.external_id, target)
                result[key] = result.get(key, 0) + level.available
        return result

    @api.model
    def _level_target(self, level, targets):
        """The store location of ``targets`` a level the store reported counts for (None: none of them).

        With one store location, a level naming no location (or the store having no location id)
        counts for it.
        """
        location = level.location_external_id
        if len(targets) == 1:
            target = targets[0]
            return target if not target or not location or location == target else None
        return location if location in targets else None

    @api.model
    def _check_level(self, store, link, store_level, odoo_level, location_external_id=""):
        """Compare one variant's store level with Odoo's; flag or resolve its drift.

        A differing level is corrected (queued) per the store's drift
        correction setting.

        :param str location_external_id: the store location compared, when the store shows its stock at
            several (the drift is then flagged per location; the variant's store level is the caller's)
        :return: True when the levels differ
        """
        if not location_external_id:
            link.write({"store_level": float(store_level), "store_level_at": fields.Datetime.now()})
        Discrepancy = self.env["ecommerce.discrepancy"].sudo()
        reference = f"{link.external_id}@{location_external_id}" if location_external_id else link.external_id
        if store_level == odoo_level:
            Discrepancy._resolve(store, "inventory_drift", reference)
            return False
        if location_external_id:
            message = _(
                "The store location %(location)s shows %(store_level)s of %(name)s (SKU %(sku)s) where Odoo "
                "would show %(odoo_level)s.",
                location=location_external_id,
                store_level=store_level,
                name=link.name,
                sku=link.sku or "-",
                odoo_level=odoo_level,
            )
        else:
            message = _(
                "The store shows %(store_level)s of %(name)s (SKU %(sku)s) where Odoo would show %(odoo_level)s.",
                store_level=store_level,
                name=link.name,
                sku=link.sku or "-",
                odoo_level=odoo_level,
            )
        Discrepancy._flag(
            store,
            "inventory_drift",
            message,
            external_id=reference,
            record=link.product_id,
            expected=store_level,
            found=odoo_level,
        )
        if self._corrects(store, store_level, odoo_level):
            self.env["ecommerce.stock.push"]._queue({store.id: [link.product_id.id]})
        return True

    @api.model
    def _corrects(self, store, store_level, odoo_level):
        """Whether the store's drift correction sends Odoo's level over a differing store level."""
        correction = store.stock_drift_correction
        return correction == "always" or (correction == "lower" and store_level > odoo_level)

    @api.model
    def _import_stock_level(self, store, level):
        """Engine handler of canonical StockLevel records (pulled, or from a level webhook).

        Compares that variant's level with Odoo's at that store location: see
        :meth:`_check_level`. Levels of other store locations, of variants not linked or not
        tracked, and of products with a level already on its way are skipped.

        :return: "updated" when the level differs, else "skipped"
        """
        return self._import_stock_levels(store, [level])[0]

    @api.model
    def _import_stock_levels(self, store, levels):
        """Engine batch handler of StockLevel records: :meth:`_import_stock_level` for a page.

        The page's variants, the levels already on their way and Odoo's levels (per store
        location shown) are looked up once; the levels are then compared in turn (a level a
        correction queued is on its way for the levels after it).

        :return: per level, "updated" when it differs, else "skipped"
        :rtype: list[str]
        """
        outcomes = ["skipped"] * len(levels)
        targets = dict(store._stock_targets())
        level_targets = {index: self._level_target(level, list(targets)) for index, level in enumerate(levels)}
        wanted = [
            index
            for index, level in enumerate(levels)
            if store.sync_stock
            and (level.variant_external_id or level.inventory_item_id)
            and level_targets[index] is not None
        ]
        if not wanted:
            return outcomes
        variant_ids = list({levels[index].variant_external_id for index in wanted} - {"", None})
        item_ids = list({levels[index].inventory_item_id for index in wanted} - {"", None})
        keys = [[("external_id", "in", variant_ids)]] if variant_ids else []
        keys += [[("inventory_item_id", "in", item_ids)]] if item_ids else []
        links = store._stock_links(extra_domain=expression.OR(keys))
        if not links:
            return outcomes
        self.env.cr.flush()
        pushes = (
            self.env["ecommerce.stock.push"]
            .sudo()
            .search([("store_id", "=", store.id), ("product_id", "in", links.product_id.ids)])
        )
        on_its_way = set(pushes.product_id.ids)
        odoo_levels = {}  # per store location shown: Odoo's levels of the page's products
        for index in wanted:
            level, target = levels[index], level_targets[index]
            level_links = links.filtered(
                lambda link, level=level: (
                    (level.variant_external_id and link.external_id == level.variant_external_id)
                    or (level.inventory_item_id and link.inventory_item_id == level.inventory_item_id)
                )
            )
            if not level_links or on_its_way & set(level_links.product_id.ids):
                continue
            if target not in odoo_levels:
                odoo_levels[target] = store._stock_levels(links.product_id, targets[target])
            location = target if len(targets) > 1 else ""
            for link in level_links:
                odoo_level = odoo_levels[target][link.product_id]
                if self._check_level(store, link, level.available, odoo_level, location):
                    outcomes[index] = "updated"
                    if self._corrects(store, level.available, odoo_level):
                        on_its_way.add(link.product_id.id)
        return outcomes
