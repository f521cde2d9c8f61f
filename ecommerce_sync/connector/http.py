"""The one HTTP choke point every connector goes through.

:class:`HttpClient` wraps a :class:`requests.Session` and gives each platform:

* a timeout on every call;
* retries with exponential backoff on timeouts, connection errors and 5xx;
* waiting on 429 answers for ``Retry-After`` (seconds or an HTTP date);
* a hook after each response, where a connector reads its rate-limit headers
  and slows down before the platform refuses (see ``throttle``);
* counting of every call made, retries included, for the sync log;
* errors turned into the connector exceptions of :mod:`.errors`, with
  messages that never carry credentials.
"""

import email.utils
import logging
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from .errors import ApiError, AuthenticationError, NotFoundError, TransientError

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (10, 60)
RETRY_STATUSES = frozenset((500, 502, 503, 504, 520, 522, 524))
SECRET_QUERY_KEYS = frozenset(("consumer_key", "consumer_secret", "access_token", "api_key", "key", "secret", "token"))
SECRET_QUERY_VALUE = re.compile(r"\b(%s)=[^&\s'\"]+" % "|".join(sorted(SECRET_QUERY_KEYS, key=len, reverse=True)), re.I)


def parse_retry_after(value, now=None):
    """Seconds to wait as told by a ``Retry-After`` header, or None.

    :param str value: delay in seconds ("2", "2.0") or an HTTP date
    :rtype: float or None
    """
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def safe_url(url):
    """The URL with secret-looking query values masked, for logs and messages."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = []
    for chunk in parts.query.split("&"):
        key, _sep, value = chunk.partition("=")
        pairs.append((key, "***" if key.lower() in SECRET_QUERY_KEYS else value))
    return parts._replace(query=urlencode(pairs, safe="*:,")).geturl()


def mask_secrets(text):
    """``text`` (e.g. a transport error naming the URL) with secret-looking query values masked."""
    return SECRET_QUERY_VALUE.sub(r"\1=***", str(text))


def response_excerpt(response, limit=300):
    """The start of a response body, for error messages."""
    try:
        text = response.text or ""
    except (UnicodeDecodeError, requests.RequestException):
        return ""
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


class HttpClient:
    """A requests session with timeouts, retries, rate limiting and call counting.

    :param str base_url: prefix joined to relative paths given to :meth:`request`
    :param dict headers: headers sent on every call (authentication included)
    :param auth: a requests auth object (e.g. HTTP Basic)
    :param timeout: requests timeout, (connect, read) seconds
    :param int max_retries: retries after a timeout, connection error or 5xx
    :param int max_rate_limit_retries: retries after 429 answers
    :param float backoff: first backoff delay in seconds, doubled each retry
    :param float max_wait: cap of any single wait
    :param sleep: function used to wait (tests pass a recorder)
    """

    def __init__(
        self,
        base_url="",
        headers=None,
        auth=None,
        timeout=DEFAULT_TIMEOUT,
        max_retries=4,
        max_rate_limit_retries=8,
        backoff=0.5,
        max_wait=60.0,
        sleep=time.sleep,
        session=None,
    ):
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_rate_limit_retries = max_rate_limit_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.session = session or requests.Session()
        if headers:
            self.session.headers.update(headers)
        if auth is not None:
            self.session.auth = auth
        self.calls = 0
        self.retries = 0
        self.waited = 0.0
        self.throttle = None

    # ------------------------------------------------------------------
    def url(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def wait(self, seconds):
        seconds = min(max(0.0, seconds), self.max_wait)
        if seconds:
            self.waited += seconds
            self.sleep(seconds)

    def _backoff_delay(self, attempt):
        return self.backoff * (2**attempt)

    def request(self, method, path, params=None, json=None, data=None, headers=None):
        """Send one request, retrying what can be retried.

        :return: the successful (2xx/3xx) response
        :rtype: requests.Response
        :raise AuthenticationError: on 401/403
        :raise NotFoundError: on 404
        :raise TransientError: when retries are exhausted
        :raise ApiError: on any other 4xx
        """
        url = self.url(path)
        failures = 0
        rate_limited = 0
        while True:
            try:
                self.calls += 1
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                failures += 1
                if failures > self.max_retries:
                    _logger.warning(
                        "%s %s failed after %s attempts: %s", method, safe_url(url), failures, mask_secrets(exc)
                    )
                    raise TransientError(
                        f"{method} {safe_url(url)}: no answer after {failures} attempts ({type(exc).__name__})"
                    ) from exc
                self.retries += 1
                self.wait(self._backoff_delay(failures - 1))
                continue

            status = response.status_code
            if status == 429:
                rate_limited += 1
                if rate_limited > self.max_rate_limit_retries:
                    raise TransientError(
                        f"{method} {safe_url(url)}: still rate limited after {rate_limited} attempts", status
                    )
                delay = parse_retry_after(response.headers.get("Retry-After"))
                self.retries += 1
                self.wait(delay if delay is not None else self._backoff_delay(rate_limited - 1))
                continue
            if status in RETRY_STATUSES:
                failures += 1
                if failures > self.max_retries:
                    raise TransientError(
                        f"{method} {safe_url(url)}: HTTP {status} after {failures} attempts: "
                        f"{response_excerpt(response)}",
                        status,
                    )
                self.retries += 1
                self.wait(self._backoff_delay(failures - 1))
                continue
            if self.throttle is not None:
                self.throttle(response)
            if status in (401, 403):
                raise AuthenticationError(
                    f"{method} {safe_url(url)}: HTTP {status}, the credentials were refused: "
                    f"{response_excerpt(response)}",
                    status,
                )
            if status == 404:
                raise NotFoundError(f"{method} {safe_url(url)}: HTTP 404 not found", status)
            if status >= 400:
                raise ApiError(f"{method} {safe_url(url)}: HTTP {status}: {response_excerpt(response)}", status)
            return response

    def get(self, path, params=None, headers=None):
        return self.request("GET", path, params=params, headers=headers)

    def json(self, method, path, **kwargs):
        """Send a request and decode its JSON body.

        :raise ApiError: when the body is not JSON
        """
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(
                f"{method} {safe_url(response.url or self.url(path))}: the answer is not JSON: "
                f"{response_excerpt(response)}",
                response.status_code,
            ) from exc

    def get_json(self, path, params=None):
        """GET a resource and decode its JSON body (see :meth:`json`)."""
        return self.json("GET", path, params=params)
