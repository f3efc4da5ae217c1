"""The web pages: home (submit + recent scans), a scan's progress and report, search.

Server-rendered with Jinja2 (autoescape on: everything a scanned page said is shown as text),
under a strict Content-Security-Policy: our own script and style files only, no inline code,
no frames, forms posting only to us. A page of ours can show hostile content; it can never run
it. Visibility is the API's: a private scan is a 404 for anyone but its owner, unlisted and
private scans are never listed.
"""

from __future__ import annotations

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
from spyglass.service.auth import (
    API_KEY_HEADER,
    Caller,
    can_view,
    enforce_rate_limit,
    is_uuid_shaped,
    reader,
)
from spyglass.service.dependencies import IPDataDep, SettingsDep, StoreDep
from spyglass.service.documents import search_hit
from spyglass.service.errors import APIError
from spyglass.service.routing import route
from spyglass.service.submission import ScanSubmission, checked_request, client_country
from spyglass.service.views import pivot_href, report_view
from spyglass.settings import Settings
from spyglass.store import ApiKeyRecord, SearchTimeout, Store

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
RECENT = 20
MAX_FORM_BYTES = 64 * 1024
SESSION_COOKIE = "spyglass_key"
SESSION_SECONDS = 30 * 86400
CROSS_SITE = "Forms are accepted from Spyglass's own pages only."
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


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


async def page_caller(request: Request, settings: SettingsDep, store: StoreDep) -> Caller:
    """Who is looking: the API-Key header, else the signed-in key's cookie (a cookie of an
    unknown or disabled key counts for nothing); anonymous as ``auth.reader`` allows."""
    address = request.client.host if request.client else "unknown"
    secret = request.cookies.get(SESSION_COOKIE, "")
    if request.headers.get(API_KEY_HEADER) or not is_uuid_shaped(secret):
        return await reader(request, settings, store)
    key = await run_in_threadpool(store.api_key, secret)
    if key is None:  # a stale cookie: as anonymous, where anonymous reading may be off
        return await reader(request, settings, store)
    return Caller(key, address)


PageCaller = Annotated[Caller, Depends(page_caller)]


@router.get("/")
async def home(caller: PageCaller, store: StoreDep, settings: SettingsDep) -> Response:
    return await _home(caller, store, settings)


async def _home(
    caller: Caller, store: Store, settings: Settings, error: str | None = None, status: int = 200
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
    if _cross_site(request):
        return await _home(caller, store, settings, CROSS_SITE, 403)
    form = await _form(request)
    try:
        if form.get("apikey"):
            caller = Caller(await _key(store, form["apikey"]), caller.address)
        if caller.key is None:
            raise APIError(401, "API key required", "Sign in or give an API key to submit.")
        tags = [t.strip() for t in form.get("tags", "").split(",") if t.strip()]
        fields = {k: form[k] for k in ("customagent", "referer", "country") if form.get(k)}
        submission = ScanSubmission(
            url=form.get("url", ""), visibility=form.get("visibility") or None,
            tags=tags or None, decoy=not form.get("nodecoy"), **fields,
        )  # fmt: skip
        enforce_rate_limit(request, caller, submission.effective_visibility())
        country = await run_in_threadpool(client_country, caller.address, ip_data)
        scan_request = await checked_request(submission, settings, country)
        record, _ = await run_in_threadpool(
            partial(store.submit, scan_request, owner=caller.key.id, source=caller.key.id,
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
async def login(request: Request, store: StoreDep, caller: PageCaller) -> Response:
    """Sign in with an API key: the browser keeps it in an HttpOnly, SameSite=Strict cookie,
    and pages then show that key's unlisted and private scans too."""
    if _cross_site(request):
        return render("login.html", 403, caller=caller, error=CROSS_SITE)
    secret = (await _form(request)).get("apikey", "").strip()
    try:
        await _key(store, secret)
    except APIError as e:
        return render("login.html", e.status, caller=caller, error=e.message)
    response = RedirectResponse("/", status_code=303, headers=PAGE_HEADERS)
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="strict",
        secure=request.url.scheme == "https", max_age=SESSION_SECONDS,
    )  # fmt: skip
    return response


@router.post("/logout")
async def logout(request: Request, caller: PageCaller) -> Response:
    if _cross_site(request):
        return render("login.html", 403, caller=caller, error=CROSS_SITE)
    response = RedirectResponse("/", status_code=303, headers=PAGE_HEADERS)
    response.delete_cookie(SESSION_COOKIE)
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


def _cross_site(request: Request) -> bool:
    """A form posted from another site (the cookie is SameSite=Strict as well). Fetch metadata
    first: under our ``Referrer-Policy: no-referrer`` browsers send ``Origin: null``."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


@route(router, "/search/")
async def search_page(
    request: Request, caller: PageCaller, store: StoreDep, settings: SettingsDep
) -> Response:
    query = request.query_params.get("q", "")
    size = request.query_params.get("size", "")
    size = min(int(size), MAX_PAGE_SIZE) if size.isdigit() and int(size) > 0 else PAGE_SIZE
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
