"""Time stamps in the urlscan document's spelling: ISO 8601, UTC, milliseconds, ``Z``.

urlscan-python parses such stamps with ``%Y-%m-%dT%H:%M:%S.%fZ``; any other spelling breaks it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: datetime | float | int) -> str:
    """A datetime (naive = UTC) or epoch seconds as ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    >>> iso_utc(1643715830.7281)
    '2022-02-01T11:43:50.728Z'
    >>> iso_utc(datetime(2023, 12, 23, 9, 5, 1, 999999))
    '2023-12-23T09:05:01.999Z'
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        millis = moment.microsecond // 1000
    else:
        total = round(float(value) * 1000)
        seconds, millis = divmod(total, 1000)
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis:03d}Z"


def epoch_seconds(value: datetime) -> float:
    """A datetime (naive = UTC) as epoch seconds.

    >>> epoch_seconds(datetime(1970, 1, 2))
    86400.0
    """
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.timestamp()
