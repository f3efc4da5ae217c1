"""What a search may hand the database: integers a 64-bit column holds, text PostgreSQL holds.

SQLite's INTEGER and PostgreSQL's BIGINT (every number column of ``store/db.py``) are signed
64-bit; beyond that SQLite's driver raises ``OverflowError`` and PostgreSQL an error of its own,
both a 500. PostgreSQL's text holds no NUL character, and neither driver sends a lone surrogate.
So a value is checked here before any SQL sees it, and refused with ``InvalidQuery`` (a 400):

    integer("stats.requests", 5)        -> 5
    integer("stats.requests", 2**63)    -> InvalidQuery "stats.requests out of range:
                                           -9223372036854775808 to 9223372036854775807"
    shifted(INT64, 20)                  -> range(-2**43, 2**43): the epoch ms a sort key of
                                           ms << 20 (and a 20-bit tie-breaker) can hold
    text("domain", "a" + chr(0))        -> InvalidQuery "domain: a NUL character ..."
"""

from __future__ import annotations

from collections.abc import Callable

from spyglass.errors import InvalidQuery

INT64 = range(-(2**63), 2**63)


def integer(what: str, value: int, span: range = INT64, *, show: Callable[[int], str] = str) -> int:
    """``value`` if it lies in ``span``, else ``InvalidQuery`` naming ``what`` and the span
    (its ends written by ``show``)."""
    if value not in span:
        raise InvalidQuery(f"{what} out of range: {show(span.start)} to {show(span.stop - 1)}")
    return value


def shifted(span: range, bits: int) -> range:
    """The values ``v`` with ``v << bits`` and ``(v << bits) | (2**bits - 1)`` both in
    ``span``: what a key made of ``v`` and a ``bits``-wide tie-breaker can hold."""
    return range(-(-span.start >> bits), (span.stop >> bits))


def text(what: str, value: str) -> str:
    """``value`` if both databases can store it: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise InvalidQuery(f"{what}: a NUL character cannot be searched for")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidQuery(f"{what}: {value!r} is not valid Unicode text") from None
    return value
