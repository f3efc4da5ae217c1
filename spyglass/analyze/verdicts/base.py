"""What every verdict engine takes and gives.

An engine is a pure function ``(Inputs) -> EngineResult``: it reads the report built so far
(forms, text, lists, wallet, clipboard...) and the raw capture (DOM, response bodies), and says
what it concluded and why. ``combine.py`` turns the engines' results into ``verdicts``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from spyglass.models import RawCapture, Report

if TYPE_CHECKING:
    from spyglass.refdata.verdicts import VerdictData

# The categories engines may give; bench/detection.py scores each one.
Category = Literal["phishing", "crypto-drainer", "paste-and-run", "sanctioned", "malware"]


class Evidence(BaseModel):
    """One finding, in words an analyst would sign, plus the facts behind them."""

    reason: str  # "form posts passwords to login-secure.example (not the brand's domain)"
    kind: str  # short machine name: "password-form-cross-domain", "erc20-approve", ...
    detail: dict[str, Any] = Field(default_factory=dict)


class EngineResult(BaseModel):
    engine: str
    score: int = Field(0, ge=-100, le=100)  # this engine's belief the page is malicious
    malicious: bool = False
    categories: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)  # brand keys ("paypal")
    tags: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


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
