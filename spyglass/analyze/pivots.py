"""Pivots: identifiers that tie pages of one kit or operator together (stub: issue 4)."""

from __future__ import annotations

from spyglass.models import RawCapture, Report


def add_pivots(report: Report, capture: RawCapture) -> Report:
    """Set ``report.pivots`` and ``meta.processors.pivots``."""
    return report
