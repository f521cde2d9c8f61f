"""Names shared by models and reports that are no models themselves."""

#: the measures of a channel, in the order the channel report and the digest show them
CHANNEL_MEASURES = (
    "gross_sales",
    "discounts",
    "refunds",
    "net_sales",
    "tax_collected",
    "shipping",
    "fees",
    "net_payouts",
    "in_transit",
    "open_receivables",
)


def humanize(value):
    """``gift_card`` as people write it: "Gift card"."""
    text = (value or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]
