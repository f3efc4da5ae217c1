"""What a scan left behind: screenshot, DOM, HAR and raw response bodies.

All of it is the scanned site's content, i.e. hostile, served from our origin: the DOM is sent as
``text/plain`` so a browser never renders it, and ``middleware.ArtifactHeaders`` adds
``Content-Security-Policy: sandbox`` and ``X-Content-Type-Options: nosniff`` to every answer here.

Visibility is the result's: a screenshot, DOM or HAR exists for a caller only if the scan does.
A response body (by sha256) is served when it belongs to at least one finished scan the caller
can find by search (a public one, or the caller's own); knowing an unlisted scan's UUID does not
prove knowing its bodies.
"""

from __future__ import annotations

import re
from functools import partial

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from spyglass.models import ScanRecord
from spyglass.service.auth import Caller, CallerDep
from spyglass.service.dependencies import StoreDep
from spyglass.service.error_bodies import APIError, error_responses
from spyglass.service.routing import route
from spyglass.service.scans import finished_scan
from spyglass.store import Store

TEXT = "text/plain; charset=utf-8"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")

router = APIRouter(tags=["artifacts"], responses=error_responses(400, 401, 404))


@route(router, "/screenshots/{uuid}.png", ["GET", "HEAD"])
async def screenshot(uuid: str, caller: CallerDep, store: StoreDep) -> Response:
    """The scan's screenshot (PNG); 404 until the scan is finished."""
    record = await finished_scan(store, uuid, caller)
    return Response(await _blob(store, record.screenshot_sha256, record, "screenshot"),
                    media_type="image/png")  # fmt: skip


@route(router, "/dom/{uuid}/", ["GET", "HEAD"])
async def dom(uuid: str, caller: CallerDep, store: StoreDep) -> Response:
    """The rendered DOM, as text (never as HTML from our origin)."""
    record = await finished_scan(store, uuid, caller)
    return Response(await _blob(store, record.dom_sha256, record, "DOM"), media_type=TEXT)


@route(router, "/har/{uuid}/", ["GET", "HEAD"])
async def har(uuid: str, caller: CallerDep, store: StoreDep) -> Response:
    """Spyglass: the scan's HTTP archive (HAR 1.2)."""
    record = await finished_scan(store, uuid, caller)
    return Response(
        await _blob(store, record.har_sha256, record, "HAR"), media_type="application/json"
    )


@route(router, "/responses/{sha256}/", ["GET", "HEAD"])
async def response_body(sha256: str, caller: CallerDep, store: StoreDep) -> Response:
    """A response body by its sha256: text when it is UTF-8, else bytes."""
    if not _SHA256.match(sha256) or not await body_visible(store, sha256.lower(), caller):
        raise APIError(404, "No such response", f"No response body {sha256} that you may see.")
    body = await run_in_threadpool(store.blobs.get, sha256.lower())
    if body is None:
        raise APIError(404, "No such response", f"The body {sha256} was not kept.")
    return Response(body, media_type=TEXT if _is_utf8(body) else "application/octet-stream")


async def body_visible(store: Store, sha256: str, caller: Caller) -> bool:
    """Whether a finished scan the caller can search for loaded a body with this hash."""
    found = await run_in_threadpool(
        partial(store.search, f"hash:{sha256}", viewer=caller.viewer, size=0)
    )
    return found.total > 0


async def _blob(store: Store, sha256: str | None, record: ScanRecord, what: str) -> bytes:
    data = await run_in_threadpool(store.blobs.get, sha256) if sha256 else None
    if data is None:
        raise APIError(404, f"No {what} for this scan", f"The scan {record.uuid} has no {what}.")
    return data


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
