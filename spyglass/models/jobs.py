"""What the service and the worker keep about a scan: the submission queued, its record, the
job a worker holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from spyglass.models.raw import ScanOptions

Visibility = Literal["public", "unlisted", "private"]


class ScanRequest(BaseModel):
    """A submission, as the queue keeps it until a worker scans it."""

    model_config = ConfigDict(frozen=True)
    url: str  # already normalised by guard.parse_target
    options: ScanOptions = Field(default_factory=ScanOptions)
    visibility: Visibility = "public"
    tags: tuple[str, ...] = ()
    method: Literal["api", "manual", "automatic", "cli"] = "api"
    country: str | None = None  # requested scanner country (recorded; we scan from here)
    webhook_url: str | None = None
    # Where the submitter is (ISO 3166-1 alpha-2, from the client's address; None when unknown,
    # loopback or private): the report's ``submitter.country``.
    submitter_country: str | None = None


class ScanStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ScanRecord(BaseModel):
    """One scan's row: who may see it and where it stands. The report itself is separate."""

    uuid: str
    url: str
    visibility: Visibility
    owner: str | None = None  # API key id of the submitter; None for anonymous/CLI
    status: ScanStatus
    submitted_at: datetime
    finished_at: datetime | None = None
    tags: list[str] = Field(default_factory=list)
    method: str = "api"
    source: str | None = None
    failure_reason: str | None = None
    failure_message: str | None = None
    screenshot_sha256: str | None = None
    dom_sha256: str | None = None
    har_sha256: str | None = None
    # The report's `task`/`page`/`stats` summaries, for search hits without loading the report.
    summary: dict[str, Any] = Field(default_factory=dict)


class ClaimedJob(BaseModel):
    """A job a worker holds under a lease; only this holder may finish it."""

    job_id: int
    scan_uuid: str
    attempt: int
    worker_id: str
    request: ScanRequest
    submitted_at: datetime
    owner: str | None = None
