"""Dates in queries: absolute values stand for their whole precision, ``now`` arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spyglass.errors import InvalidQuery
from spyglass.search.dates import interval

NOW = datetime(2026, 3, 31, 15, 45, 30, 250000, tzinfo=UTC)


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026", (ms(2026, 1, 1), ms(2027, 1, 1) - 1)),
        ("2026-02", (ms(2026, 2, 1), ms(2026, 3, 1) - 1)),
        ("2026-02-28", (ms(2026, 2, 28), ms(2026, 3, 1) - 1)),
        ("2026-02-28T10:15", (ms(2026, 2, 28, 10, 15), ms(2026, 2, 28, 10, 16) - 1)),
        ("2026-02-28T10:15:07Z", (ms(2026, 2, 28, 10, 15, 7), ms(2026, 2, 28, 10, 15, 8) - 1)),
        ("2026-02-28T12:15:07+02:00", (ms(2026, 2, 28, 10, 15, 7), ms(2026, 2, 28, 10, 15, 8) - 1)),
        ("2026-02-28T10:15:07.5Z", (ms(2026, 2, 28, 10, 15, 7) + 500,) * 2),
        ("1767225600000", (1767225600000, 1767225600000)),
        ("now", (ms(2026, 3, 31, 15, 45, 30) + 250,) * 2),
        ("now-1h", (ms(2026, 3, 31, 14, 45, 30) + 250,) * 2),
        ("now-1M", (ms(2026, 2, 28, 15, 45, 30) + 250,) * 2),  # clamped to February's end
        ("now+1y", (ms(2027, 3, 31, 15, 45, 30) + 250,) * 2),
        ("now/d", (ms(2026, 3, 31), ms(2026, 4, 1) - 1)),
        ("now-1d/d", (ms(2026, 3, 30), ms(2026, 3, 31) - 1)),
        ("now/w", (ms(2026, 3, 30), ms(2026, 4, 6) - 1)),  # weeks start on Monday
        ("now/M", (ms(2026, 3, 1), ms(2026, 4, 1) - 1)),
        ("2026-01-31||+1M/d", (ms(2026, 2, 28), ms(2026, 3, 1) - 1)),
    ],
)
def test_interval(value: str, expected: tuple[int, int]) -> None:
    assert interval(value, NOW) == expected


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-13-01", "2026-02-30", "26-01-01", "now-", "now-1d/d-1h",
              "now/x", "now-99999999y"],
)  # fmt: skip
def test_not_dates(value: str) -> None:
    with pytest.raises(InvalidQuery):
        interval(value, NOW)


@pytest.mark.parametrize(
    "value", ["9999-12-31", "9999-12-31T23:59", "0001-01-01T00:00+23:59", "9999-12-31T23:59-23:59",
              "now+99999999999999999999d", "now-99999999999999999999y"],
)  # fmt: skip
def test_dates_past_the_calendar_are_invalid_not_overflow(value: str) -> None:
    with pytest.raises(InvalidQuery, match="out of range"):
        interval(value, NOW)
