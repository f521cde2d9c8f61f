"""The connector's authentication as WooCommerce has it: OAuth 1.0a signatures over plain HTTP, keys over HTTPS."""

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from woocommerce.oauth import OAuth
from woocommerce_support import connector_for, sandbox_connector

from odoo.addons.ecommerce_sync.connector import AuthenticationError
from odoo.addons.ecommerce_sync_woocommerce.connector.oauth import OAuth1Signature, base_string, signature
from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox

LOCAL = "http://127.0.0.1:8790"


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sent(call):
    parts = urlsplit(call.request.url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query))


def test_over_plain_http_every_request_is_signed_and_the_secret_never_sent(mocked):
    mocked.get(f"{LOCAL}/wp-json/wc/v3/orders", json=[], headers={"X-WP-Total": "0", "X-WP-TotalPages": "0"})
    connector = connector_for(LOCAL, key="ck_local", secret="cs_local_secret", local=True)
    list(connector.fetch("orders"))
    [call] = mocked.calls
    url, params = sent(call)
    assert "Authorization" not in call.request.headers and "cs_local_secret" not in call.request.url
    assert params["oauth_consumer_key"] == "ck_local" and params["oauth_signature_method"] == "HMAC-SHA256"
    assert abs(int(params["oauth_timestamp"]) - time.time()) < 60 and len(params["oauth_nonce"]) == 32
    assert (params["orderby"], params["page"]) == ("modified", "1"), "the query's own parameters are signed too"
    given = params.pop("oauth_signature")
    assert given == signature("cs_local_secret", "GET", url, params)
    # WooCommerce's own library computes the same signature for the same request
    library = OAuth(url=url, consumer_key="ck_local", consumer_secret="cs_local_secret", version="wc/v3", method="GET")
    assert library.generate_oauth_signature(dict(params), url) == given


def test_every_attempt_is_signed_anew(mocked):
    mocked.get(f"{LOCAL}/wp-json/wc/v3/system_status", status=503)
    mocked.get(f"{LOCAL}/wp-json/wc/v3/system_status", json={"settings": {"currency": "EUR"}})
    mocked.get(f"{LOCAL}/wp-json/", json={"name": "Local"})
    connector_for(LOCAL, local=True).test_connection()
    nonces = [sent(call)[1]["oauth_nonce"] for call in mocked.calls]
    assert len(nonces) == len(set(nonces)) == 3, "a retry is a new request: WooCommerce refuses a nonce twice"


def test_keys_over_https_stay_as_they_were(mocked):
    mocked.get("https://shop.example.com/wp-json/wc/v3/system_status", json={"settings": {"currency": "USD"}})
    mocked.get("https://shop.example.com/wp-json/", json={"name": "Shop"})
    connector_for("https://shop.example.com", local=False).test_connection()
    assert all(call.request.headers["Authorization"].startswith("Basic ") for call in mocked.calls)
    assert not any("oauth_" in call.request.url for call in mocked.calls)


def test_the_base_string_is_woocommerces():
    # names and values encoded, each pair encoded again, sorted by name (byte order), joined by %26
    params = {"b": "2 3", "a/": "x", "oauth_nonce": "n"}
    assert base_string("get", "http://127.0.0.1:8790/wp-json/wc/v3/orders", params) == (
        "GET&http%3A%2F%2F127.0.0.1%3A8790%2Fwp-json%2Fwc%2Fv3%2Forders&a%252F%3Dx%26b%3D2%25203%26oauth_nonce%3Dn"
    )


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA256"])
def test_the_sandbox_takes_both_signature_methods(method):
    with WooCommerceSandbox(orders=3) as server:
        connector = sandbox_connector(server)
        connector.client.session.auth = OAuth1Signature(server.consumer_key, server.consumer_secret, method)
        assert connector.test_connection().currency == server.site.profile.currency


def test_refusals_say_what_to_check():
    with WooCommerceSandbox(orders=3) as server:
        wrong = sandbox_connector(server, secret="cs_wrong")
        with pytest.raises(AuthenticationError) as raised:
            wrong.test_connection()
        message = str(raised.value)
        assert "Invalid signature - provided signature does not match." in message
        assert "Consumer secret is invalid" in message and "cs_wrong" not in message
        late = sandbox_connector(server)
        late.client.session.auth.clock = lambda: time.time() - 20 * 60
        with pytest.raises(AuthenticationError, match="Invalid timestamp.*clock differs from the site's"):
            late.test_connection()
