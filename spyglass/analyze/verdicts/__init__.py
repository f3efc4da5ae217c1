"""Verdict engines (one module each) and the combiner that writes ``report.verdicts``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from spyglass.analyze.verdicts.base import EngineResult, Evidence, Inputs
from spyglass.analyze.verdicts.combine import combine
from spyglass.models import RawCapture, Report

Engine = Callable[[Inputs], EngineResult]


def engines() -> list[Engine]:
    """Every engine, in the order their reasons are shown. Imported here rather than at the
    top: an engine function is named like its module (``phishing.phishing``), and as a package
    attribute it would hide the module."""
    from spyglass.analyze.verdicts.brands import brands_engine
    from spyglass.analyze.verdicts.drainer import drainer
    from spyglass.analyze.verdicts.paste_run import paste_and_run
    from spyglass.analyze.verdicts.phishing import phishing
    from spyglass.analyze.verdicts.sanctions import sanctions
    from spyglass.analyze.verdicts.yara_rules import yara_engine

    return [drainer, paste_and_run, phishing, brands_engine, sanctions, yara_engine]


def add_verdicts(
    report: Report, capture: RawCapture, extra: Mapping[str, Any] | None = None
) -> None:
    """Run every engine over the report built so far and write ``report.verdicts``;
    ``extra``: ``VerdictData.extra()`` (the bundled data when None)."""
    from spyglass.analyze.branddata import brand_info

    inputs = Inputs(report=report, capture=capture, extra=dict(extra or {}))
    report.verdicts = combine([engine(inputs) for engine in engines()], brand_info)


__all__ = ["EngineResult", "Evidence", "Inputs", "add_verdicts", "engines"]
