"""The web pages: home (submit + recent scans), a scan's progress and report, search.

Server-rendered with Jinja2 (autoescape on: everything a scanned page said is shown as text),
under a strict Content-Security-Policy: our own script and style files only, no inline code,
no frames, forms posting only to us. A page of ours can show hostile content; it can never run
it. Visibility is the API's: a private scan is a 404 for anyone but its owner, unlisted and
private scans are never listed.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import ValidationError

from spyglass.errors import InputError
from spyglass.models import ScanStatus
from spyglass.search.pivots import pivot_query, search_link
from spyglass.service.api_v1 import parse_search_after
from spyglass.service.auth import Caller, can_view, enforce_rate_limit, is_uuid_shaped
from spyglass.service.dependencies import IPDataDep, SettingsDep, StoreDep
from spyglass.service.documents import search_hit
from spyglass.service.error_bodies import APIError
from spyglass.service.routing import route
from spyglass.service.submission import ScanSubmission, checked_request, client_country
from spyglass.service.views import pivot_href, report_view
from spyglass.service.websession import (
    Visitor,
    form_problem,
    set_form_cookie,
    sign_in,
    sign_out,
    visitor,
)
from spyglass.settings import Settings
from spyglass.store import ApiKeyRecord, SearchTimeout, Store

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
RECENT = 20
MAX_FORM_BYTES = 64 * 1024
# Our pages load only our own files; scanned content is text in them, never code or frames.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.globals.update(
    search_link=search_link,
    pivot_href=pivot_href,
    pivot_link=lambda kind, value: search_link(pivot_query(kind, str(value))),
)

router = APIRouter(include_in_schema=False)


def render(name: str, status: int = 200, *, caller: Visitor, **context: Any) -> HTMLResponse:
    """A page for ``caller`` (its forms carry ``caller.csrf``; see ``websession.py``)."""
    html = _templates.get_template(name).render(caller=caller, **context)
    response = HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
    set_form_cookie(response, caller)
    return response


PageCaller = Annotated[Visitor, Depends(visitor)]


@router.get("/")
async def home(caller: PageCaller, store: StoreDep, settings: SettingsDep) -> Response:
    return await _home(caller, store, settings)


async def _home(
    caller: Visitor, store: Store, settings: Settings, error: str | None = None, status: int = 200
) -> Response:
    found = await run_in_threadpool(store.search, "", viewer=caller.viewer, size=RECENT)
    hits = [search_hit(record, settings.public_url) for record in found.records]
    return render("home.html", status, hits=hits, caller=caller, error=error)


@router.post("/submit")
async def submit(
    request: Request,
    caller: PageCaller,
    settings: SettingsDep,
    store: StoreDep,
    ip_data: IPDataDep,
) -> Response:
    """The home page's form: the API's submission, by the signed-in key or the one typed in;
    then the scan's page (progress, then report)."""
    form = await _form(request)
    refused = form_problem(request, caller, form)
    if refused:
        return await _home(caller, store, settings, refused, 403)
    submitter: Caller = caller
    try:
        if form.get("apikey"):
            submitter = Caller(await _key(store, form["apikey"]), caller.address)
        if submitter.key is None:
            raise APIError(401, "API key required", "Sign in or give an API key to submit.")
        tags = [t.strip() for t in form.get("tags", "").split(",") if t.strip()]
        fields = {k: form[k] for k in ("customagent", "referer", "country") if form.get(k)}
        # The form's text, validated into the API's submission as a JSON body would be.
        submission = ScanSubmission.model_validate({
            "url": form.get("url", ""), "visibility": form.get("visibility") or None,
            "tags": tags or None, "decoy": not form.get("nodecoy"), **fields,
        })  # fmt: skip
        enforce_rate_limit(request, submitter, submission.effective_visibility())
        country = await run_in_threadpool(client_country, submitter.address, ip_data)
        scan_request = await checked_request(submission, settings, country)
        record, _ = await run_in_threadpool(
            partial(store.submit, scan_request, owner=submitter.key.id, source=submitter.key.id,
                    dedupe_window=settings.dedupe_window)
        )  # fmt: skip
    except APIError as e:
        return await _home(caller, store, settings, f"{e.message}: {e.description}", e.status)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
        return await _home(caller, store, settings, f"Invalid submission: {problems}", 400)
    return RedirectResponse(f"/result/{record.uuid}/", status_code=303, headers=PAGE_HEADERS)


@router.get("/login")
async def login_page(caller: PageCaller) -> Response:
    return render("login.html", caller=caller, error=None)


@router.post("/login")
async def login(
    request: Request, store: StoreDep, settings: SettingsDep, caller: PageCaller
) -> Response:
    """Sign in with an API key: a new server-side session whose id alone the browser keeps
    (``websession.py``); pages then show that key's unlisted and private scans too."""
    form = await _form(request)
    refused = form_problem(request, caller, form)
    if refused:
        return render("login.html", 403, caller=caller, error=refused)
    try:
        key = await _key(store, form.get("apikey", "").strip())
    except APIError as e:
        return render("login.html", e.status, caller=caller, error=e.message)
    if caller.session_id:  # signing in again replaces the session, never keeps its id
        await run_in_threadpool(store.end_session, caller.session_id)
    ttl = timedelta(hours=settings.session_hours)
    session_id = await run_in_threadpool(store.start_session, key.id, ttl)
    response = RedirectResponse("/", status_code=303, headers=PAGE_HEADERS)
    sign_in(response, session_id, settings)
    return response


@router.post("/logout")
async def logout(
    request: Request, store: StoreDep, settings: SettingsDep, caller: PageCaller
) -> Response:
    """Sign out: the session is deleted on the server, then the cookie in the browser."""
    refused = form_problem(request, caller, await _form(request))
    if refused:
        return render("login.html", 403, caller=caller, error=refused)
    if caller.session_id:
        await run_in_threadpool(store.end_session, caller.session_id)
    response = RedirectResponse("/", status_code=303, headers=PAGE_HEADERS)
    sign_out(response, settings)
    return response


async def _key(store: Store, secret: str) -> ApiKeyRecord:
    key = await run_in_threadpool(store.api_key, secret) if is_uuid_shaped(secret) else None
    if key is None:
        raise APIError(401, "Unknown API key", "No enabled API key has this value.")
    return key


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (no multipart: these forms have no files)."""
    body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


@route(router, "/search/")
async def search_page(
    request: Request, caller: PageCaller, store: StoreDep, settings: SettingsDep
) -> Response:
    query = request.query_params.get("q", "")
    asked = request.query_params.get("size", "")
    size = min(int(asked), MAX_PAGE_SIZE) if asked.isdigit() and int(asked) > 0 else PAGE_SIZE
    try:
        cursor = parse_search_after(request.query_params.get("search_after"))
        found = await run_in_threadpool(
            store.search, query, viewer=caller.viewer, size=size, search_after=cursor
        )
    except (SearchTimeout, InputError, APIError) as e:
        error = f"{e.message}: {e.description}" if isinstance(e, APIError) else e.message
        return render("search.html", 400, query=query, hits=[], total=0, error=error,
                      next_link=None, caller=caller)  # fmt: skip
    hits = [search_hit(record, settings.public_url) for record in found.records]
    next_link = None
    if found.has_more and hits:
        sort = ",".join(str(v) for v in hits[-1]["sort"])
        params = {"q": query, "search_after": sort, **({"size": size} if size != PAGE_SIZE else {})}
        next_link = "/search/?" + urlencode(params)
    return render("search.html", query=query, hits=hits, total=found.total, error=None,
                  next_link=next_link, caller=caller)  # fmt: skip


@route(router, "/result/{uuid}/")
async def result_page(uuid: str, caller: PageCaller, store: StoreDep) -> Response:
    record = await run_in_threadpool(store.get_scan, uuid)
    if record is None or not can_view(record, caller):
        return render("missing.html", 404, uuid=uuid, caller=caller)
    if record.status == ScanStatus.FAILED:
        return render("failed.html", record=record, caller=caller)
    if record.status != ScanStatus.DONE:
        return render("progress.html", record=record, caller=caller)
    report = await run_in_threadpool(store.get_report, uuid)
    if report is None:
        return render("missing.html", 404, uuid=uuid, caller=caller)
    return render("result.html", view=report_view(report), record=record, caller=caller)
