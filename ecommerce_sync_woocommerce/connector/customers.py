"""WooCommerce billing and shipping addresses and customers -> canonical Address and Customer."""

from odoo.addons.ecommerce_sync.connector import Address, Customer, optional_id

from .payloads import text


def parse_address(data):
    """A WooCommerce billing/shipping object as an :class:`Address` (None when empty)."""
    if not isinstance(data, dict):
        return None
    name = " ".join(part for part in (text(data.get("first_name")), text(data.get("last_name"))) if part)
    address = Address(
        name=name,
        company=text(data.get("company")),
        street=text(data.get("address_1")),
        street2=text(data.get("address_2")),
        city=text(data.get("city")),
        zip=str(data.get("postcode") or "").strip(),
        state_code=str(data.get("state") or "").strip(),
        country_code=str(data.get("country") or "").strip().upper(),
        phone=str(data.get("phone") or "").strip(),
        email=str(data.get("email") or "").strip(),
    )
    return None if address.is_empty() and not address.email else address


def parse_customer(payload, billing):
    customer_id = optional_id(payload.get("customer_id"), "order customer_id")
    data = payload.get("billing") or {}
    if not customer_id and not data.get("email"):
        return None
    return Customer(
        external_id=customer_id,
        email=str(data.get("email") or "").strip(),
        first_name=text(data.get("first_name")),
        last_name=text(data.get("last_name")),
        phone=str(data.get("phone") or "").strip(),
        company=text(data.get("company")),
        address=billing,
    )
