"""Durable jobs with leases: queued -> running (lease, heartbeat) -> done | failed.

Functions over a ``Session`` already inside a write transaction (the ``Store`` opens it; on
SQLite it began with ``BEGIN IMMEDIATE``). A worker holds a job while its lease runs; a job
whose lease expired (the worker died) is claimed again with ``attempt + 1``. Every change a
holder makes is conditional on still holding the job (same id, worker and attempt, status
running), so a worker that lost its lease can neither finish nor fail a job another worker
now holds: a job is never lost and never finished twice.

On PostgreSQL, ``claim`` locks its candidate with ``FOR UPDATE SKIP LOCKED`` so concurrent
claimers take different jobs; SQLite ignores the clause and serialises writers instead.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Update,
    and_,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from spyglass.models import ClaimedJob, RawCapture, ScanRecord, ScanRequest, ScanStatus
from spyglass.store.db import Job, ReportRow, Scan, epoch_ms, sha256_hex
from spyglass.store.indexing import write_index
from spyglass.store.records import scan_record
from spyglass.store.search_sql import new_sort_key
from spyglass.store.terms import summary_of

DEFAULT_MAX_ATTEMPTS = 3
RETRIES_EXHAUSTED = "retries_exhausted"


def dedupe_key(request: ScanRequest, owner: str | None) -> str:
    """Equal for submissions that would produce the same scan: url, visibility, owner, options."""
    material = {
        "url": request.url,
        "visibility": request.visibility,
        "owner": owner,
        "options": request.options.model_dump(mode="json"),
    }
    return sha256_hex(json.dumps(material, sort_keys=True, separators=(",", ":")))


def submit(
    session: Session,
    request: ScanRequest,
    *,
    owner: str | None,
    priority: int,
    source: str | None,
    dedupe_window: float,
    force: bool,
    now: datetime,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> tuple[ScanRecord, bool]:
    """A new queued scan and its job, or the recent equal scan (``True``) when deduplicating."""
    key = dedupe_key(request, owner)
    if dedupe_window > 0 and not force:
        if session.get_bind().dialect.name == "postgresql":
            # Two equal submissions at once must not both miss each other.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(key[:15], 16)})
        recent = session.scalars(
            select(Scan)
            .where(
                Scan.dedupe_key == key,
                Scan.submitted_ms >= epoch_ms(now) - round(dedupe_window * 1000),
                Scan.status != ScanStatus.FAILED,
            )
            .order_by(Scan.submitted_ms.desc())
            .limit(1)
        ).first()
        if recent is not None:
            return scan_record(recent), True
    scan_id = uuid4()
    scan = Scan(
        uuid=str(scan_id),
        url=request.url,
        visibility=request.visibility,
        owner=owner,
        status=ScanStatus.QUEUED,
        method=request.method,
        source=source,
        tags=list(request.tags),
        submitted_at=now,
        submitted_ms=epoch_ms(now),
        sort_key=new_sort_key(session, epoch_ms(now), scan_id.int),
        dedupe_key=key,
        priority=priority,
    )
    session.add(scan)
    session.flush()  # the scan row first: the job's foreign key points at it
    session.add(
        Job(
            scan_uuid=scan.uuid,
            priority=priority,
            status=ScanStatus.QUEUED,
            attempt=0,
            max_attempts=max_attempts,
            created_at=now,
            updated_at=now,
            request=request.model_dump(mode="json"),
        )
    )
    session.flush()
    return scan_record(scan), False


def claimable(now: datetime) -> ColumnElement[bool]:
    """Queued, or running under a lease that expired (its worker stopped heartbeating)."""
    return or_(
        Job.status == ScanStatus.QUEUED,
        and_(Job.status == ScanStatus.RUNNING, Job.lease_until < now),
    )


def claim(
    session: Session, worker_id: str, lease_seconds: float, *, now: datetime
) -> ClaimedJob | None:
    """The highest-priority, oldest claimable job, now leased to ``worker_id``; None when idle.

    A job whose next attempt would exceed its ``max_attempts`` is failed on the way
    (``retries_exhausted``) and the next candidate is tried.
    """
    while True:
        job = session.scalars(
            select(Job)
            .where(claimable(now))
            .order_by(Job.priority.desc(), Job.id.asc())
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if job is None:
            return None
        if job.status == ScanStatus.RUNNING:
            job.last_error = f"lease_expired: worker {job.worker_id} (attempt {job.attempt})"
        if job.attempt + 1 > job.max_attempts:
            message = f"gave up after {job.attempt} attempts; last: {job.last_error}"
            _finish_failed(session, job, RETRIES_EXHAUSTED, message, now)
            continue
        job.status = ScanStatus.RUNNING
        job.attempt += 1
        job.worker_id = worker_id
        job.lease_until = now + timedelta(seconds=lease_seconds)
        job.heartbeat_at = now
        job.updated_at = now
        scan = session.get_one(Scan, job.scan_uuid)
        scan.status = ScanStatus.RUNNING
        scan.started_at = now
        session.flush()
        return ClaimedJob(
            job_id=job.id,
            scan_uuid=job.scan_uuid,
            attempt=job.attempt,
            worker_id=worker_id,
            request=ScanRequest.model_validate(job.request),
            submitted_at=scan.submitted_at,
            owner=scan.owner,
        )


def held(job: ClaimedJob) -> ColumnElement[bool]:
    """The job row as ``job``'s holder left it: anything else means the lease was lost."""
    return and_(
        Job.id == job.job_id,
        Job.status == ScanStatus.RUNNING,
        Job.worker_id == job.worker_id,
        Job.attempt == job.attempt,
    )


def _updated(session: Session, statement: Update) -> int:
    """How many rows ``statement`` matched (its ``rowcount``)."""
    # An UPDATE without RETURNING gives a CursorResult, but Session.execute is typed as giving a
    # plain Result (it cannot promise one for every statement): SQLAlchemy's advice is a cast.
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def heartbeat(session: Session, job: ClaimedJob, lease_seconds: float, *, now: datetime) -> bool:
    """Extend the lease; False when the job is no longer ours."""
    extended = _updated(
        session,
        update(Job)
        .where(held(job))
        .values(lease_until=now + timedelta(seconds=lease_seconds), heartbeat_at=now),
    )
    return extended == 1


def complete(
    session: Session,
    job: ClaimedJob,
    report: dict[str, Any],
    capture: RawCapture,
    *,
    dom_sha256: str | None,
    har_sha256: str | None,
    now: datetime,
) -> bool:
    """Store the report, its index rows and the scan's outcome; False (nothing written) when
    the lease was lost. Blobs are the caller's, before: they are content-addressed."""
    taken = _updated(
        session,
        update(Job)
        .where(held(job))
        .values(status=ScanStatus.DONE, lease_until=None, updated_at=now),
    )
    if taken != 1:
        return False
    session.execute(delete(ReportRow).where(ReportRow.scan_uuid == job.scan_uuid))
    session.add(ReportRow(scan_uuid=job.scan_uuid, document=report))
    session.flush()
    scan = session.get(Scan, job.scan_uuid)
    assert scan is not None, job.scan_uuid  # a job's scan row is never deleted
    write_index(session, scan, report)
    session.execute(
        update(Scan)
        .where(Scan.uuid == job.scan_uuid)
        .values(
            status=ScanStatus.DONE,
            finished_at=now,
            failure_reason=None,
            failure_message=None,
            screenshot_sha256=capture.screenshot_sha256,
            dom_sha256=dom_sha256,
            har_sha256=har_sha256,
            summary=summary_of(report),
        )
    )
    return True


def fail(
    session: Session, job: ClaimedJob, reason: str, message: str, *, retry: bool, now: datetime
) -> bool:
    """Queue the job again (``retry`` and attempts left) or fail it and its scan.

    False when the job is no longer ours: its new holder decides.
    """
    row = session.scalars(select(Job).where(held(job)).with_for_update()).first()
    if row is None:
        return False
    row.last_error = f"{reason}: {message}"
    if retry and row.attempt < row.max_attempts:
        row.status = ScanStatus.QUEUED
        row.worker_id = None
        row.lease_until = None
        row.updated_at = now
        session.get_one(Scan, row.scan_uuid).status = ScanStatus.QUEUED
        session.flush()
        return True
    _finish_failed(session, row, reason, message, now)
    return True


def _finish_failed(session: Session, job: Job, reason: str, message: str, now: datetime) -> None:
    job.status = ScanStatus.FAILED
    job.lease_until = None
    job.updated_at = now
    scan = session.get_one(Scan, job.scan_uuid)
    scan.status = ScanStatus.FAILED
    scan.failure_reason = reason
    scan.failure_message = message
    scan.finished_at = now
    session.flush()


def counts(session: Session) -> dict[str, int]:
    """Jobs by status, every status present: ``{"queued": 3, "running": 1, "done": 9, ...}``."""
    found = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    return {status.value: int(found.get(status.value, 0)) for status in ScanStatus}
