"""Verdict engines (one module each) and the combiner that writes ``report.verdicts``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from spyglass.analyze.verdicts.base import EngineResult, Evidence, Inputs
from spyglass.analyze.verdicts.combine import combine
from spyglass.models import RawCapture, Report

Engine = Callable[[Inputs], EngineResult]


def engines() -> list[Engine]:
    """Every engine, in the order their reasons are shown. Imported here, not at module load,
    so that a report without verdicts does not pay for YARA and the brand data."""
    return []


def add_verdicts(
    report: Report, capture: RawCapture, extra: Mapping[str, Any] | None = None
) -> None:
    """Run every engine over the report built so far and write ``report.verdicts``."""
    inputs = Inputs(report=report, capture=capture, extra=dict(extra or {}))
    report.verdicts = combine([engine(inputs) for engine in engines()])


__all__ = ["EngineResult", "Evidence", "Inputs", "add_verdicts", "engines"]
