from datetime import datetime, timezone
from decimal import Decimal

from odoo import Command

from odoo.addons.ecommerce_sync.connector.records import (
    Fulfillment,
    FulfillmentLine,
    Order,
    Refund,
    RefundLine,
)

from . import memory_platform
from .common import EcommerceSyncCommon

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


class EcommerceStockCommon(EcommerceSyncCommon):
    """The memory store sells Alpha, Beta and Gamma from the company's warehouse.

    Its variants are "va", "vb" and "vc" (inventory items "ia", "ib", "ic")
    at the store location "loc-1"; the queue starts empty in every test.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.Push = cls.env["ecommerce.stock.push"]
        cls.builder = cls.env["ecommerce.stock.builder"]
        cls.compare = cls.env["ecommerce.stock.compare"]
        cls.store.stock_platform_location_id = "loc-1"
        cls.link_a, cls.link_b, cls.link_c = cls.link(
            cls.store, (cls.product_a, "va"), (cls.product_b, "vb"), (cls.product_c, "vc")
        )
        cls.customer = cls.env["res.partner"].create({"name": "Ada Buyer", "email": "ada@example.com"})
        cls.env.cr.flush()
        cls.Push.search([]).unlink()

    def setUp(self):
        super().setUp()
        self.env.cr.flush()
        self.Push.search([]).unlink()

    # ------------------------------------------------------------------
    @classmethod
    def link(cls, store, *products):
        links = cls.env["ecommerce.product.link"]
        for product, variant_id in products:
            links |= links.create(
                {
                    "store_id": store.id,
                    "external_id": variant_id,
                    "inventory_item_id": "i" + variant_id[1:],
                    "name": product.name,
                    "sku": product.default_code,
                    "product_id": product.id,
                }
            )
        return links

    @classmethod
    def second_store(cls, name="Second Shop"):
        memory_platform.shop(name)
        store = cls.env["ecommerce.store"].create({"name": name, "platform": "memory"})
        store.action_test_connection()
        return store

    def queued(self, store=None):
        """The queue as the next flush will see it."""
        self.env.cr.flush()
        domain = [("store_id", "=", store.id)] if store else []
        return self.Push.search(domain)

    def flush(self, store=None):
        return self.Push._flush_store(store or self.store, trigger="manual")

    def pushed(self, shop=None):
        """``[(variant id, quantity, inventory item id, location id)]`` of every update the shop accepted."""
        return [
            (update.variant_external_id, update.quantity, update.inventory_item_id, update.location_external_id)
            for update in (shop or self.shop).pushed
        ]

    def level(self, product, store=None):
        return (store or self.store)._stock_levels(product)[product]

    def count_stock(self, product, quantity, location=None):
        """An inventory adjustment setting the quantity on hand."""
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": product.id,
                    "location_id": (location or self.stock_location).id,
                    "inventory_quantity": quantity,
                }
            )
        )
        quant.action_apply_inventory()
        return quant

    def receive(self, product, quantity, location=None, picking_type=None):
        """A validated receipt from the vendor."""
        location = location or self.stock_location
        picking_type = picking_type or self.warehouse.in_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def store_order(self, lines, external_id="1001", store=None):
        """A confirmed sale order as an import leaves it.

        :param lines: ``[(product, quantity, store line id)]``
        """
        store = store or self.store
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "ecommerce_store_id": store.id,
                "ecommerce_external_id": external_id,
                "ecommerce_order_name": f"#{external_id}",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": 20.0,
                            "ecommerce_line_external_id": line_id,
                        }
                    )
                    for product, quantity, line_id in lines
                ],
            }
        )
        order.action_confirm()
        return order

    def order_record(self, external_id="1001", fulfillments=()):
        """The canonical order, as far as stock is concerned."""
        return Order(
            external_id=external_id,
            name=f"#{external_id}",
            currency="USD",
            created_at=T0,
            updated_at=T0,
            fulfillments=list(fulfillments),
        )

    def fulfillment(self, external_id, lines, minutes=0, tracking="", carrier="UPS"):
        """:param lines: ``[(store line id, quantity)]``"""
        return Fulfillment(
            external_id=external_id,
            order_external_id="1001",
            created_at=T0.replace(minute=minutes),
            tracking_number=tracking,
            tracking_company=carrier,
            tracking_url=f"https://track.example.com/{tracking}" if tracking else "",
            lines=[FulfillmentLine(line_id, Decimal(str(quantity))) for line_id, quantity in lines],
        )

    def refund(self, external_id, lines, restock=True, restock_type=""):
        """:param lines: ``[(store line id, quantity)]``"""
        return Refund(
            external_id=external_id,
            order_external_id="1001",
            currency="USD",
            created_at=T0,
            lines=[
                RefundLine(
                    line_id,
                    Decimal(str(quantity)),
                    Decimal("20.00") * quantity,
                    restock=restock,
                    restock_type=restock_type,
                )
                for line_id, quantity in lines
            ],
        )

    def deliveries(self, sale_order):
        return sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "outgoing").sorted("id")
