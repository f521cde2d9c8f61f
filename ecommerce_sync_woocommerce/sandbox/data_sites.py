"""The sites the sandbox can be: profiles (currency, tax mode, tax rates, payment methods, shipping),
and the names and streets of the people who buy from them."""

from dataclasses import dataclass
from decimal import Decimal

WC_VERSION = "9.4.2"
WP_VERSION = "6.7.1"


@dataclass(frozen=True)
class TaxRate:
    id: int
    country: str
    state: str
    name: str
    rate: Decimal
    tax_class: str = ""
    priority: int = 1
    shipping: bool = True
    compound: bool = False

    @property
    def rate_code(self):
        return "-".join(part for part in (self.country, self.state, self.name.upper(), str(self.priority)) if part)

    @property
    def percent(self):
        return float(self.rate * 100)


@dataclass(frozen=True)
class SiteProfile:
    key: str
    title: str
    currency: str
    prices_include_tax: bool
    utc_offset: int
    country: str
    state: str
    rates: tuple
    cities: tuple
    payment_methods: tuple
    flat_rate: Decimal
    free_shipping_from: Decimal

    def rates_for(self, tax_class):
        return [rate for rate in self.rates if rate.tax_class == tax_class]

    def shipping_rates(self):
        return [rate for rate in self.rates if rate.tax_class == "" and rate.shipping]


SITES = {
    # a US site: prices without tax, state + county sales tax, shipping not taxed
    "us": SiteProfile(
        key="us",
        title="Woo Supply (US)",
        currency="USD",
        prices_include_tax=False,
        utc_offset=-5,
        country="US",
        state="CA",
        rates=(
            TaxRate(75, "US", "CA", "State Tax", Decimal("0.0625"), shipping=False),
            TaxRate(76, "US", "CA", "County Tax", Decimal("0.01"), priority=2, shipping=False),
        ),
        cities=(("San Francisco", "94103", "CA"), ("Oakland", "94607", "CA"), ("San Jose", "95113", "CA")),
        payment_methods=(
            ("stripe", "Credit Card (Stripe)", 55),
            ("ppcp-gateway", "PayPal", 20),
            ("bacs", "Direct bank transfer", 15),
            ("cod", "Cash on delivery", 10),
        ),
        flat_rate=Decimal("7.50"),
        free_shipping_from=Decimal("75.00"),
    ),
    # a French site: prices with VAT, standard and reduced rates, shipping taxed
    "eu": SiteProfile(
        key="eu",
        title="Woo Supply (FR)",
        currency="EUR",
        prices_include_tax=True,
        utc_offset=1,
        country="FR",
        state="",
        rates=(
            TaxRate(1, "FR", "", "TVA", Decimal("0.20")),
            TaxRate(2, "FR", "", "TVA reduite", Decimal("0.055"), tax_class="reduced-rate", shipping=False),
        ),
        cities=(("Paris", "75011", ""), ("Lyon", "69002", ""), ("Nantes", "44000", "")),
        payment_methods=(
            ("stripe", "Carte bancaire (Stripe)", 60),
            ("ppcp-gateway", "PayPal", 20),
            ("bacs", "Virement bancaire", 15),
            ("cheque", "Cheque", 5),
        ),
        flat_rate=Decimal("6.90"),
        free_shipping_from=Decimal("60.00"),
    ),
}

FIRST_NAMES = ("John", "Maria", "Akira", "Lena", "Omar", "Chloe", "Pedro", "Ines", "Sam", "Nora", "Yusuf", "Ava")
LAST_NAMES = (
    "Doe",
    "Garcia",
    "Tanaka",
    "Schmidt",
    "Haddad",
    "Martin",
    "Silva",
    "Costa",
    "Lee",
    "Berg",
    "Kaya",
    "Brown",
)
STREETS = ("969 Market St", "12 Rue Oberkampf", "4 Harbor Way", "221 Mission St", "8 Quai Saint-Antoine", "77 Elm Ave")
