"""The JSON documents the API answers with, built from store records.

Every absolute URL is made here, from ``settings.public_url``: integrations follow them
(``api`` of a submission, ``task.screenshotURL`` of a result, ``result``/``screenshot`` of a hit).
"""

from __future__ import annotations

from typing import Any

from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.timestamps import epoch_seconds, iso_utc
from spyglass.models import ScanRecord
from spyglass.models.findings import CommunityVerdict

EMPTY_LISTS = (
    "ips", "countries", "asns", "domains", "apexDomains", "servers", "urls", "linkDomains",
    "certificates", "hashes",
)  # fmt: skip
HIT_STATS = ("uniqIPs", "uniqCountries", "dataLength", "encodedDataLength", "requests")


def result_url(public_url: str, uuid: str) -> str:
    """The web page of a scan: ``https://spyglass.example/result/<uuid>/``."""
    return f"{public_url}/result/{uuid}/"


def api_url(public_url: str, uuid: str) -> str:
    return f"{public_url}/api/v1/result/{uuid}/"


def screenshot_url(public_url: str, uuid: str) -> str:
    return f"{public_url}/screenshots/{uuid}.png"


def dom_url(public_url: str, uuid: str) -> str:
    return f"{public_url}/dom/{uuid}/"


def task_links(public_url: str, uuid: str) -> dict[str, str]:
    """``task.reportURL``/``screenshotURL``/``domURL`` under the current public URL."""
    return {
        "reportURL": result_url(public_url, uuid),
        "screenshotURL": screenshot_url(public_url, uuid),
        "domURL": dom_url(public_url, uuid),
    }


def epoch_ms(record: ScanRecord) -> int:
    """The search order and cursor: the submission time in epoch milliseconds."""
    return round(epoch_seconds(record.submitted_at) * 1000)


def result_document(report: dict[str, Any], record: ScanRecord, public_url: str) -> dict[str, Any]:
    """The stored report, its task links re-pointed at the current ``public_url`` (the report
    was written with the URL of its day)."""
    task = {**(report.get("task") or {}), **task_links(public_url, record.uuid)}
    return {**report, "task": task}


def failed_document(record: ScanRecord, public_url: str) -> dict[str, Any]:
    """What a scan that never produced a report answers: urlscan's skeleton plus ``failure``.

    A failed urlscan result still has ``page.url`` and ``page.domain`` (XSOAR's fixture).
    """
    domain = host_of(record.url)
    return {
        "task": {
            "uuid": record.uuid,
            "time": iso_utc(record.submitted_at),
            "url": record.url,
            "domain": domain,
            "apexDomain": apex_domain(domain) if domain else None,
            "visibility": record.visibility,
            "method": record.method,
            "source": record.source,
            "tags": list(record.tags),
            **task_links(public_url, record.uuid),
        },
        "page": {"url": record.url, "domain": domain},
        "failure": {
            "reason": record.failure_reason or "error",
            "message": record.failure_message or "the scan failed",
        },
        "data": {"requests": [], "cookies": [], "console": [], "links": [], "globals": []},
        "lists": {name: [] for name in EMPTY_LISTS},
        "stats": {},
        "meta": {"processors": {}},
        "verdicts": neutral_verdicts(),
    }


def neutral_verdicts() -> dict[str, Any]:
    """Verdicts saying nothing, in urlscan's shape: what a scan without a report shows."""
    blank = {"score": 0, "categories": [], "brands": [], "tags": [], "malicious": False}
    return {
        "overall": {**blank, "hasVerdicts": False},
        "urlscan": {**blank, "detectionDetails": []},
        "community": CommunityVerdict().model_dump(mode="json", by_alias=True),
    }


def search_hit(record: ScanRecord, public_url: str) -> dict[str, Any]:
    """One search result in urlscan's hit shape, from the record's summary.

    ``page.status`` is a string in hits (``"200"``); ``sort`` is ``[epoch_ms, uuid]``, the
    cursor urlscan-python joins with a comma into ``search_after``.
    """
    summary = record.summary or {}
    task = summary.get("task") or {}
    domain = task.get("domain") or host_of(record.url)
    hit_task = {
        "visibility": record.visibility,
        "method": task.get("method", record.method),
        "domain": domain,
        "apexDomain": task.get("apexDomain") or (apex_domain(domain) if domain else None),
        "time": task.get("time") or iso_utc(record.submitted_at),
        "uuid": record.uuid,
        "url": task.get("url", record.url),
        "tags": list(task.get("tags", record.tags)),
        "source": task.get("source", record.source),
    }
    stats = summary.get("stats") or {}
    page = dict(summary.get("page") or {"url": record.url, "domain": domain})
    if page.get("status") is not None:
        page["status"] = str(page["status"])
    hit: dict[str, Any] = {
        "task": hit_task,
        "stats": {name: stats.get(name, 0) for name in HIT_STATS},
        "page": page,
        "_id": record.uuid,
        "_score": None,
        "sort": [epoch_ms(record), record.uuid],
        "result": api_url(public_url, record.uuid),
        "screenshot": screenshot_url(public_url, record.uuid),
    }
    overall = (summary.get("verdicts") or {}).get("overall")
    if overall:
        hit["verdicts"] = {"score": overall.get("score"), "malicious": overall.get("malicious")}
    return hit
