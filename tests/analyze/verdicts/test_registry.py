"""The verdict engines' registry: every engine module is registered, and says what it reads."""

from __future__ import annotations

import pkgutil

import spyglass.analyze.verdicts as verdicts
from spyglass.analyze.verdicts import ENGINES, engines
from spyglass.analyze.verdicts.base import NEEDS_BEYOND_REPORT
from spyglass.models import Report

NOT_ENGINES = {"base", "combine"}


def test_every_engine_module_is_registered() -> None:
    modules = {m.name for m in pkgutil.iter_modules(verdicts.__path__)} - NOT_ENGINES
    assert modules == set(ENGINES)


def test_engines_have_distinct_names_in_the_order_shown() -> None:
    names = [engine.name for engine in engines()]
    assert names == ["drainer", "paste-and-run", "phishing", "brands", "sanctions", "yara"]


def test_each_engine_needs_only_what_exists() -> None:
    known = set(Report.model_fields) | NEEDS_BEYOND_REPORT
    for engine in engines():
        assert engine.needs, engine.name
        assert set(engine.needs) <= known, (engine.name, set(engine.needs) - known)
