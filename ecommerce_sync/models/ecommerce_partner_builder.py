import logging

import phonenumbers

from odoo import _, api, models
from odoo.osv import expression

from ..ledger.plans import OrderPartners

_logger = logging.getLogger(__name__)


class EcommercePartnerBuilder(models.AbstractModel):
    """Store customers -> ``res.partner``: one partner per customer, no duplicates.

    * a customer the store identifies is found by its binding, then by email,
      and created otherwise (and bound);
    * a guest checkout (no customer id) is found by email, then by name and
      billing address (street, zip, country), and created otherwise;
    * the billing and shipping addresses become child contacts of type
      "invoice" and "delivery", reused when the same address comes again;
    * phone numbers are stored in E.164 (``+14155550100``), read with the
      address country when the number has no country code.
    """

    _name = "ecommerce.partner.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Customer Builder"

    @api.model
    def _sync_order_partners(self, store, order):
        """The customer of an order and its invoice and delivery contacts.

        :param store: ecommerce.store
        :param order: canonical Order
        :rtype: ledger.plans.OrderPartners
        """
        partner = self._sync_customer(store, order)
        billing = order.billing_address or (order.customer.address if order.customer else None)
        invoice_contact = self._sync_address(store, partner, billing, "invoice") if billing else partner
        shipping = order.shipping_address
        delivery_contact = self._sync_address(store, partner, shipping, "delivery") if shipping else invoice_contact
        return OrderPartners(partner, invoice_contact, delivery_contact)

    @api.model
    def _sync_orders_partners(self, store, orders):
        """The customers and contacts of a page of orders, looked up and created at once.

        The same as :meth:`_sync_order_partners` order after order: customers by binding, then
        by email (the page's own new customers included), one ``create`` for the new customers
        and one for their new contacts. A page with a guest checkout (found by email, then by name
        and address) is handled order by order.

        :return: per order, its ``ledger.plans.OrderPartners``
        :rtype: list
        """
        customers = [order.customer for order in orders]
        if not all(customer and customer.external_id for customer in customers):
            return [self._sync_order_partners(store, order) for order in orders]
        emails = [self._order_email(order) for order in orders]
        Partner = self.env["res.partner"]
        Binding = self.env["ecommerce.binding"]
        bindings = Binding._find_all(store, "customer", [customer.external_id for customer in customers])
        by_email = self._find_by_emails(store, [email for email in emails if email])
        new_values, new_by_key, owners = [], {}, []  # owners: per order, a partner or the index of a new one
        to_bind = {}
        for order, customer, email in zip(orders, customers, emails, strict=True):
            external_id = str(customer.external_id)
            binding = bindings.get(external_id) if external_id else None
            partner = binding._record() if binding else None
            if partner is None and ("id", external_id) in new_by_key:
                owners.append(new_by_key["id", external_id])
                self._complete_values(new_values[owners[-1]], order)
                continue
            if partner is None and email:
                partner = by_email.get(email)
                if partner is None and ("email", email) in new_by_key:
                    owners.append(new_by_key["email", email])
                    self._complete_values(new_values[owners[-1]], order)
                    new_by_key["id", external_id] = owners[-1]
                    to_bind[external_id] = owners[-1]
                    continue
            if partner is not None:
                self._complete_partner(store, partner, order)
                owners.append(partner)
                to_bind[external_id] = partner
                continue
            new_values.append(self._prepare_customer(store, order))
            owners.append(len(new_values) - 1)
            for key in (("id", external_id), ("email", email)):
                if key[1]:
                    new_by_key[key] = owners[-1]
            to_bind[external_id] = owners[-1]
        created = Partner.create(new_values) if new_values else Partner
        partners = [created[owner] if isinstance(owner, int) else owner for owner in owners]
        Binding._bind_new(
            store,
            "customer",
            [
                (external_id, partner, "", partner.name, None)
                for external_id, owner in to_bind.items()
                for partner in [created[owner] if isinstance(owner, int) else owner]
            ],
        )
        return self._sync_orders_contacts(store, orders, partners)

    @api.model
    def _sync_orders_contacts(self, store, orders, partners):
        """The invoice and delivery contacts of a page of orders, reused or created at once.

        :param list partners: per order, its customer
        :rtype: list[ledger.plans.OrderPartners]
        """
        wanted = []  # per order: (invoice, delivery), each a partner or the index of a new contact
        new_values = []
        for order, partner in zip(orders, partners, strict=True):
            billing = order.billing_address or (order.customer.address if order.customer else None)
            invoice = self._contact_of(partner, billing, "invoice", new_values) if billing else partner
            shipping = order.shipping_address
            delivery = self._contact_of(partner, shipping, "delivery", new_values) if shipping else invoice
            wanted.append((invoice, delivery))
        created = self.env["res.partner"].create(new_values) if new_values else self.env["res.partner"]
        result = []
        for partner, contacts in zip(partners, wanted, strict=True):
            invoice, delivery = (created[contact] if isinstance(contact, int) else contact for contact in contacts)
            result.append(OrderPartners(partner, invoice, delivery))
        return result

    @api.model
    def _contact_of(self, partner, address, address_type, new_values):
        """The child contact of ``partner`` for this address: an existing one, one of ``new_values``
        (its index), or a new one appended to them (its index)."""
        if address is None or address.is_empty():
            return partner
        values = self._prepare_address(address)
        values["name"] = values.get("name") or partner.name
        for contact in partner.child_ids.filtered(lambda child: child.type == address_type):
            if self._same_address(contact, values):
                return contact
        values = {**values, "parent_id": partner.id, "type": address_type, "company_id": partner.company_id.id}
        for index, pending in enumerate(new_values):
            if (
                pending["parent_id"] == partner.id
                and pending["type"] == address_type
                and self._same_values(pending, values)
            ):
                return index
        new_values.append(values)
        return len(new_values) - 1

    @api.model
    def _find_by_emails(self, store, emails):
        """The partners of several emails, at once: ``{email: res.partner}`` (the oldest of each email)."""
        emails = sorted(set(emails))
        if not emails:
            return {}
        domain = expression.OR([[("email", "=ilike", email)] for email in emails])
        found = {}
        for partner in self.env["res.partner"].search(self._partner_domain(store) + domain, order="id"):
            found.setdefault(self._normalize_email(partner.email), partner)
        return found

    @api.model
    def _order_email(self, order):
        customer = order.customer
        return self._normalize_email((customer.email if customer else "") or order.email)

    @api.model
    def _complete_values(self, values, order):
        """Fill what ``values`` (of a customer) are missing, email and phone, from ``order``."""
        customer = order.customer
        email = self._order_email(order)
        if email and not values.get("email"):
            values["email"] = email
        if not values.get("phone"):
            address = order.billing_address or order.shipping_address
            phone = self._format_phone(
                (customer.phone if customer else "") or order.phone, address.country_code if address else ""
            )
            if phone:
                values["phone"] = phone

    @api.model
    def _sync_customer(self, store, order):
        """The commercial partner of the order's customer, found or created."""
        customer = order.customer
        Binding = self.env["ecommerce.binding"]
        email = self._normalize_email((customer.email if customer else "") or order.email)
        if customer and customer.external_id:
            partner = Binding._find_record(store, "customer", customer.external_id)
            if partner:
                self._complete_partner(store, partner, order)
                return partner
        partner = self._find_by_email(store, email) if email else self.env["res.partner"]
        if not partner and not (customer and customer.external_id):
            partner = self._find_guest(store, order)
        if partner:
            self._complete_partner(store, partner, order)
        else:
            partner = self.env["res.partner"].create(self._prepare_customer(store, order))
        if customer and customer.external_id:
            Binding._bind(store, "customer", customer.external_id, partner, external_name=partner.name)
        return partner

    @api.model
    def _normalize_email(self, email):
        return (email or "").strip().lower()

    @api.model
    def _partner_domain(self, store):
        return [("company_id", "in", (False, store.company_id.id)), ("parent_id", "=", False)]

    @api.model
    def _find_by_email(self, store, email):
        return self.env["res.partner"].search(
            self._partner_domain(store) + [("email", "=ilike", email)], order="id", limit=1
        )

    @api.model
    def _find_guest(self, store, order):
        """A guest without email: same name and billing address among the partners created by the store."""
        address = order.billing_address or order.shipping_address
        name = self._customer_name(order)
        if not address or not name:
            return self.env["res.partner"]
        country = self._country(address.country_code)
        return self.env["res.partner"].search(
            self._partner_domain(store)
            + [
                ("name", "=", name),
                ("street", "=", address.street or False),
                ("zip", "=", address.zip or False),
                ("country_id", "=", country.id or False),
            ],
            limit=1,
        )

    @api.model
    def _customer_name(self, order):
        customer = order.customer
        name = customer.name if customer else ""
        if not name:
            for address in (order.billing_address, order.shipping_address):
                if address and (address.name or address.company):
                    name = address.name or address.company
                    break
        return (name or order.email or "").strip()

    @api.model
    def _prepare_customer(self, store, order):
        """Values of a new customer partner.

        :rtype: dict
        """
        customer = order.customer
        address = (customer.address if customer else None) or order.billing_address or order.shipping_address
        country_code = address.country_code if address else ""
        values = {
            "name": self._customer_name(order) or _("Guest of %(store)s", store=store.name),
            "email": self._normalize_email((customer.email if customer else "") or order.email) or False,
            "phone": self._format_phone(
                (customer.phone if customer else "") or order.phone or (address.phone if address else ""),
                country_code,
            ),
            "company_id": store.company_id.id,
            "customer_rank": 1,
        }
        if customer and customer.company and customer.name != customer.company:
            values["company_name"] = customer.company
        if address:
            values.update(self._prepare_address(address, with_name=False))
        return values

    @api.model
    def _complete_partner(self, store, partner, order):
        """Fill what a known customer is missing (email, phone); never overwrite what Odoo holds."""
        current = {"email": partner.email, "phone": partner.phone}
        self._complete_values(current, order)
        values = {key: value for key, value in current.items() if value != partner[key]}
        if values:
            partner.write(values)

    @api.model
    def _sync_address(self, store, partner, address, address_type):
        """The child contact of ``partner`` for this address, reused or created.

        :param address: canonical Address
        :param str address_type: "invoice" or "delivery"
        :rtype: res.partner
        """
        new_values = []
        contact = self._contact_of(partner, address, address_type, new_values)
        return self.env["res.partner"].create(new_values[contact]) if isinstance(contact, int) else contact

    @api.model
    def _same_address(self, contact, values):
        keys = ("name", "street", "street2", "city", "zip", "country_id", "state_id")
        for key in keys:
            current = contact[key]
            current = current.id if hasattr(current, "_name") else current
            if (current or False) != (values.get(key) or False):
                return False
        return True

    @api.model
    def _same_values(self, pending, values):
        """Whether the values of two new contacts give the same address."""
        keys = ("name", "street", "street2", "city", "zip", "country_id", "state_id")
        return all((pending.get(key) or False) == (values.get(key) or False) for key in keys)

    @api.model
    def _prepare_address(self, address, with_name=True):
        """Partner values of a canonical address.

        :rtype: dict
        """
        country = self._country(address.country_code)
        state = self._state(country, address.state_code, address.state_name)
        values = {
            "street": address.street or False,
            "street2": address.street2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id or False,
            "state_id": state.id or False,
        }
        if with_name:
            values["name"] = address.name or address.company or False
        if address.phone:
            values["phone"] = self._format_phone(address.phone, address.country_code)
        if address.email:
            values["email"] = self._normalize_email(address.email)
        return values

    @api.model
    def _country(self, code):
        if not code:
            return self.env["res.country"]
        return self._memoized(
            ("country", code),
            lambda: self.env["res.country"].search([("code", "=ilike", code.strip())], limit=1),
        )

    @api.model
    def _state(self, country, code, name):
        if not country or not (code or name):
            return self.env["res.country.state"]
        return self._memoized(("state", country.id, code, name), lambda: self._find_state(country, code, name))

    @api.model
    def _find_state(self, country, code, name):
        State = self.env["res.country.state"]
        domain = [("country_id", "=", country.id)]
        state = State.search(domain + [("code", "=ilike", code)], limit=1) if code else State
        if not state and name:
            state = State.search(domain + [("name", "=ilike", name)], limit=1)
        return state

    @api.model
    def _format_phone(self, phone, country_code=""):
        """``phone`` in E.164 when it can be read (with the address country as default region), else as given.

        :rtype: str or False
        """
        phone = (phone or "").strip()
        if not phone:
            return False
        try:
            number = phonenumbers.parse(phone, (country_code or "").upper() or None)
        except phonenumbers.NumberParseException:
            _logger.debug("Phone number %s could not be read", phone)
            return phone
        if not phonenumbers.is_possible_number(number):
            return phone
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
