"""Rows -> the typed records other layers see (``ScanRecord``, ``ApiKeyRecord``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from spyglass.models import ScanRecord, ScanStatus
from spyglass.store.db import ApiKey, Scan


class ApiKeyRecord(BaseModel):
    """An API key, without its secret."""

    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


def api_key_record(row: ApiKey) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def scan_record(row: Scan) -> ScanRecord:
    return ScanRecord(
        uuid=row.uuid,
        url=row.url,
        visibility=row.visibility,  # type: ignore[arg-type]
        owner=row.owner,
        status=ScanStatus(row.status),
        submitted_at=row.submitted_at,
        finished_at=row.finished_at,
        tags=list(row.tags or []),
        method=row.method,
        source=row.source,
        failure_reason=row.failure_reason,
        failure_message=row.failure_message,
        screenshot_sha256=row.screenshot_sha256,
        dom_sha256=row.dom_sha256,
        har_sha256=row.har_sha256,
        summary=row.summary or {},
    )
