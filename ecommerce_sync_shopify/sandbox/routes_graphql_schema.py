"""The part of Shopify's GraphQL Admin API (version 2025-01) the sandbox answers, as an SDL schema.

Types, fields, arguments and enums are those of Shopify's reference for
2025-01, limited to what the connector reads and writes (the transactions of
orders through ``nodes``, stock through ``inventorySetQuantities``) and what
the sandbox can answer truthfully from its shop. A field that is not here
does not exist for the sandbox: a query selecting it is refused as Shopify
refuses an unknown field.
"""

CURRENCY_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BYR BZD CAD CDF CHF
CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF
IDR ILS INR IQD IRR ISK JEP JMD JOD JPY KES KGS KHR KID KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL
MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STD STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
USDC UYU UZS VED VEF VES VND VUV WST XAF XCD XOF XPF XXX YER ZAR ZMW
"""

SDL = (
    '''
schema {
  query: QueryRoot
  mutation: Mutation
}

"""An ISO 8601 timestamp in UTC, e.g. 2025-01-15T10:00:00Z."""
scalar DateTime

"""A signed decimal number, serialized as a string, e.g. "29.99"."""
scalar Decimal

"""An object with a globally-unique ID."""
interface Node {
  id: ID!
}

type QueryRoot {
  """Returns a specific node by ID."""
  node(id: ID!): Node
  """Returns the list of nodes with the given IDs (null for an ID that names nothing)."""
  nodes(ids: [ID!]!): [Node]!
}

type Mutation {
  """Set quantities of specified name using absolute values."""
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
}

type Order implements Node {
  id: ID!
  name: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  cancelledAt: DateTime
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  transactions(capturable: Boolean, first: Int, manuallyResolvable: Boolean): [OrderTransaction!]!
}

type OrderTransaction implements Node {
  id: ID!
  kind: OrderTransactionKind!
  status: OrderTransactionStatus!
  gateway: String
  test: Boolean!
  createdAt: DateTime!
  processedAt: DateTime
  authorizationCode: String
  errorCode: OrderTransactionErrorCode
  manualPaymentGateway: Boolean!
  amountSet: MoneyBag!
  parentTransaction: OrderTransaction
  order: Order
}

type MoneyBag {
  presentmentMoney: MoneyV2!
  shopMoney: MoneyV2!
}

type MoneyV2 {
  amount: Decimal!
  currencyCode: CurrencyCode!
}

enum OrderTransactionKind {
  AUTHORIZATION
  CAPTURE
  CHANGE
  EMV_AUTHORIZATION
  REFUND
  SALE
  SUGGESTED_REFUND
  VOID
}

enum OrderTransactionStatus {
  AWAITING_RESPONSE
  ERROR
  FAILURE
  PENDING
  SUCCESS
  UNKNOWN
}

enum OrderTransactionErrorCode {
  AMAZON_PAYMENTS_INVALID_PAYMENT_METHOD
  AMAZON_PAYMENTS_MAX_AMOUNT_CHARGED
  AMAZON_PAYMENTS_MAX_AMOUNT_REFUNDED
  AMAZON_PAYMENTS_MAX_AUTHORIZATIONS_CAPTURED
  AMAZON_PAYMENTS_MAX_REFUNDS_PROCESSED
  AMAZON_PAYMENTS_ORDER_REFERENCE_CANCELED
  AMAZON_PAYMENTS_STALE
  CALL_ISSUER
  CARD_DECLINED
  CONFIG_ERROR
  EXPIRED_CARD
  GENERIC_ERROR
  INCORRECT_ADDRESS
  INCORRECT_CVC
  INCORRECT_NUMBER
  INCORRECT_PIN
  INCORRECT_ZIP
  INVALID_AMOUNT
  INVALID_COUNTRY
  INVALID_CVC
  INVALID_EXPIRY_DATE
  INVALID_NUMBER
  PAYMENT_METHOD_UNAVAILABLE
  PICK_UP_CARD
  PROCESSING_ERROR
  TEST_MODE_LIVE_CARD
  UNSUPPORTED_FEATURE
}

input InventorySetQuantitiesInput {
  name: String!
  reason: String!
  referenceDocumentUri: String
  ignoreCompareQuantity: Boolean = false
  quantities: [InventoryQuantityInput!]!
}

input InventoryQuantityInput {
  inventoryItemId: ID!
  locationId: ID!
  quantity: Int!
  compareQuantity: Int
}

type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]!
}

type InventoryAdjustmentGroup implements Node {
  id: ID!
  createdAt: DateTime!
  reason: String!
  referenceDocumentUri: String
  changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
}

type InventoryChange {
  name: String!
  delta: Int!
  quantityAfterChange: Int
  item: InventoryItem
  location: Location
}

type InventoryItem implements Node {
  id: ID!
  sku: String
  tracked: Boolean!
}

type Location implements Node {
  id: ID!
  name: String!
  isActive: Boolean!
}

type InventorySetQuantitiesUserError {
  code: InventorySetQuantitiesUserErrorCode
  field: [String!]
  message: String!
}

enum InventorySetQuantitiesUserErrorCode {
  COMPARE_QUANTITY_REQUIRED
  COMPARE_QUANTITY_STALE
  INVALID_INVENTORY_ITEM
  INVALID_LOCATION
  INVALID_NAME
  INVALID_QUANTITY_NEGATIVE
  INVALID_QUANTITY_TOO_HIGH
  INVALID_QUANTITY_TOO_LOW
  INVALID_REASON
  INVALID_REFERENCE_DOCUMENT
  ITEM_NOT_STOCKED_AT_LOCATION
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  NON_MUTABLE_INVENTORY_ITEM
}
'''
    + "\nenum CurrencyCode {\n  "
    + "\n  ".join(CURRENCY_CODES.split())
    + "\n}\n"
)

#: the reasons ``inventorySetQuantities`` accepts
INVENTORY_REASONS = frozenset(
    (
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_canceled",
        "movement_created",
        "movement_received",
        "movement_updated",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    )
)
