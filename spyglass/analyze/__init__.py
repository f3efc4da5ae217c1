"""Analysis: pure functions from a ``RawCapture`` to the parts of a ``Report``.

No browser, no database, no clock, no network. ``build_report`` composes the modules;
``render_text`` prints a report for people.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spyglass.analyze.render import render_text
    from spyglass.analyze.report import build_report

__all__ = ["build_report", "render_text"]
_HOMES = {"build_report": "spyglass.analyze.report", "render_text": "spyglass.analyze.render"}


def __getattr__(name: str) -> Any:
    # Imported on first use, not with the package: importing one analyzer (enrich, to check
    # the settings' data) must not import all of them (~1 s).
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
