"""Shared set-up of the ledger tests: a store on a fresh company with its accounting set up."""

from datetime import datetime, timezone
from decimal import Decimal

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..connector.records import (
    Address,
    Customer,
    Discount,
    Order,
    OrderLine,
    Refund,
    RefundAdjustment,
    RefundLine,
    ShippingLine,
    TaxLine,
    Transaction,
)
from . import memory_platform, order_generator

D = Decimal


def at(day, hour=12):
    """An aware UTC timestamp in January 2025."""
    return datetime(2025, 1, day, hour, 0, tzinfo=timezone.utc)


class LedgerCommon(AccountTestInvoicingCommon):
    """A memory store "Ledger Shop" with its accounting set up, products and a US sales tax."""

    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("ecommerce_sync.group_ecommerce_manager")
            | cls.env.ref("sales_team.group_sale_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.usd = cls.company.currency_id
        memory_platform.shop("Ledger Shop")
        cls.store = cls.env["ecommerce.store"].create(
            {"name": "Ledger Shop", "platform": "memory", "company_id": cls.company.id}
        )
        cls.store.action_setup_accounting()
        cls.clearing = cls.store.clearing_account_id
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.Product = cls.env["product.product"]
        cls.product_a = cls.Product.create(
            {"name": "Alpha mug", "default_code": "SKU-A", "type": "consu", "list_price": 20.0}
        )
        cls.product_b = cls.Product.create(
            {"name": "Beta poster", "default_code": "SKU-B", "barcode": "4006381333931", "type": "consu"}
        )
        tax_group = cls.env["account.tax.group"].create({"name": "Sales tax 6.25%", "company_id": cls.company.id})
        cls.tax_account = cls.company_data["default_account_tax_sale"][:1]
        cls.sales_tax = cls.env["account.tax"].create(
            {
                "name": "State sales tax 6.25%",
                "amount": 6.25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "tax_group_id": tax_group.id,
                "company_id": cls.company.id,
                "invoice_repartition_line_ids": [
                    Command.create({"repartition_type": "base"}),
                    Command.create({"repartition_type": "tax", "account_id": cls.tax_account.id}),
                ],
                "refund_repartition_line_ids": [
                    Command.create({"repartition_type": "base"}),
                    Command.create({"repartition_type": "tax", "account_id": cls.tax_account.id}),
                ],
            }
        )
        cls.env["ecommerce.tax.mapping"].create(
            {"store_id": cls.store.id, "external_key": "US-STATE", "tax_id": cls.sales_tax.id}
        )
        vat_group = cls.env["account.tax.group"].create({"name": "VAT 20%", "company_id": cls.company.id})
        cls.vat = cls.env["account.tax"].create(
            {
                "name": "VAT 20%",
                "amount": 20.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "tax_group_id": vat_group.id,
                "company_id": cls.company.id,
                "price_include_override": "tax_excluded",
            }
        )
        cls.env["ecommerce.tax.mapping"].create(
            {"store_id": cls.store.id, "external_key": "FR-VAT-20", "tax_id": cls.vat.id}
        )

    @classmethod
    def set_up_generated_shop(cls):
        """The products of ``order_generator`` and its gift cards, paid from their own journal."""
        for sku, name, price in order_generator.CATALOG:
            if not cls.Product.search_count([("default_code", "=", sku)]):
                cls.Product.create({"name": name, "default_code": sku, "type": "consu", "list_price": float(price)})
        cls.gift_account = cls.env["account.account"].create(
            {"name": "Gift cards issued", "code": "GIFT01", "account_type": "liability_current", "reconcile": True}
        )
        gift_journal = cls.env["account.journal"].create({"name": "Gift cards", "type": "bank", "code": "GIFT"})
        (gift_journal.inbound_payment_method_line_ids | gift_journal.outbound_payment_method_line_ids).write(
            {"payment_account_id": cls.gift_account.id}
        )
        cls.env["ecommerce.gateway.mapping"].create(
            {"store_id": cls.store.id, "gateway": "gift_card", "journal_id": gift_journal.id}
        )

    # ------------------------------------------------------------------
    def handle(self, record, store=None):
        """Run a canonical record through the engine's handler for its type."""
        handlers = self.env["ecommerce.sync.engine"]._get_handlers()
        return handlers[type(record).__name__](store or self.store, record)

    def binding(self, kind, external_id, store=None):
        return self.env["ecommerce.binding"]._find_record(store or self.store, kind, external_id)

    def balance(self, account, moves=None):
        """Posted balance of an account (optionally within moves), rounded to the cent."""
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        return round(sum(self.env["account.move.line"].search(domain).mapped("balance")), 2)

    def discrepancies(self, kind=None, store=None):
        domain = [("store_id", "=", (store or self.store).id), ("state", "=", "open")]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["ecommerce.discrepancy"].search(domain)

    # ------------------------------------------------------------------
    # canonical records
    @staticmethod
    def us_tax(amount):
        return [TaxLine("State Tax", D("0.0625"), D(amount), code="US-STATE")]

    @staticmethod
    def customer(external_id="c-1", email="ada@example.com", phone="(415) 555-0100"):
        return Customer(
            external_id=external_id,
            email=email,
            first_name="Ada",
            last_name="Lovelace",
            phone=phone,
            address=Address(
                name="Ada Lovelace",
                street="1 Market St",
                city="San Francisco",
                zip="94105",
                state_code="CA",
                country_code="US",
            ),
        )

    def us_order(self, external_id="1001", updated=None, transactions=None, **kwargs):
        """A tax-excluded US order: two lines, shipping, a discount code, 6.25 % sales tax.

        2 x 20.00 - 4.00 = 36.00 (tax 2.25); 1 x 35.50 - 3.55 = 31.95 (tax 2.00);
        shipping 7.99 untaxed; untaxed 75.94, tax 4.25, total 80.19.
        """
        address = Address(
            name="Ada Lovelace",
            street="1 Market St",
            city="San Francisco",
            zip="94105",
            state_code="CA",
            country_code="US",
            phone="415-555-0100",
        )
        values = {
            "external_id": external_id,
            "name": f"#{external_id}",
            "currency": "USD",
            "created_at": at(5),
            "updated_at": updated or at(5, 13),
            "taxes_included": False,
            "lines": [
                OrderLine(
                    "l1", "Alpha mug", D(2), D("20.00"), sku="SKU-A", discount=D("4.00"), tax_lines=self.us_tax("2.25")
                ),
                OrderLine(
                    "l2",
                    "Beta poster",
                    D(1),
                    D("35.50"),
                    sku="SKU-B",
                    discount=D("3.55"),
                    tax_lines=self.us_tax("2.00"),
                ),
            ],
            "shipping_lines": [ShippingLine("s1", "Standard", D("7.99"), code="standard")],
            "discounts": [Discount("WELCOME10", D("7.55"))],
            "total_tax": D("4.25"),
            "total": D("80.19"),
            "customer": self.customer(),
            "email": "ada@example.com",
            "billing_address": address,
            "shipping_address": address,
            "financial_status": "paid",
            "transactions": transactions
            if transactions is not None
            else [
                Transaction(
                    f"t-{external_id}", "sale", "success", D("80.19"), "USD", gateway="card", processed_at=at(5, 12)
                )
            ],
        }
        values.update(kwargs)
        return Order(**values)

    @staticmethod
    def vat_lines(amount):
        return [TaxLine("VAT", D("0.20"), D(amount), code="FR-VAT-20")]

    def eu_order(self, external_id="2001", **kwargs):
        """A French order with prices including 20 % VAT.

        1 x 24.00 (VAT 4.00); 2 x 12.50 - 2.50 = 22.50 (VAT 3.75); shipping 6.00 (VAT 1.00):
        total 52.50, VAT 8.75, untaxed 43.75.
        """
        address = Address(
            name="Marie Curie",
            street="11 rue Pierre",
            city="Paris",
            zip="75005",
            country_code="FR",
            phone="01 44 27 00 00",
        )
        values = {
            "external_id": external_id,
            "name": f"#{external_id}",
            "currency": "USD",
            "created_at": at(6),
            "updated_at": at(6),
            "taxes_included": True,
            "lines": [
                OrderLine("e1", "Alpha mug", D(1), D("24.00"), sku="SKU-A", tax_lines=self.vat_lines("4.00")),
                OrderLine(
                    "e2",
                    "Beta poster",
                    D(2),
                    D("12.50"),
                    sku="SKU-B",
                    discount=D("2.50"),
                    tax_lines=self.vat_lines("3.75"),
                ),
            ],
            "shipping_lines": [ShippingLine("s", "Colissimo", D("6.00"), tax_lines=self.vat_lines("1.00"))],
            "total_tax": D("8.75"),
            "total": D("52.50"),
            "email": "marie@example.fr",
            "billing_address": address,
            "shipping_address": address,
            "transactions": [Transaction(f"t-{external_id}", "sale", "success", D("52.50"), "USD", gateway="card")],
        }
        values.update(kwargs)
        return Order(**values)

    @staticmethod
    def refund_of(order, external_id, lines=(), adjustments=(), amount=None, day=8):
        refund = Refund(
            external_id=external_id,
            order_external_id=order.external_id,
            currency=order.currency,
            created_at=at(day),
            lines=list(lines),
            adjustments=list(adjustments),
        )
        total = refund.total if amount is None else D(amount)
        if total:
            refund.transactions = [
                Transaction(
                    f"rt-{external_id}",
                    "refund",
                    "success",
                    total,
                    order.currency,
                    gateway="card",
                    processed_at=at(day),
                )
            ]
        return refund


__all__ = [
    "D",
    "LedgerCommon",
    "RefundAdjustment",
    "RefundLine",
    "at",
]
