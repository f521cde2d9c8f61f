"""Posting a webhook delivery to its subscriber, as a platform does."""

import urllib.error
import urllib.request


def post(url, body, headers, timeout=30):
    """POST ``body`` with ``headers`` to ``url``.

    :return: ``(HTTP status, answer body bytes)``; an error status is an answer too
    :raise urllib.error.URLError: when nothing answers at ``url``
    """
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
