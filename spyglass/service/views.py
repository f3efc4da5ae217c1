"""What the web pages show, from the stored documents: pure functions, no I/O.

``report_view(report)`` turns a urlscan-shaped result document into the rows the report page
renders (transactions, forms, indicators with their search pivots...). Every value stays the
scanned page's own text: the templates escape it (Jinja2 autoescape), nothing here marks
anything safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spyglass.analyze.domains import host_of
from spyglass.render import submission_date
from spyglass.search.pivots import Pivot, report_pivots, search_link

_VISIBILITY = {"public": "Public", "unlisted": "Unlisted", "private": "Private"}
MAX_ROWS = 2000  # per table: a page with 20,000 requests still renders


@dataclass(frozen=True)
class Transaction:
    method: str
    status: str
    type: str
    url: str
    domain: str
    ip: str
    size: int | None
    hash: str | None
    request_headers: dict[str, str]
    response_headers: dict[str, str]


@dataclass(frozen=True)
class ReportView:
    uuid: str
    title_line: tuple[str, str, str]  # domain, primary IP, visibility
    url: str
    effective_url: str
    submission: str  # "Submission: On ... via ... from ... — Scanned from ..."
    title: str
    verdict: dict[str, Any]  # verdicts.spyglass: score, categories, brand objects, reasons
    page: dict[str, Any]
    counts: dict[str, int]
    transactions: list[Transaction]
    redirects: list[dict[str, Any]]
    links: list[dict[str, Any]]
    forms: list[dict[str, Any]]
    text: str
    cookies: list[dict[str, Any]]
    console: list[dict[str, Any]]
    globals: list[dict[str, Any]]
    certificates: list[dict[str, Any]]
    downloads: list[dict[str, Any]]
    wallet_calls: list[dict[str, Any]]
    clipboard: list[dict[str, Any]]
    crypto_addresses: list[dict[str, Any]]
    dialogs: list[dict[str, Any]]
    popups: list[dict[str, Any]]
    blocked: list[dict[str, Any]]
    indicators: dict[str, list[Pivot]] = field(default_factory=dict)
    failure: dict[str, Any] | None = None


def report_view(report: dict[str, Any]) -> ReportView:
    task = report.get("task") or {}
    page = report.get("page") or {}
    lists = report.get("lists") or {}
    data = report.get("data") or {}
    submitter = (report.get("submitter") or {}).get("country") or "unknown country"
    scanner = (report.get("scanner") or {}).get("country") or "unknown country"
    indicators: dict[str, list[Pivot]] = {}
    for pivot in report_pivots(report):
        indicators.setdefault(pivot.kind, []).append(pivot)
    return ReportView(
        uuid=str(task.get("uuid") or ""),
        title_line=(
            str(page.get("domain") or task.get("domain") or ""),
            str(page.get("ip") or ""),
            _VISIBILITY.get(str(task.get("visibility")), "Public") + " Scan",
        ),
        url=str(task.get("url") or ""),
        effective_url=str(page.get("url") or ""),
        submission=(
            f"Submission: On {submission_date(task.get('time'))} via {task.get('method') or 'api'}"
            f" from {submitter} — Scanned from {scanner}"
        ),
        title=str(page.get("title") or ""),
        verdict=_verdict(report.get("verdicts") or {}),
        page=page,
        counts={
            "requests": len(data.get("requests") or []),
            "domains": len(lists.get("domains") or []),
            "ips": len(lists.get("ips") or []),
            "countries": len(lists.get("countries") or []),
        },
        transactions=[_transaction(r) for r in (data.get("requests") or [])[:MAX_ROWS]],
        redirects=list(data.get("redirects") or report.get("redirects") or [])[:MAX_ROWS],
        links=list(data.get("links") or [])[:MAX_ROWS],
        forms=list(report.get("forms") or []),
        text=str(report.get("text") or ""),
        cookies=list(data.get("cookies") or [])[:MAX_ROWS],
        console=[c.get("message") or c for c in (data.get("console") or [])[:MAX_ROWS]],
        globals=list(data.get("globals") or [])[:MAX_ROWS],
        certificates=list(lists.get("certificates") or []),
        downloads=list(data.get("downloads") or []),
        wallet_calls=list((report.get("wallet") or {}).get("calls") or [])[:MAX_ROWS],
        clipboard=list(report.get("clipboard") or [])[:MAX_ROWS],
        crypto_addresses=list(lists.get("cryptoAddresses") or [])[:MAX_ROWS],
        dialogs=list(data.get("dialogs") or [])[:MAX_ROWS],
        popups=list(data.get("popups") or [])[:MAX_ROWS],
        blocked=list(data.get("blocked") or [])[:MAX_ROWS],
        indicators=indicators,
        failure=report.get("failure"),
    )


def _verdict(verdicts: dict[str, Any]) -> dict[str, Any]:
    """Spyglass's own verdict (with reasons); a report stored before the engines existed has
    only urlscan's ``overall``, whose brands are bare keys."""
    if "spyglass" in verdicts:
        own: dict[str, Any] = verdicts["spyglass"]
        return own
    overall = dict(verdicts.get("overall") or {})
    overall["brands"] = [{"key": b, "name": b} for b in overall.get("brands") or []]
    return overall


def pivot_href(pivot: Pivot) -> str:
    return search_link(pivot.query)


def _transaction(item: dict[str, Any]) -> Transaction:
    request = (item.get("request") or {}).get("request") or {}
    outer = item.get("response") or {}
    response = outer.get("response") or {}
    url = str(request.get("url") or response.get("url") or "")
    return Transaction(
        method=str(request.get("method") or ""),
        status=str(response.get("status") or ""),
        type=str((item.get("request") or {}).get("type") or outer.get("type") or ""),
        url=url,
        domain=host_of(url) or "",
        ip=str(response.get("remoteIPAddress") or ""),
        size=outer.get("dataLength"),
        hash=outer.get("hash"),
        request_headers={str(k): str(v) for k, v in (request.get("headers") or {}).items()},
        response_headers={str(k): str(v) for k, v in (response.get("headers") or {}).items()},
    )
