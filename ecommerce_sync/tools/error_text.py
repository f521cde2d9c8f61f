"""What a user reads about a platform error: what happened and what to do, the technical text apart.

Connector errors carry the call, the status and the platform's own answer
(``GET https://shop/api/system_status: HTTP 401, the credentials were
refused: {"code": "rest_authentication_error", "message": "Consumer secret is
invalid."}``). The store's state message, "Test connection" and the sync
summary show :func:`explain` of it instead: a sentence saying what happened
and what to do, and the platform's own words; the whole text stays in the
sync log.
"""

import json
import re

from ..connector import ApiError, AuthenticationError, NotFoundError, TransientError

STATUS = re.compile(r"\bHTTP (\d{3})\b")
CALL = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) \S+: ")
#: what the HTTP helper says around every answer (the status is in the headline already)
GENERIC = re.compile(
    r"^(HTTP \d{3}(, the credentials were refused| after \d+ attempts| not found)?|the answer is not JSON)[:,]?\s*"
)
NO_ANSWER = re.compile(r"no answer after \d+ attempts|still rate limited", re.I)
#: keys of a platform's JSON error body that hold its explanation, in order of preference
MESSAGE_KEYS = ("message", "errors", "error_description", "error", "detail")


def error_status(error):
    """The HTTP status of an error (an exception or its text); 0 when none is known."""
    status = getattr(error, "status", 0) or 0
    if not status:
        found = STATUS.search(str(error or ""))
        status = int(found.group(1)) if found else 0
    return status


def platform_words(error):
    """The platform's own explanation inside an error text, without the call and the JSON around it.

    ``GET https://x/system_status: HTTP 401 ...: {"code": "...", "message": "Consumer secret is invalid."}``
    gives ``Consumer secret is invalid.``; what a connector said before the answer (``Shopify shop x
    refused the Admin API access token``) and what it added after it (a hint in parentheses) stay.
    """
    text = GENERIC.sub("", CALL.sub("", str(error or "").strip()))
    start = text.find("{")
    if start >= 0:
        try:
            body, end = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            body, end = None, start
        words = _words_of(body)
        if words:
            before = text[:start].strip().rstrip(":").strip()
            after = text[end:].strip()
            words = f"{before}: {words}" if before else words
            return f"{words} {after}" if after else words
    return text


def _words_of(body):
    if isinstance(body, str):
        return body.strip()
    if isinstance(body, list):
        return "; ".join(filter(None, (_words_of(item) for item in body)))
    if isinstance(body, dict):
        for key in MESSAGE_KEYS:
            if body.get(key):
                return _words_of(body[key])
    return ""


def explain(env, error, platform="", credentials_hint=""):
    """What happened and what to do, in a sentence, followed by the platform's own words.

    :param env: the environment whose language the sentence is in
    :param error: a connector exception, or the text of one (a sync log's message)
    :param str platform: who answered ("The site", "Shopify"); "The platform" when empty
    :param str credentials_hint: which credentials to check ("the consumer key and secret")
    :rtype: str
    """
    platform = platform or env._("The platform")
    credentials_hint = credentials_hint or env._("the credentials on the Credentials tab")
    status = error_status(error)
    text = str(error or "")
    if isinstance(error, AuthenticationError) or status == 401:
        headline = env._(
            "%(platform)s refused the credentials (HTTP %(status)s): check %(hint)s, then press Test connection.",
            platform=platform,
            status=status or 401,
            hint=credentials_hint,
        )
        if status == 403:
            headline = env._(
                "%(platform)s refused the credentials (HTTP 403) for this request: give %(hint)s the permissions "
                "the sync needs (read and write), then press Test connection.",
                platform=platform,
                hint=credentials_hint,
            )
    elif status == 429 or "rate limited" in text:
        headline = env._(
            "%(platform)s kept answering that too many requests were sent (HTTP 429): nothing is lost, the "
            "next sync carries on where this one stopped.",
            platform=platform,
        )
    elif isinstance(error, TransientError) or status >= 500 or NO_ANSWER.search(text):
        headline = (
            env._(
                "%(platform)s is not available (HTTP %(status)s): nothing is lost, the next sync carries on where "
                "this one stopped.",
                platform=platform,
                status=status,
            )
            if status
            else env._(
                "%(platform)s could not be reached: check the address of the shop and that it is online; the next "
                "sync tries again.",
                platform=platform,
            )
        )
    elif isinstance(error, NotFoundError) or status == 404:
        headline = env._(
            "%(platform)s has no such address or record (HTTP 404): check the shop's address.", platform=platform
        )
    elif isinstance(error, ApiError) or status:
        headline = env._(
            "%(platform)s refused the request (HTTP %(status)s).", platform=platform, status=status or env._("error")
        )
    else:
        return text
    words = platform_words(error)
    if not words:
        return headline
    return env._("%(headline)s %(platform)s said: %(words)s", headline=headline, platform=platform, words=words)
