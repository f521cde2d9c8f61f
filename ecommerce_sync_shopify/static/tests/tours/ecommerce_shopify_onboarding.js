/** @odoo-module **/
/*
 * A new user connects a Shopify store (the sandbox shop of the test) through the guided set-up,
 * runs the first sync, opens the dashboard, follows the store's invoices figure, opens a payout and
 * the invoice of an order it settled.
 * The Python side (tests/test_tour.py) sets window.ecommerceTourShop (domain, url, token) before the tour starts.
 */

import { registry } from "@web/core/registry";

const shop = {};

function type(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("ecommerce_shopify_onboarding", {
    url: "/odoo/action-ecommerce_sync.ecommerce_store_action",
    steps: () => [
        {
            content: "Read the sandbox shop's address",
            trigger: ".o_list_view",
            run() {
                Object.assign(shop, window.ecommerceTourShop);
            },
        },
        {
            content: "Start the guided set-up from 'New store'",
            trigger: ".o_list_view .o_control_panel_main_buttons button:contains(New store), .o_list_view button:contains(New store)",
            run: "click",
        },
        {
            content: "Name the store",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Tour Outfitters",
        },
        {
            content: "Choose Shopify",
            trigger: ".modal .o_field_widget[name=platform] select",
            run: 'select "shopify"',
        },
        {
            content: "Next: the credentials",
            trigger: ".modal .o_ecommerce_setup_next",
            run: "click",
        },
        {
            content: "Shop domain",
            trigger: ".modal .o_field_widget[name=shopify_shop_domain] input",
            run() {
                type(this.anchor, shop.domain);
            },
        },
        {
            content: "Admin API access token",
            trigger: ".modal .o_field_widget[name=shopify_access_token] input",
            run() {
                type(this.anchor, shop.token);
            },
        },
        {
            content: "It is the local test shop",
            trigger: ".modal .o_field_widget[name=shopify_local_test_shop] input",
            run: "click",
        },
        {
            content: "Its address",
            trigger: ".modal .o_field_widget[name=shopify_api_base_url] input",
            run() {
                type(this.anchor, shop.url);
            },
        },
        {
            content: "Test connection",
            trigger: ".modal .o_ecommerce_setup_test",
            run: "click",
        },
        {
            content: "Connected",
            trigger: ".modal .text-success:contains(Connected to Sandbox Outfitters)",
        },
        {
            content: "Next: accounting",
            trigger: ".modal .o_ecommerce_setup_next",
            run: "click",
        },
        {
            content: "The clearing journal was made",
            trigger: ".modal .o_field_widget[name=clearing_journal_id] input:value(/clearing/)",
        },
        {
            content: "Next: stock",
            trigger: ".modal .o_ecommerce_setup_next",
            run: "click",
        },
        {
            content: "Next: first import",
            trigger: ".modal .o_field_widget[name=warehouse_id]",
            run() {
                document.querySelector(".modal .o_ecommerce_setup_next").click();
            },
        },
        {
            content: "Import every order of the shop",
            trigger: ".modal .o_field_widget[name=import_scope] input[data-value=all]",
            run: "click",
        },
        {
            content: "Sync now",
            trigger: ".modal footer button:contains(Sync now)",
            run: "click",
        },
        {
            content: "The store opens after its first sync",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Tour Outfitters)",
            timeout: 60000,
        },
        {
            content: "Its orders are counted",
            trigger: ".o_form_view .oe_stat_button[name=action_view_orders] .o_stat_value:not(:contains(/^0$/))",
        },
        {
            content: "Open the dashboard",
            trigger: ".o_main_navbar [data-menu-xmlid='ecommerce_sync.ecommerce_store_menu_dashboard']",
            run: "click",
        },
        {
            content: "Follow the store's invoices figure",
            trigger: ".o_kanban_record:contains(Tour Outfitters) a.o_ecommerce_invoices",
            run: "click",
        },
        {
            content: "Its invoices are listed",
            trigger: ".o_list_view .o_content:not(.o_view_sample_data) .o_data_row .o_data_cell:contains(INV/)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Dashboard)",
            run: "click",
        },
        {
            content: "Follow the store's payouts figure",
            trigger: ".o_kanban_record:contains(Tour Outfitters) a.o_ecommerce_payouts",
            run: "click",
        },
        {
            content: "Open a payout (a booked one, not the sample rows of an empty list)",
            trigger: ".o_list_view .o_content:not(.o_view_sample_data) .o_data_row:first .o_data_cell:first",
            run: "click",
        },
        {
            content: "The payout: a transfer out of the clearing journal",
            trigger: ".o_form_view .o_field_widget[name=journal_id]:contains(clearing)",
        },
        {
            content: "It lists the orders it settled",
            trigger: ".o_form_view .o_ecommerce_payout_lines .o_data_row .o_data_cell[name=order_name]:contains(#)",
        },
        {
            content: "And whether the bank received it",
            trigger: ".o_form_view .o_field_widget[name=ecommerce_deposit_state]:contains(Waiting for the bank)",
        },
        {
            content: "Open the invoice of a settled order",
            trigger:
                ".o_form_view .o_ecommerce_payout_lines .o_data_row:has(.o_data_cell[name=kind]:contains(Payment)) " +
                "button[name=action_open_document]",
            run: "click",
        },
        {
            content: "The invoice the payout settled",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(INV/)",
        },
    ],
});
