"""What every verdict engine takes and gives.

An engine is a pure function ``(Inputs) -> EngineResult``: it reads the report built so far
(forms, text, lists, wallet, clipboard...) and the raw capture (DOM, response bodies), and says
what it concluded and why (``EngineResult`` with its ``Evidence``, defined with the report's
``verdicts`` they end up in). ``combine.py`` turns the engines' results into ``verdicts``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from spyglass.models import RawCapture, Report
from spyglass.models.findings import EngineResult, Evidence

if TYPE_CHECKING:
    from spyglass.refdata.verdicts import VerdictData

__all__ = ["Category", "Engine", "EngineResult", "Evidence", "Inputs"]

# The categories engines may give; bench/detection.py scores each one.
Category = Literal["phishing", "crypto-drainer", "paste-and-run", "sanctioned", "malware"]


@dataclass(frozen=True)
class Inputs:
    """What the engines read. ``data``: the process-wide data the engines were configured with
    (the sanctions list, YARA rules compiled from the settings' folder); None: the bundled data.
    Engines read no file themselves, so they stay pure."""

    report: Report
    capture: RawCapture
    data: VerdictData | None = None

    def body(self, sha256: str | None) -> bytes | None:
        return self.capture.blobs.get(sha256) if sha256 else None


# Names an engine may list in ``Engine.needs`` besides the report's own sections.
NEEDS_BEYOND_REPORT = frozenset({"capture", "yara"})


@dataclass(frozen=True)
class Engine:
    """One verdict engine, as its module declares it (``ENGINE = Engine(...)``).

    ``name``: what ``verdicts.engines[]`` and the reasons call it; ``needs``: the report
    sections it reads (``Report`` field names), plus ``capture`` (DOM, bodies) and ``yara``
    (the configured rules) -- so a reader sees what an engine depends on without reading it,
    and a test checks each name exists."""

    name: str
    run: Callable[[Inputs], EngineResult]
    needs: tuple[str, ...]
