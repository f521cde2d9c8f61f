"""The demo's Square seller: its store set up as a merchant would, and its figures against the sandbox's own.

Imported by ``demo_setup.py`` (inside Odoo). The seller's set-up is the Square sandbox's
``merchant`` module (locations mapped to warehouses, taxes, cash journal, tips, products counted);
its figures are read back from the sandbox's data regenerated from its seed, never through the
connector.
"""

from decimal import Decimal

#: the flows pulled for a Square store, in the connector's order
FLOWS = ("products", "orders", "refunds", "payouts")


def setup_store(env, square, seed, orders, on_hand):
    """The Square store talking to the sandbox of ``square`` (its JSON line, the webhook token and key).

    :return: the store and the number of products in its catalogue
    """
    from odoo.addons.ecommerce_sync_square.sandbox import SandboxSeller, generate, merchant

    store = env["ecommerce.store"].create(
        {
            "name": "Harbor Coffee Roasters (Square)",
            "platform": "square",
            "square_environment": "local",
            "square_api_base_url": square["url"],
            "square_access_token": square["token"],
            "webhook_secret": square["webhook_key"],
            "square_notification_url": square["notification_url"],
            "discrepancy_user_id": env.ref("base.user_admin").id,
        }
    )
    store.webhook_token = square["webhook_token"]
    seller = SandboxSeller(generate(seed=seed, orders=orders))
    products = merchant.set_up_store(env, store, seller, on_hand=on_hand)
    if store.state != "connected":
        raise SystemExit(f"Test connection failed: {store.state_message}")
    return store, len(products)


def describe(store):
    """One line per Square location: its warehouse."""
    return [
        f"      {location.name:<26} -> {location.warehouse_id.name or store.warehouse_id.name}"
        for location in store.square_location_ids
    ]


def against_the_seller(env, store, seed, orders, currency):
    """Lines comparing the store's documents with what the sandbox seller says (its data regenerated)."""
    from odoo.addons.ecommerce_sync_square.sandbox import SandboxSeller, figures, generate

    seller = SandboxSeller(generate(seed=seed, orders=orders))
    Binding = env["ecommerce.binding"]
    identical = 0
    sales = figures.sales(seller)
    for order in sales:
        sale_order = Binding._find_record(store, "order", order["id"])
        invoice = sale_order.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        _untaxed, tax, total = figures.totals(order)
        if len(invoice) == 1 and (Decimal(str(invoice.amount_total)), Decimal(str(invoice.amount_tax))) == (total, tax):
            identical += 1
    Move = env["account.move"]
    domain = [("ecommerce_store_id", "=", store.id), ("state", "=", "posted")]
    invoiced = sum(Move.search(domain + [("move_type", "=", "out_invoice")]).mapped("amount_total"))
    credited = sum(Move.search(domain + [("move_type", "=", "out_refund")]).mapped("amount_total"))
    Line = env["account.move.line"]
    fees = sum(
        Line.search([("account_id", "=", store.fee_account_id.id), ("parent_state", "=", "posted")]).mapped("balance")
    )
    clearing = sum(
        Line.search([("account_id", "=", store.clearing_account_id.id), ("parent_state", "=", "posted")]).mapped(
            "balance"
        )
    )
    paid = figures.payouts(seller)
    sent = sum(figures.dollars(payout["amount_money"]["amount"]) for payout in figures.payouts(seller, "SENT"))
    booked = Binding.search_count([("store_id", "=", store.id), ("kind", "=", "payout")])
    tips = sum(figures.dollars(order["total_tip_money"]["amount"]) for order in sales)
    tip_lines = Line.search([("account_id", "=", store.tips_account_id.id), ("parent_state", "=", "posted")])
    return [
        f"Data sync accuracy   {identical}/{len(sales)} sales with identical totals and tax "
        f"({100.0 * identical / max(len(sales), 1):.1f} %)",
        f"Net sales            Square {currency.format(float(figures.net_sales(seller)))}, "
        f"invoices less credit notes {currency.format(invoiced - credited)}",
        f"Tips                 Square {currency.format(float(tips))}, "
        f"tips account {currency.format(-sum(tip_lines.mapped('balance')))}",
        f"Fees                 Square {currency.format(float(figures.fees(seller)))}, "
        f"fee account {currency.format(fees)}",
        f"Payouts              Square {len(paid)} paid, Odoo {booked} booked; "
        f"still on the way {currency.format(float(sent))}, clearing balance {currency.format(clearing)}",
    ]
