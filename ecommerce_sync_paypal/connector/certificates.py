"""The certificates PayPal signs webhooks with: where they may come from, and whether to trust them.

``PAYPAL-CERT-URL`` names the certificate whose key signed a delivery. A
sender chooses that header, so it is only followed to PayPal's own
certificate service: HTTPS, one of PayPal's API hosts of the store's
environment, ``/v1/notifications/certs/...``, nothing else in the URL (a
local address only for a store marked as a local test account, whose
sandbox serves its own certificates). The chain it answers is checked as far
as it can be here:

* the first certificate is PayPal's message signing certificate
  (``CN=messageverificationcerts.paypal.com``, ``.sandbox.paypal.com`` in
  the sandbox), every certificate of the chain is within its validity
  dates and signed by the next one;
* the last one is issued by a root of the system's trust store (``certifi``'s
  bundle), or, for a local test account only, is a root served with the chain.

A chain that cannot be anchored here is *undetermined* (PayPal's own
``verify-webhook-signature`` call decides then); a wrong host, a wrong name
or an expired certificate is refused outright. Chains are kept an hour per URL.
"""

import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

CERT_HOSTS = {
    "live": ("api.paypal.com", "api-m.paypal.com"),
    "sandbox": ("api.sandbox.paypal.com", "api-m.sandbox.paypal.com"),
}
SUBJECTS = {"live": "messageverificationcerts.paypal.com", "sandbox": "messageverificationcerts.sandbox.paypal.com"}
CERT_PATH = "/v1/notifications/certs/"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CACHE_SECONDS = 3600
MAX_BYTES = 64 * 1024
FETCH_TIMEOUT = (5, 10)
PEM_END = b"-----END CERTIFICATE-----"

_cache = {}
_lock = threading.Lock()
_roots = None


class CertificateRefused(Exception):
    """The delivery's certificate is not PayPal's: the delivery is refused."""


class CertificateUndetermined(Exception):
    """The certificate could not be checked here (not fetched, chain not anchored)."""


def check_url(url, environment, local_test_account=False):
    """``url`` when it is PayPal's certificate service for ``environment`` (or a local test account's).

    :raise CertificateRefused: for any other address
    """
    parts = urlsplit(str(url or "").strip())
    hosts = CERT_HOSTS.get(environment, ())
    clean = not (parts.username or parts.password or parts.query or parts.fragment)
    if not clean or not parts.path.startswith(CERT_PATH) or len(parts.path) <= len(CERT_PATH):
        raise CertificateRefused("the certificate address is not PayPal's certificate service")
    if parts.scheme == "https" and parts.hostname in hosts and parts.port in (None, 443):
        return parts.geturl()
    if local_test_account and parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return parts.geturl()
    raise CertificateRefused(f"certificates are only taken from {', '.join(hosts) or 'PayPal'} over HTTPS")


def split_pem(data):
    """The PEM certificates of ``data`` (bytes), in order."""
    certs = []
    for block in data.split(PEM_END):
        if b"-----BEGIN CERTIFICATE-----" in block:
            certs.append(x509.load_pem_x509_certificate(block.strip() + b"\n" + PEM_END + b"\n"))
    return certs


def _download(url):
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False, stream=True)
        data = b""
        for chunk in response.iter_content(8192):
            data += chunk
            if len(data) > MAX_BYTES:
                break
    except (requests.RequestException, OSError) as exc:
        raise CertificateUndetermined(f"the certificate could not be fetched ({type(exc).__name__})") from exc
    if response.status_code != 200:
        raise CertificateUndetermined(f"the certificate service answered HTTP {response.status_code}")
    if len(data) > MAX_BYTES:
        raise CertificateRefused("the certificate answer is too large")
    return data


def chain(url, download=None):
    """The certificates served at ``url``, from the cache when fetched less than an hour ago."""
    now = time.time()
    with _lock:
        cached = _cache.get(url)
        if cached and cached[1] > now:
            return cached[0]
    data = (download or _download)(url)
    try:
        certs = split_pem(data)
    except ValueError as exc:
        raise CertificateRefused("the certificate answer is not a PEM certificate chain") from exc
    if not certs:
        raise CertificateRefused("the certificate answer holds no certificate")
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[url] = (certs, now + CACHE_SECONDS)
    return certs


def forget(url=None):
    with _lock:
        if url is None:
            _cache.clear()
        else:
            _cache.pop(url, None)


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def validity(cert):
    """``(not before, not after)`` as aware datetimes, whatever the ``cryptography`` release."""
    before = getattr(cert, "not_valid_before_utc", None) or _utc(cert.not_valid_before)
    after = getattr(cert, "not_valid_after_utc", None) or _utc(cert.not_valid_after)
    return before, after


def signed_by(cert, issuer):
    """``cert`` names ``issuer`` as its issuer and carries a valid signature of its key."""
    if cert.issuer != issuer.subject:
        return False
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def trusted_roots():
    """The roots of the trust store ``requests`` uses (``certifi``), read once."""
    global _roots
    if _roots is None:
        try:
            import certifi

            with open(certifi.where(), "rb") as bundle:
                data = bundle.read()
            _roots = split_pem(data)
        except (ImportError, OSError, ValueError):
            _roots = []
    return _roots


def common_names(cert):
    return [attribute.value for attribute in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def signing_key(certs, environment, local_test_account=False, now=None):
    """The public key of the chain's signing certificate, once the chain is checked.

    :raise CertificateRefused: a wrong name, a certificate out of its dates, a broken chain
    :raise CertificateUndetermined: the chain does not end at a root known here
    """
    now = now or datetime.now(timezone.utc)
    leaf = certs[0]
    if SUBJECTS.get(environment) not in common_names(leaf):
        raise CertificateRefused(
            f"the certificate is not PayPal's message signing certificate ({SUBJECTS.get(environment)})"
        )
    for cert in certs:
        before, after = validity(cert)
        if not before <= now <= after:
            raise CertificateRefused("a certificate of the chain is outside its validity dates")
    for cert, issuer in zip(certs, certs[1:], strict=False):
        if not signed_by(cert, issuer):
            raise CertificateRefused("the certificate chain is broken (a certificate is not signed by the next)")
    last = certs[-1]
    roots = list(trusted_roots())
    if local_test_account:
        roots += [cert for cert in certs if cert.issuer == cert.subject]
    if not any(signed_by(last, root) for root in roots):
        raise CertificateUndetermined("the certificate chain does not end at a root known here")
    return leaf.public_key()
