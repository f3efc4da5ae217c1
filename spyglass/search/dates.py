"""Dates in queries, as ElasticSearch reads them: absolute dates and ``now`` arithmetic.

``interval(text, now)`` -> the first and last millisecond the value stands for, in UTC:

    2026-01-01            the whole day           now-7d      that exact millisecond
    2026-01               the whole month         now-1d/d    the whole of yesterday
    2026-01-01T10:00Z     that minute             1767225600000   epoch milliseconds

Ranges then take the interval's start or end as ES does with rounding: ``>=x`` and ``[x TO``
start at its first millisecond, ``>x`` and ``{x TO`` after its last, ``<=x`` and ``TO x]`` end
with its last, ``<x`` and ``TO x}`` before its first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from spyglass.errors import InvalidQuery

_MATH = re.compile(r"([+-])(\d+)([yMwdhHms])|/([yMwdhHms])")
_ABSOLUTE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?"
)


def interval(text: str, now: datetime) -> tuple[int, int]:
    """``(first_ms, last_ms)`` of ``text`` (see the module docstring); ``InvalidQuery`` if it
    is not a date."""
    value = text.strip()
    if value.isdigit() and len(value) > 8:
        millis = int(value)
        return millis, millis
    if value.startswith("now"):
        return _date_math(now, value[3:], text)
    base, sep, math = value.partition("||")
    start, end = _absolute(base, text)
    if sep:
        return _date_math(start, math, text)
    return _ms(start), _ms(end) - 1


def _absolute(value: str, original: str) -> tuple[datetime, datetime]:
    match = _ABSOLUTE.fullmatch(value)
    if match is None:
        raise InvalidQuery(
            f"{original!r} is not a date: use 2026-01-31, 2026-01-31T12:00:00Z, now-7d or "
            "epoch milliseconds"
        )
    parts = match.groupdict()
    try:
        start = datetime(
            int(parts["y"]),
            int(parts["mo"] or 1),
            int(parts["d"] or 1),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            int((parts["f"] or "0").ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError as e:
        raise InvalidQuery(f"{original!r} is not a date: {e}") from None
    try:  # 0001-01-01T00:00+01:00 and the end of 9999-12-31 are before/after datetime's range
        if parts["tz"] and parts["tz"] != "Z":
            sign = 1 if parts["tz"][0] == "+" else -1
            digits = parts["tz"][1:].replace(":", "")
            start -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if parts["f"] or parts["s"]:
            precision = timedelta(milliseconds=1) if parts["f"] else timedelta(seconds=1)
            return start, start + precision
        if parts["mi"]:
            return start, start + timedelta(minutes=1)
        if parts["d"]:
            return start, start + timedelta(days=1)
    except OverflowError:
        raise InvalidQuery(f"date out of range: {original!r}") from None
    if parts["mo"]:
        return start, _add_months(start, 1)
    return start, _add_months(start, 12)


def _date_math(moment: datetime, math: str, original: str) -> tuple[int, int]:
    position, rounded = 0, None
    while position < len(math):
        step = _MATH.match(math, position)
        if step is None or rounded is not None:
            raise InvalidQuery(
                f"bad date arithmetic in {original!r}: use now-7d, now-1h, now-1M/d "
                "(units y M w d h m s; rounding last)"
            )
        sign, amount, unit, round_unit = step.groups()
        if round_unit:
            rounded = _round_down(moment, round_unit)
        else:
            moment = _shift(moment, (1 if sign == "+" else -1) * int(amount), unit)
        position = step.end()
    if rounded is None:
        return _ms(moment), _ms(moment)
    return _ms(rounded), _ms(_shift(rounded, 1, math[-1])) - 1


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "y":
        return _add_months(moment, 12 * amount)
    if unit == "M":
        return _add_months(moment, amount)
    seconds = {"w": 604800, "d": 86400, "h": 3600, "H": 3600, "m": 60, "s": 1}[unit]
    try:
        return moment + timedelta(seconds=seconds * amount)
    except OverflowError:
        raise InvalidQuery(f"date out of range: {amount}{unit}") from None


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise InvalidQuery(f"date out of range: year {year}")
    # ES clamps to the month's last day (Jan 31 + 1M = Feb 28/29).
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1)


def _round_down(moment: datetime, unit: str) -> datetime:
    if unit == "y":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "M":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "w":
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return day - timedelta(days=day.weekday())
    if unit == "d":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit in "hH":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "m":
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
