"""Markets (currency, tax mode, tax rates) and the customers who buy in them."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Market:
    """Where a customer buys: presentment currency, rate, tax mode and taxes.

    ``rate`` is presentment units per shop (USD) unit. ``taxes`` are
    ``(title, rate)``; ``tax_shipping`` says whether shipping is taxed.
    """

    code: str
    currency: str
    rate: Decimal
    taxes_included: bool
    taxes: tuple
    tax_shipping: bool
    country: str
    country_name: str
    province: str
    province_code: str
    cities: tuple
    phone_format: str
    weight: int


MARKETS = (
    Market(
        "US-KY", "USD", Decimal("1"), False, (("Kentucky State Tax", Decimal("0.06")),), False,
        "US", "United States", "Kentucky", "KY",
        (("Louisville", "40202"), ("Lexington", "40507"), ("Bowling Green", "42101")), "+1 502-555-{:04d}", 22,
    ),
    Market(
        "US-NY", "USD", Decimal("1"), False,
        (("New York State Tax", Decimal("0.04")), ("New York City Tax", Decimal("0.045"))), True,
        "US", "United States", "New York", "NY",
        (("New York", "10001"), ("Brooklyn", "11201"), ("Queens", "11354")), "(212) 555-{:04d}", 22,
    ),
    Market(
        "CA-ON", "CAD", Decimal("1.3625"), False, (("HST", Decimal("0.13")),), True,
        "CA", "Canada", "Ontario", "ON", (("Toronto", "M5V 2T6"), ("Ottawa", "K1P 5J2")), "+1 416-555-{:04d}", 12,
    ),
    Market(
        "CA-BC", "CAD", Decimal("1.3625"), False, (("GST", Decimal("0.05")), ("BC PST", Decimal("0.07"))), True,
        "CA", "Canada", "British Columbia", "BC", (("Vancouver", "V6B 1A1"), ("Victoria", "V8W 1P6")),
        "604-555-{:04d}", 8,
    ),
    Market(
        "DE", "EUR", Decimal("0.9215"), True, (("DE MwSt", Decimal("0.19")),), True,
        "DE", "Germany", "", "", (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331")),
        "030 {:04d}1820", 16,
    ),
    Market(
        "FR", "EUR", Decimal("0.9215"), True, (("FR TVA", Decimal("0.2")),), True,
        "FR", "France", "", "", (("Paris", "75003"), ("Lyon", "69002")), "01 42 68 {:02d} 00", 8,
    ),
    Market(
        "GB", "GBP", Decimal("0.789"), True, (("GB VAT", Decimal("0.2")),), True,
        "GB", "United Kingdom", "England", "ENG", (("London", "EC1A 1BB"), ("Manchester", "M1 1AE")),
        "+44 20 7946 {:04d}", 12,
    ),
)  # fmt: skip

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Lucas", "Sophie", "Jonas", "Chloé", "Louis", "Mia", "Finn",
    "Grace", "Oscar", "Léa", "Mateo", "Hannah", "Ethan", "Zoë", "Ravi", "Aiko", "Omar", "Ines", "Tomás",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Müller", "Schmidt", "Dubois", "Martin", "Brown", "Taylor", "Wilson", "Nguyen",
    "García", "Rossi", "O'Brien", "Kowalski", "Lefèvre", "Patel", "Chen", "Andersson", "Fischer", "Evans",
)  # fmt: skip
STREETS = ("Market Street", "Chestnut Street", "King Street", "Hauptstraße", "Rue de Rivoli", "High Street",
           "Elm Avenue", "Bahnhofstraße", "Queen Street West", "Baker Street")  # fmt: skip


@dataclass
class Person:
    """A customer (or a guest) with an address in a market."""

    market: Market
    first_name: str
    last_name: str
    email: str
    phone: str
    address1: str
    city: str
    zip: str
    company: str = ""
    customer_id: int | None = None
    address_id: int | None = None
    tags: list = field(default_factory=list)
    accepts_marketing: bool = False


def pick_market(rng):
    return rng.choices(MARKETS, weights=[market.weight for market in MARKETS])[0]


def make_person(rng, ids, index, registered=True):
    market = pick_market(rng)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, zip_code = rng.choice(market.cities)
    local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
    person = Person(
        market=market,
        first_name=first,
        last_name=last,
        email=f"{local}{index}@example.com",
        phone=market.phone_format.format(
            rng.randint(0, 99) if "{:02d}" in market.phone_format else rng.randint(100, 9999)
        ),
        address1=f"{rng.choice(STREETS)} {rng.randint(1, 240)}",
        city=city,
        zip=zip_code,
        company=rng.choice(("", "", "", "Studio Nord", "Acme Trading Ltd")),
        tags=rng.choice(([], [], ["VIP"], ["wholesale", "newsletter"])),
        accepts_marketing=rng.random() < 0.4,
    )
    if registered:
        person.customer_id = ids.next("customer")
        person.address_id = ids.next("address")
    return person
