"""``build_report(capture, task) -> Report``: the urlscan result document plus Spyglass's keys.

Composes the small analyzers; adds nothing of its own but the document's layout:

- ``task``: the submission (uuid, ISO time, url, visibility, options...) and the absolute
  ``reportURL``/``screenshotURL``/``domURL`` under ``task.base_url``.
- ``data``: urlscan's ``requests``, ``cookies``, ``console``, ``links``, ``timing``,
  ``globals`` and ``redirects`` (read by the Kibana connector), plus Spyglass's ``dialogs``,
  ``popups``, ``downloads``, ``navigations`` and ``blocked``.
- ``meta.processors.download`` lists downloads (XSOAR reads ``data[0]``).
- Enrichment comes next, each enricher writing its own ``meta.processors`` entry (data source,
  version): AS and country of the addresses (``document/addresses.py``), technologies
  (``detect/tech``) and pivots such as the DOM structure hash and favicon hashes
  (``detect/identifiers.py``). All offline.
- Then what the verdicts read: ``wallet`` (the decoy-wallet requests decoded, ``wallet/``),
  ``clipboard`` (``document/clipboard.py``), ``lists.cryptoAddresses`` (``detect/crypto.py``,
  matched against the sanctions list); last ``verdicts`` (``verdicts/``: every engine, then
  the combiner).

Pure: same capture and task in, same report out; nothing is read from the clock or the network.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from spyglass.analyze.detect.crypto import add_crypto_addresses
from spyglass.analyze.detect.identifiers import add_pivots
from spyglass.analyze.detect.tech.technologies import add_technologies
from spyglass.analyze.document.addresses import enrich_report
from spyglass.analyze.document.clipboard import add_clipboard
from spyglass.analyze.document.forms import analyze_forms
from spyglass.analyze.document.links import extract_links
from spyglass.analyze.document.lists import build_lists
from spyglass.analyze.document.page import build_page, primary_transaction
from spyglass.analyze.document.redirects import redirect_chain, redirect_label
from spyglass.analyze.document.requests import build_requests
from spyglass.analyze.document.stats import build_stats
from spyglass.analyze.document.text import normalize_text, text_from_dom
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.timestamps import iso_utc
from spyglass.analyze.verdicts import add_verdicts
from spyglass.analyze.wallet.decode import add_wallet
from spyglass.models import (
    ConsoleMessage,
    Link,
    Place,
    RawCapture,
    Redirect,
    Report,
    Task,
    TaskInfo,
)
from spyglass.refdata.ipdata import IPData
from spyglass.refdata.techindex import compiled
from spyglass.refdata.verdicts import VerdictData


def build_report(
    capture: RawCapture,
    task: TaskInfo,
    ip_data: IPData | None = None,
    verdict_data: VerdictData | None = None,
) -> Report:
    """The report of one scan (see the module docstring). ``ip_data``: where AS numbers and
    places come from (``IPData.from_settings``, made once per process); ``verdict_data``: the
    sanctions list and YARA rules (``VerdictData.from_settings``). None: the data shipped with
    Spyglass only."""
    verdict_data = verdict_data or VerdictData.bundled()
    primary = primary_transaction(capture.transactions)
    final_url = primary.url if primary else capture.final_url
    page = build_page(capture, primary, redirect_label(capture.url, final_url), task.time)
    document_url = capture.final_url or page.url
    links = extract_links(capture.dom, document_url)
    redirects = redirect_chain(capture.transactions, capture.navigations, capture.url)
    report = Report(
        task=build_task(capture, task),
        page=page,
        data=build_data(capture, links, redirects, primary.request_id if primary else None),
        lists=build_lists(capture.transactions, links, capture.certificates, task.time),
        stats=build_stats(capture.transactions, total_links=len(links)),
        meta=build_meta(capture),
        submitter=Place(country=task.submitter_country),
        scanner=Place(country=task.scanner_country),
        forms=analyze_forms(capture.dom, document_url),
        text=visible_text(capture),
        redirects=redirects,
        failure=capture.failure,
        incomplete=list(capture.incomplete),
    )
    enrich_report(report, ip_data)
    add_technologies(report, capture)
    add_pivots(report, capture)
    add_wallet(report, capture)
    add_clipboard(report, capture)
    add_crypto_addresses(report, capture, verdict_data.sanctions)
    add_verdicts(report, capture, verdict_data)
    return report


def preload(ip_data: IPData | None = None, verdict_data: VerdictData | None = None) -> None:
    """Load every enricher's and engine's data now instead of in the first report (~1-2 s and
    ~250 MB, once per process): a worker calls it before its first scan, the CLI while its
    browser loads the page. Thread-safe."""
    (ip_data or IPData()).load()
    compiled()
    # The engines load their data (brands, logos, tokens, matchers) and their libraries (the
    # screenshot's pHash: scipy) on first use: one report of a small sign-in page with a
    # screenshot touches all of it.
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    page = "<title>Sign in</title><form action=/x><input type=password></form>Sign in to PayPal"
    screenshot = io.BytesIO()
    Image.new("RGB", (128, 72), "white").save(screenshot, "PNG")
    png = screenshot.getvalue()
    digest = hashlib.sha256(png).hexdigest()
    warm_up = RawCapture(url="http://warm-up.invalid/", started_at=moment, finished_at=moment,
                         dom=page, text=page, screenshot_sha256=digest,
                         blobs={digest: png})  # fmt: skip
    build_report(warm_up, TaskInfo(uuid="warm-up", time=moment, url=warm_up.url), ip_data,
                 verdict_data)  # fmt: skip


def build_task(capture: RawCapture, task: TaskInfo) -> Task:
    """urlscan's ``task``.

    >>> from datetime import datetime
    >>> t = TaskInfo(uuid="u1", time=datetime(2024, 1, 2), url="http://news.test/",
    ...              base_url="http://127.0.0.1:8000/")
    >>> c = RawCapture(url="http://news.test/", started_at=t.time, finished_at=t.time)
    >>> d = build_task(c, t)
    >>> d.time, d.report_url, d.dom_url
    ('2024-01-02T00:00:00.000Z', 'http://127.0.0.1:8000/result/u1/', 'http://127.0.0.1:8000/dom/u1/')
    >>> d.screenshot_url
    'http://127.0.0.1:8000/screenshots/u1.png'
    """
    base = task.base_url.rstrip("/")
    domain = host_of(task.url)
    return Task(
        uuid=task.uuid,
        time=iso_utc(task.time),
        url=task.url,
        domain=domain,
        apex_domain=apex_domain(domain),
        visibility=task.visibility,
        method=task.method,
        source=task.source,
        tags=list(task.tags),
        options=capture.options,
        user_agent=capture.user_agent or capture.options.user_agent,
        report_url=f"{base}/result/{task.uuid}/",
        screenshot_url=f"{base}/screenshots/{task.uuid}.png",
        dom_url=f"{base}/dom/{task.uuid}/",
    )


def build_data(
    capture: RawCapture,
    links: list[Link],
    redirects: list[Redirect],
    primary_request_id: str | None,
) -> dict[str, Any]:
    """urlscan's ``data`` plus Spyglass's recordings of what the page did."""
    return {
        "requests": build_requests(capture.transactions, primary_request_id),
        "cookies": [
            c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in capture.cookies
        ],
        "console": [console_entry(m) for m in capture.console],
        "links": [link.model_dump(mode="json", by_alias=True) for link in links],
        "timing": {name: iso_utc(at) for name, at in capture.timing.items()},
        "globals": [g.model_dump(mode="json") for g in capture.globals],
        "redirects": [r.model_dump(mode="json", by_alias=True) for r in redirects],
        "dialogs": [camel_dump(d) for d in capture.dialogs],
        "popups": [camel_dump(p) for p in capture.popups],
        "downloads": [camel_dump(d) for d in capture.downloads],
        "navigations": [camel_dump(n) for n in capture.navigations],
        "blocked": [camel_dump(b) for b in capture.blocked],
    }


def console_entry(message: ConsoleMessage) -> dict[str, Any]:
    """urlscan's ``{"message": {...}}``; the timestamp in epoch milliseconds, as CDP and
    urlscan write it (Spyglass records seconds). Unknown fields are left out.

    >>> console_entry(ConsoleMessage(text="hi", timestamp=1700000000.5, line=3))["message"]
    {'source': 'console-api', 'level': 'log', 'text': 'hi', 'timestamp': 1700000000500.0, 'line': 3}
    """
    fields = {
        "source": message.source,
        "level": message.level,
        "text": message.text,
        "timestamp": message.timestamp * 1000 if message.timestamp is not None else None,
        "url": message.url,
        "line": message.line,
        "column": message.column,
    }
    return {"message": {key: value for key, value in fields.items() if value is not None}}


def build_meta(capture: RawCapture) -> dict[str, Any]:
    """``meta.processors`` (only ``download`` is known without enrichment: ``enrich_report``)
    and ``meta.isolation``."""
    downloads = [
        {
            "sha256": d.sha256,
            "filename": d.suggested_filename,
            "filesize": d.size,
            "mimeType": d.mime_type,  # XSOAR reads the key: always present
            "url": d.url,
            "saved": d.saved,
            "note": d.note,
        }
        for d in capture.downloads
    ]
    meta: dict[str, Any] = {"processors": {"download": {"state": "done", "data": downloads}}}
    if capture.isolation is not None:
        # Spyglass's own: how the browser that made this capture was isolated (an operator who
        # set SPYGLASS_ALLOW_UNSANDBOXED sees it on every report).
        meta["isolation"] = {
            "sandbox": capture.isolation.sandbox,
            "user": capture.isolation.user,
            "uid": capture.isolation.uid,
            "memoryBound": capture.isolation.memory_bound,
            "memoryMB": capture.isolation.memory_mb,
        }
    return meta


def visible_text(capture: RawCapture) -> str:
    """The browser's visible text, tidied; approximated from the DOM when it gave none."""
    text = normalize_text(capture.text)
    return text or text_from_dom(capture.dom)


def camel_dump(model: BaseModel) -> dict[str, Any]:
    """A capture model as JSON in the document's camelCase (``opener_url`` -> ``openerUrl``)."""
    return {to_camel(key): value for key, value in model.model_dump(mode="json").items()}
