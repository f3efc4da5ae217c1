"""Technologies a page uses, from Wappalyzer-format fingerprints (stub: filled in by issue 4)."""

from __future__ import annotations

from spyglass.models import RawCapture, Report


def add_technologies(report: Report, capture: RawCapture) -> Report:
    """Set ``report.technologies`` and ``meta.processors.wappa``."""
    return report
