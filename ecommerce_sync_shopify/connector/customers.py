"""Shopify customers and addresses -> canonical Customer and Address."""

from odoo.addons.ecommerce_sync.connector import Address, Customer, required_id

from .payloads import split_tags, text


def parse_address(data, email=""):
    """A Shopify address (billing, shipping, customer default) or None when absent."""
    if not isinstance(data, dict) or not data:
        return None
    name = text(data.get("name")) or " ".join(
        part for part in (text(data.get("first_name")), text(data.get("last_name"))) if part
    )
    address = Address(
        name=name,
        company=text(data.get("company")),
        street=text(data.get("address1")),
        street2=text(data.get("address2")),
        city=text(data.get("city")),
        zip=text(data.get("zip")),
        state_code=text(data.get("province_code")),
        state_name=text(data.get("province")),
        country_code=text(data.get("country_code")).upper(),
        phone=text(data.get("phone")),
        email=email,
    )
    return None if address.is_empty() else address


def parse_customer(data):
    """The order's customer, or None for a guest checkout without a customer record."""
    if not isinstance(data, dict) or not data.get("id"):
        return None
    default = data.get("default_address") or {}
    return Customer(
        external_id=required_id(data["id"], "customer id"),
        email=text(data.get("email")),
        first_name=text(data.get("first_name")) or text(default.get("first_name")),
        last_name=text(data.get("last_name")) or text(default.get("last_name")),
        phone=text(data.get("phone")),
        company=text(default.get("company")),
        tags=split_tags(data.get("tags")),
        address=parse_address(default, email=text(data.get("email"))),
    )
