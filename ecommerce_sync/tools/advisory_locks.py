"""PostgreSQL advisory locks held until the transaction ends, keyed by text."""

import zlib


def lock_key(text):
    """The int4 key of ``text`` for ``pg_*advisory*_lock(int4, int4)`` (a CRC-32, sign bit cleared)."""
    return zlib.crc32(str(text).encode()) & 0x7FFFFFFF


def try_xact_lock(cr, first, second):
    """Take the lock ``(first, second)`` for the rest of ``cr``'s transaction; False when another holds it."""
    cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (first, second))
    return cr.fetchone()[0]
