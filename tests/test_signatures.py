"""Webhook signature helpers against the platforms' published examples."""

import json

from conftest import FIXTURES

from odoo.addons.ecommerce_sync.connector import hmac_sha256_base64, verify_base64_hmac


def _example(name):
    return json.loads((FIXTURES / "real" / name).read_text())


def test_shopify_published_example_verifies():
    example = _example("shopify/webhook_hmac_example.json")
    body = example["raw_body"].encode()
    signature = example["headers"]["X-Shopify-Hmac-Sha256"]
    assert hmac_sha256_base64(example["secret"], body) == signature
    assert verify_base64_hmac(example["secret"], body, signature)


def test_woocommerce_published_example_matches_the_algorithm():
    example = _example("woocommerce/webhook_signature_example.json")
    signature = example["headers"]["X-WC-Webhook-Signature"]
    assert hmac_sha256_base64(example["secret"], example["raw_body"].encode()) == signature
    # ... but a store without a secret accepts nothing, even a correctly "signed" body
    assert not verify_base64_hmac(example["secret"], example["raw_body"].encode(), signature)


def test_tampered_body_wrong_secret_and_missing_signature_fail():
    example = _example("shopify/webhook_hmac_example.json")
    signature = example["headers"]["X-Shopify-Hmac-Sha256"]
    assert not verify_base64_hmac(example["secret"], b'{"foo": "baz"}', signature)
    assert not verify_base64_hmac("another_secret", example["raw_body"].encode(), signature)
    assert not verify_base64_hmac(example["secret"], example["raw_body"].encode(), "")
    assert not verify_base64_hmac(example["secret"], example["raw_body"].encode(), None)
