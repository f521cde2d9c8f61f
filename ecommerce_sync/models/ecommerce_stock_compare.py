from odoo import _, api, fields, models

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
            levels = store._stock_levels(links.product_id)
            store_levels = self._read_store_levels(store, connector, links)
            missing = 0
            for link in links:
                found = store_levels.get(link.external_id)
                if found is None:
                    missing += 1
                    continue
                run.count("fetched")
                differs = self._check_level(store, link, found, levels[link.product_id])
                run.count("updated" if differs else "skipped")
            rate = run.counts["updated"] / len(links) if links else 0.0
            store.write({"inventory_discrepancy_rate": rate, "stock_compared_at": fields.Datetime.now()})
            message = _(
                "%(differing)s of %(linked)s linked variants differ from Odoo (%(rate)s %%).",
                differing=run.counts["updated"],
                linked=len(links),
                rate=round(rate * 100, 1),
            )
            if missing:
                message += " " + _("%(missing)s have no level in the store.", missing=missing)
            run.finish(message=message)
        return run.log

    @api.model
    def _read_store_levels(self, store, connector, links):
        """``{variant id: Decimal}``: the store's levels of ``links`` at the store's location (all when unset)."""
        by_variant = {link.external_id: link for link in links}
        by_item = {link.inventory_item_id: link for link in links if link.inventory_item_id}
        location = store.stock_platform_location_id
        result = {}
        if not links:
            return result
        for level in connector.fetch_stock_levels(list(by_variant)):
            if location and level.location_external_id and level.location_external_id != location:
                continue
            link = by_variant.get(level.variant_external_id) or by_item.get(level.inventory_item_id)
            if link:
                result[link.external_id] = result.get(link.external_id, 0) + level.available
        return result

    @api.model
    def _check_level(self, store, link, store_level, odoo_level):
        """Compare one variant's store level with Odoo's; flag or resolve its drift.

        A differing level is corrected (queued) per the store's drift
        correction setting.

        :return: True when the levels differ
        """
        link.write({"store_level": float(store_level), "store_level_at": fields.Datetime.now()})
        Discrepancy = self.env["ecommerce.discrepancy"].sudo()
        if store_level == odoo_level:
            Discrepancy._resolve(store, "inventory_drift", link.external_id)
            return False
        Discrepancy._flag(
            store,
            "inventory_drift",
            _(
                "The store shows %(store_level)s of %(name)s (SKU %(sku)s) where Odoo would show %(odoo_level)s.",
                store_level=store_level,
                name=link.name,
                sku=link.sku or "-",
                odoo_level=odoo_level,
            ),
            external_id=link.external_id,
            record=link.product_id,
            expected=store_level,
            found=odoo_level,
        )
        correction = store.stock_drift_correction
        if correction == "always" or (correction == "lower" and store_level > odoo_level):
            self.env["ecommerce.stock.push"]._queue({store.id: [link.product_id.id]})
        return True

    @api.model
    def _import_stock_level(self, store, level):
        """Engine handler of canonical StockLevel records (pulled, or from a level webhook).

        Compares that variant's level with Odoo's: see :meth:`_check_level`.
        Levels of other store locations, of variants not linked or not
        tracked, and of products with a level already on its way are skipped.

        :return: "updated" when the level differs, else "skipped"
        """
        location = store.stock_platform_location_id
        if not store.sync_stock or (location and level.location_external_id and level.location_external_id != location):
            return "skipped"
        keys = [("external_id", "=", level.variant_external_id)] if level.variant_external_id else []
        if level.inventory_item_id:
            keys = [*(["|"] if keys else []), *keys, ("inventory_item_id", "=", level.inventory_item_id)]
        if not keys:
            return "skipped"
        links = store._stock_links(extra_domain=keys)
        if not links:
            return "skipped"
        self.env.cr.flush()
        on_its_way = (
            self.env["ecommerce.stock.push"]
            .sudo()
            .search_count([("store_id", "=", store.id), ("product_id", "in", links.product_id.ids)])
        )
        if on_its_way:
            return "skipped"
        levels = store._stock_levels(links.product_id)
        outcome = "skipped"
        for link in links:
            if self._check_level(store, link, level.available, levels[link.product_id]):
                outcome = "updated"
        return outcome
