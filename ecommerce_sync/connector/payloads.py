"""Reading the structure of a payload: the lists and objects a parser relies on.

A payload may be signed and still malformed: a list sent as ``null``, an
object where a list belongs, a string among the line items. A parser that
read ``payload.get("line_items") or []`` would import such an order with no
lines. These helpers refuse what is not there in the shape the platform
documents, with a :class:`~.errors.RecordError` that names it.
"""

from .errors import RecordError


def object_list(payload, key, what, required=False):
    """``payload[key]`` as a list of objects (dicts).

    :param str what: the record, for the message ("order 727")
    :param bool required: the platform always sends the list (an order's line
        items): a missing or null value is refused; otherwise it reads as empty
    :raise RecordError: when the value is not a list, or holds something else than objects
    """
    value = payload.get(key)
    if value is None:
        if required:
            state = "null" if key in payload else "missing"
            raise RecordError(f"{what}: {key} is {state}; the platform always sends it as a list")
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what}: {key} must be a list, not {type(value).__name__}")
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordError(f"{what}: {key}[{position}] must be an object, not {type(item).__name__}")
    return value


def require_object(value, what):
    """``value`` when it is an object (dict).

    :raise RecordError: otherwise
    """
    if not isinstance(value, dict):
        raise RecordError(f"{what} must be an object, not {type(value).__name__}")
    return value
