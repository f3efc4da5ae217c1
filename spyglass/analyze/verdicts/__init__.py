"""Verdict engines and the combiner that writes ``report.verdicts``.

An engine is a module here that declares ``ENGINE = Engine(name, run, needs)`` (``base.py``):
a pure function from ``Inputs`` (the report built so far, the capture, the configured data) to
an ``EngineResult``. ``ENGINES`` lists the modules, in the order their reasons are shown;
``combine.py`` turns the results into urlscan's ``verdicts``. Adding an engine: a module with
its ``ENGINE``, and its name here (a test fails for a module left out).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.analyze.verdicts.combine import combine
from spyglass.models import RawCapture, Report

if TYPE_CHECKING:
    from spyglass.refdata.verdicts import VerdictData

ENGINES = ("drainer", "paste_run", "phishing", "brands", "sanctions", "yara_rules")


def engines() -> list[Engine]:
    """Every engine, in ``ENGINES`` order (imported on first use: they load their data)."""
    return [importlib.import_module(f"{__name__}.{name}").ENGINE for name in ENGINES]


def add_verdicts(report: Report, capture: RawCapture, data: VerdictData | None = None) -> None:
    """Run every engine over the report built so far and write ``report.verdicts``;
    ``data``: the configured sanctions list and YARA rules (the bundled ones when None)."""
    from spyglass.refdata.brand_list import brand_info

    inputs = Inputs(report=report, capture=capture, data=data)
    report.verdicts = combine([engine.run(inputs) for engine in engines()], brand_info)


__all__ = ["Engine", "EngineResult", "Evidence", "Inputs", "add_verdicts", "engines"]
