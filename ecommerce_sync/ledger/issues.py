"""Differences an import finds, before they become discrepancies (no Odoo import)."""

from dataclasses import dataclass, replace
from typing import Any


@dataclass
class Issue:
    """A difference to flag as a discrepancy of ``kind``.

    ``external_id`` is the discrepancy's reference when it is not the imported document's (a
    store tax key, a refund id), ``record`` the Odoo record it points at when not the document's;
    ``expected`` is the store's amount, ``found`` Odoo's, in ``currency`` (``res.currency``) when
    given.
    """

    kind: str
    message: str
    external_id: str | None = None
    record: Any = None
    expected: Any = 0.0
    found: Any = 0.0
    currency: Any = None


def merge_issues(issues):
    """One issue per kind and reference: the messages joined one a line, the rest of the first.

    :param list[Issue] issues:
    :rtype: list[Issue]
    """
    merged = {}
    for issue in issues:
        merged.setdefault((issue.kind, issue.external_id), []).append(issue)
    return [replace(group[0], message="\n".join(issue.message for issue in group)) for group in merged.values()]
