"""The urlscan.io-compatible REST API: submit, result, search, quotas, discovery.

Existing urlscan integrations switch by changing only the base URL and the API key, so paths,
fields and error texts follow urlscan (see ``/work/shared/reference/urlscan-api.md``); Spyglass's
additions are opt-in (``force``, ``webhook``, ``?wait=``). Of the Pro API, structure search
(``/api/v1/pro/result/{uuid}/similar/``) is here: look-alike pages are what pivots are for.
Every path answers with and without a trailing slash.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from spyglass.errors import InputError
from spyglass.models import ScanStatus
from spyglass.service.auth import Caller, CallerDep, KeyholderDep, enforce_rate_limit
from spyglass.service.dependencies import (
    IPDataDep,
    SettingsDep,
    StoreDep,
    get_rate_limiter,
)
from spyglass.service.documents import (
    api_url,
    failed_document,
    result_document,
    result_url,
    search_hit,
)
from spyglass.service.error_bodies import APIError, UrlscanJSONResponse, error_responses
from spyglass.service.ratelimit import ACTIONS
from spyglass.service.routing import route
from spyglass.service.scans import MAX_WAIT, finished_scan, visible_scan
from spyglass.service.submission import ScanSubmission, checked_request, client_country
from spyglass.settings import Settings
from spyglass.store.search_sql import SearchResult, SearchTimeout, checked_cursor

MAX_SEARCH_SIZE = 10000
# The paging parameters of every search-shaped answer.
SearchSize = Annotated[int, Query(ge=0, le=MAX_SEARCH_SIZE)]
SearchAfter = Annotated[str | None, Query(description="epoch_ms,uuid of the last hit")]
DEFAULT_COUNTRY = "xx"  # ISO 3166 "user-assigned": where the scanner runs is not configured
CHROME_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
# What each kind of route may answer besides 200 (auth: 400 for a malformed key, 401).
CALLER_ERRORS = error_responses(400, 401)
LIMITED_ERRORS = error_responses(400, 401, 429)
SCAN_ERRORS = error_responses(400, 401, 404, 429)
SUBMITTED = "Submission successful"
DEDUPLICATED = "Submission deduplicated: an identical scan was submitted recently"

router = APIRouter(tags=["urlscan API"])


def scanner_country(settings: Settings) -> str:
    return (settings.scanner_country or DEFAULT_COUNTRY).lower()


# --------------------------------------------------------------------------- submission


@route(router, "/api/v1/scan/", ["POST"], responses=LIMITED_ERRORS)
async def submit_scan(
    request: Request,
    submission: ScanSubmission,
    caller: KeyholderDep,
    settings: SettingsDep,
    store: StoreDep,
    ip_data: IPDataDep,
) -> Response:
    """Queue a scan (urlscan's submission). 400 and nothing queued when the URL cannot be
    scanned; an identical recent submission returns the earlier scan unless ``force``."""
    assert caller.key is not None
    enforce_rate_limit(request, caller, submission.effective_visibility())
    client = request.client.host if request.client else None
    # In a thread: the first public client loads the country data (well under a second).
    country = await run_in_threadpool(client_country, client, ip_data)
    scan_request = await checked_request(submission, settings, country)
    record, deduplicated = await run_in_threadpool(
        partial(
            store.submit,
            scan_request,
            owner=caller.key.id,
            priority=0,
            source=caller.key.id,
            dedupe_window=settings.dedupe_window,
            force=submission.force,
        )
    )
    return UrlscanJSONResponse(
        {
            "message": DEDUPLICATED if deduplicated else SUBMITTED,
            "uuid": record.uuid,
            "result": result_url(settings.public_url, record.uuid),
            "api": api_url(settings.public_url, record.uuid),
            "visibility": record.visibility,
            "url": record.url,
            "options": submission.response_options(),
            "country": scanner_country(settings),
        }
    )


# --------------------------------------------------------------------------- result


@route(
    router, "/api/v1/result/{uuid}/", ["GET", "HEAD"], responses=SCAN_ERRORS | error_responses(500)
)
async def get_result(
    request: Request,
    uuid: str,
    caller: CallerDep,
    settings: SettingsDep,
    store: StoreDep,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT, description="Spyglass: long-poll")] = 0.0,
) -> Response:
    """The result document: 404 ``Scan is not finished yet`` while queued or running (HEAD
    answers the same status, no body: urlscan-python's ``wait_for_result`` polls with it)."""
    enforce_rate_limit(request, caller, "retrieve")
    record = await finished_scan(store, uuid, caller, wait)
    report = await run_in_threadpool(store.get_report, record.uuid)
    if report is not None:
        return UrlscanJSONResponse(result_document(report, record, settings.public_url))
    if record.status == ScanStatus.FAILED:
        return UrlscanJSONResponse(failed_document(record, settings.public_url))
    raise APIError(500, "Result missing", f"The scan {record.uuid} is done but has no report.")


# --------------------------------------------------------------------------- search


@route(router, "/api/v1/search/", responses=LIMITED_ERRORS)
async def search(
    request: Request,
    caller: CallerDep,
    settings: SettingsDep,
    store: StoreDep,
    q: str = "",
    size: SearchSize = 100,
    search_after: SearchAfter = None,
    datasource: str | None = None,
    collapse: Annotated[str | None, Query(description="Accepted, ignored")] = None,
) -> Response:
    """Finished scans the caller may see, newest first: public ones and the caller's own.
    ``size=0`` counts only; page with the last hit's ``sort`` joined by a comma."""
    enforce_rate_limit(request, caller, "search")
    if datasource not in (None, "", "scans"):
        raise APIError(
            400, "Unsupported datasource", f"Only 'scans' can be searched, not {datasource!r}."
        )
    cursor = parse_search_after(search_after)
    return await _search_response(
        partial(store.search, q, viewer=caller.viewer, size=size, search_after=cursor), settings
    )


@route(router, "/api/v1/pro/result/{uuid}/similar/", responses=SCAN_ERRORS)
async def similar(
    request: Request,
    uuid: str,
    caller: CallerDep,
    settings: SettingsDep,
    store: StoreDep,
    q: str = "",
    size: SearchSize = 100,
    search_after: SearchAfter = None,
) -> Response:
    """urlscan's structure search: finished scans the caller may see that look like ``uuid``
    (same DOM structure hash, or a near screenshot pHash), filtered by ``q``; the search
    response's shape. 404 for a scan the caller may not see."""
    enforce_rate_limit(request, caller, "search")
    record = await visible_scan(store, uuid, caller)
    cursor = parse_search_after(search_after)
    find = partial(
        store.similar, record.uuid, q, viewer=caller.viewer, size=size, search_after=cursor
    )
    return await _search_response(find, settings)


async def _search_response(find: Callable[[], SearchResult], settings: Settings) -> Response:
    started = time.monotonic()
    try:
        found = await run_in_threadpool(find)
    except SearchTimeout as e:
        raise APIError(400, "Search timed out", e.message) from e
    except InputError as e:
        raise APIError(400, f"Invalid search query: {e.message}", e.message) from e
    return UrlscanJSONResponse(
        {
            "results": [search_hit(record, settings.public_url) for record in found.records],
            "total": found.total,
            "took": round((time.monotonic() - started) * 1000),
            "has_more": found.has_more,
        }
    )


def parse_search_after(value: str | None) -> tuple[int, str] | None:
    """``"1611489992146,0196d976-..."`` -> ``(1611489992146, "0196d976-...")``; 400 otherwise,
    a time no scan can have (``99999999999999999999,x``) included."""
    if not value:
        return None
    epoch, sep, uuid = value.partition(",")
    try:
        millis = int(epoch.strip())
    except ValueError:
        millis = None
    if not sep or millis is None or not uuid.strip() or "," in uuid:
        raise APIError(
            400,
            "Invalid search_after",
            "search_after must be the last hit's sort values joined by a comma: epoch_ms,uuid.",
        )
    try:
        return checked_cursor(millis, uuid.strip())
    except InputError as e:
        raise APIError(400, "Invalid search_after", e.message) from e


# --------------------------------------------------------------------------- quotas, discovery


@route(router, "/api/v1/quotas", responses=CALLER_ERRORS)
async def quotas(request: Request, caller: CallerDep) -> Response:
    """The caller's limits per action and window, with what is used."""
    return UrlscanJSONResponse({"scope": caller.subject.scope, "limits": _limits(request, caller)})


@route(router, "/user/quotas/", responses=CALLER_ERRORS)
async def legacy_quotas(request: Request, caller: CallerDep) -> Response:
    """The older quota document (Splunk SOAR's connectivity test, OpenCTI, PowerShell)."""
    return UrlscanJSONResponse(
        {
            "source": caller.subject.scope,
            "limits": {
                **_limits(request, caller),
                "maxRetentionPeriodDays": None,  # scans are kept until deleted
                "maxSearchResults": MAX_SEARCH_SIZE,
                "queryVisibility": ["public", "unlisted", "private"],
                "products": [],
                "features": [],
            },
        }
    )


def _limits(request: Request, caller: Caller) -> dict[str, dict[str, object]]:
    limiter = get_rate_limiter(request)
    return {
        action: {state.window: state.quota() for state in limiter.states(caller.subject, action)}
        for action in ACTIONS
    }


@route(router, "/api/v1/availableCountries")
async def available_countries(settings: SettingsDep) -> Response:
    """Where scans run from: this scanner's country only."""
    return UrlscanJSONResponse({"countries": [scanner_country(settings)]})


@route(router, "/api/v1/userAgents")
async def user_agents() -> Response:
    """User-Agents worth choosing for ``customagent``."""
    return UrlscanJSONResponse(
        {"userAgents": [{"group": "Chrome", "useragents": [CHROME_USER_AGENT]}]}
    )
