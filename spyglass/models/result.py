"""``Report``: the urlscan.io result document plus Spyglass's own keys, built by
``analyze/report.py`` from its sections.

Every section Spyglass writes is a model; ``to_json_dict`` is the document as stored and served
(field order is the document's key order). Two stay dicts: ``data``, whose ``requests`` are the
DevTools events passed through as urlscan has them, and ``meta``, whose ``processors`` entries
each enricher writes in urlscan's shape of that processor.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from spyglass.models.actions import ClipboardEntry, Wallet
from spyglass.models.findings import Verdicts
from spyglass.models.raw import Failure
from spyglass.models.sections import (
    Form,
    Lists,
    Page,
    Pivots,
    Place,
    Redirect,
    ReportModel,
    Task,
    Technology,
)
from spyglass.models.traffic import Stats


class Report(ReportModel):
    """The urlscan.io result document plus Spyglass's keys (forms, text, failure, wallet...)."""

    task: Task
    page: Page
    data: dict[str, Any]
    lists: Lists
    stats: Stats = Field(default_factory=Stats)
    meta: dict[str, Any] = Field(default_factory=dict)
    verdicts: Verdicts = Field(default_factory=Verdicts)
    submitter: Place = Field(default_factory=Place)
    scanner: Place = Field(default_factory=Place)
    forms: list[Form] = Field(default_factory=list)
    technologies: list[Technology] = Field(default_factory=list)
    pivots: Pivots = Field(default_factory=Pivots)
    text: str = ""
    redirects: list[Redirect] = Field(default_factory=list)
    failure: Failure | None = None
    incomplete: list[str] = Field(default_factory=list)
    # Decoy-wallet requests with their decoded intent (analyze/wallet/) and clipboard writes.
    wallet: Wallet = Field(default_factory=Wallet)
    clipboard: list[ClipboardEntry] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
