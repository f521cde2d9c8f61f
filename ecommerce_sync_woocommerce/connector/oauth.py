"""OAuth 1.0a "one-legged" signatures, which WooCommerce requires of requests over plain HTTP.

WooCommerce (``WC_REST_Authentication``) authenticates a request over HTTPS
by its consumer key and secret (HTTP Basic, or the ``consumer_key`` and
``consumer_secret`` query parameters), and over plain HTTP only by an OAuth
1.0a signature, since the secret would travel in clear otherwise:

* the parameters ``oauth_consumer_key``, ``oauth_timestamp``,
  ``oauth_nonce``, ``oauth_signature_method`` (``HMAC-SHA1`` or
  ``HMAC-SHA256``) and ``oauth_signature`` go in the query string (or an
  ``Authorization: OAuth ...`` header);
* the signature is the base64 HMAC, keyed with ``"<consumer secret>&"`` (no
  token), of the signature base string :func:`base_string`: the method, the
  URL without its query, and every parameter of the request (query and form
  body, ``oauth_signature`` aside) sorted by name, each name and value
  percent-encoded as RFC 3986 says, each ``name=value`` encoded once more,
  joined by ``%26``;
* ``oauth_timestamp`` must be within :data:`VALID_WINDOW` seconds of the
  site's clock, and each ``oauth_nonce`` is accepted once in that window.

:class:`OAuth1Signature` signs the requests of a client (a new timestamp and
nonce for every attempt, retries included); the sandbox verifies with
:func:`signature` the way the site does.
"""

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from requests.auth import AuthBase

#: the signature methods WooCommerce accepts, and their digests
SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
DEFAULT_SIGNATURE_METHOD = "HMAC-SHA256"
#: seconds a timestamp may differ from the site's clock (WooCommerce's 15 minutes)
VALID_WINDOW = 15 * 60
#: the parameters every signed request carries
OAUTH_PARAMETERS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")


def encode(value):
    """RFC 3986 percent-encoding: every byte but letters, digits and ``-._~`` (PHP's ``rawurlencode``)."""
    return quote(str(value), safe="")


def base_string(method, url, params):
    """The signature base string of a request, as WooCommerce computes it.

    :param str url: the request's URL without query: scheme, host (and port), path
    :param dict params: its parameters, decoded, ``oauth_signature`` left out;
        sorted by name as PHP's ``strcmp`` sorts (byte order)
    """
    pairs = sorted(params.items(), key=lambda pair: str(pair[0]).encode())
    joined = "%26".join(encode(f"{encode(name)}={encode(value)}") for name, value in pairs)
    return f"{method.upper()}&{encode(url)}&{joined}"


def signature(secret, method, url, params, signature_method=DEFAULT_SIGNATURE_METHOD):
    """The base64 ``oauth_signature`` of a request signed with the consumer ``secret``.

    :raise KeyError: for a signature method WooCommerce does not accept
    """
    digest = SIGNATURE_METHODS[signature_method]
    signed = hmac.new(f"{secret}&".encode(), base_string(method, url, params).encode(), digest)
    return base64.b64encode(signed.digest()).decode()


def new_nonce():
    """32 random alphanumeric characters, as WooCommerce expects of a nonce."""
    return secrets.token_hex(16)


class OAuth1Signature(AuthBase):
    """Signs each request with the consumer key and secret (a ``requests`` auth).

    :param clock: returns the current Unix time (tests pass their own)
    :param nonce: returns a fresh nonce
    """

    def __init__(self, consumer_key, consumer_secret, signature_method=DEFAULT_SIGNATURE_METHOD, clock=time.time,
                 nonce=new_nonce):  # fmt: skip
        if signature_method not in SIGNATURE_METHODS:
            raise ValueError(f"WooCommerce accepts no {signature_method!r} signatures")
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.signature_method = signature_method
        self.clock = clock
        self.nonce = nonce

    def __call__(self, request):
        parts = urlsplit(request.url)
        # as PHP reads a query string: the last value of a name counts
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.update(
            oauth_consumer_key=self.consumer_key,
            oauth_timestamp=str(int(self.clock())),
            oauth_nonce=self.nonce(),
            oauth_signature_method=self.signature_method,
        )
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        params["oauth_signature"] = signature(self.consumer_secret, request.method, url, params, self.signature_method)
        request.url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params, quote_via=quote), ""))
        return request
