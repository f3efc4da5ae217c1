"""Finding a scan for a caller: 404 when it does not exist *or* the caller may not see it (a
private scan exists only for its owner), 404 ``Scan is not finished yet`` while it is queued or
running. OpenCTI compares that message exactly; keep it.

``?wait=SECONDS`` (Spyglass's) long-polls: the store is asked again every ``POLL_INTERVAL``
until the scan finishes or a monotonic deadline passes. Workers may run in other processes, so
polling the store is what sees them.
"""

from __future__ import annotations

import asyncio
import time

from fastapi.concurrency import run_in_threadpool

from spyglass.models import ScanRecord, ScanStatus
from spyglass.service.auth import Caller, can_view, is_uuid_shaped
from spyglass.service.error_bodies import APIError
from spyglass.store import Store

NO_SUCH_SCAN = "No such scan submission"
NOT_FINISHED = "Scan is not finished yet"
POLL_INTERVAL = 0.25  # seconds between looks at the store while waiting
MAX_WAIT = 60.0
PENDING = (ScanStatus.QUEUED, ScanStatus.RUNNING)


def no_such_scan(uuid: str) -> APIError:
    return APIError(
        404, NO_SUCH_SCAN, f"There is no scan with the UUID {uuid} that you are allowed to see."
    )


def not_finished(uuid: str) -> APIError:
    return APIError(
        404,
        NOT_FINISHED,
        f"The scan {uuid} is queued or running; ask again in a few seconds (or add ?wait=30).",
    )


async def visible_scan(store: Store, uuid: str, caller: Caller) -> ScanRecord:
    """The scan ``uuid`` if ``caller`` may see it, else 404 ``No such scan submission``."""
    if not is_uuid_shaped(uuid):
        raise no_such_scan(uuid)
    record = await run_in_threadpool(store.get_scan, uuid.lower())
    if record is None or not can_view(record, caller):
        raise no_such_scan(uuid)
    return record


async def finished_scan(store: Store, uuid: str, caller: Caller, wait: float = 0.0) -> ScanRecord:
    """The scan once done or failed, waiting up to ``wait`` seconds; else 404 not finished."""
    record = await visible_scan(store, uuid, caller)
    deadline = time.monotonic() + min(wait, MAX_WAIT)
    while record.status in PENDING:
        left = deadline - time.monotonic()
        if left <= 0:
            raise not_finished(record.uuid)
        await asyncio.sleep(min(POLL_INTERVAL, left))
        latest = await run_in_threadpool(store.get_scan, record.uuid)
        if latest is None:  # deleted while we waited
            raise no_such_scan(uuid)
        record = latest
    return record
