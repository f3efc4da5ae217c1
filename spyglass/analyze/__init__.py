"""Analysis: pure functions from a ``RawCapture`` to the parts of a ``Report``.

No browser, no database, no clock, no network. ``build_report`` composes the modules;
``render_text`` prints a report for people.
"""

from spyglass.analyze.render import render_text
from spyglass.analyze.report import build_report

__all__ = ["build_report", "render_text"]
