"""Finishing a scan: what a capture becomes before it is stored or printed.

The flow, folder by folder::

    service/submission.py   a request is judged (netpolicy.py) and queued (store/queue.py)
    worker.py / cli.py      capture/: the browser records a RawCapture
    pipeline.py             finish_scan: analyze/ (with refdata/) -> the report, DOM and HAR
    store/                  Store.complete: report, artifacts and search index, job done
    service/, search/       the API, the web pages and search read what was stored

``finish_scan(capture, task, refdata)`` is the one way a report is made: the worker, the CLI
and the tests call it. ``RefData`` is the reference data the analysis is configured with,
loaded once per process (``RefData.from_settings``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from spyglass.analyze.document.har import build_har
from spyglass.analyze.report import build_report, preload
from spyglass.models import ClaimedJob, RawCapture, Report, TaskInfo

if TYPE_CHECKING:
    from spyglass.refdata.ipdata import IPData
    from spyglass.refdata.verdicts import VerdictData
    from spyglass.settings import Settings
    from spyglass.store import Store


class RefData(NamedTuple):
    """Where AS numbers and places come from, and the sanctions list and YARA rules the
    verdicts use; None: the data shipped with Spyglass."""

    ip_data: IPData | None = None
    verdict_data: VerdictData | None = None

    @classmethod
    def from_settings(cls, settings: Settings, ip_data: IPData | None = None) -> RefData:
        """The settings' data (``SPYGLASS_MMDB``, ``SPYGLASS_SANCTIONS_FILE``,
        ``SPYGLASS_YARA_RULES``); an unreadable file or a rule that does not compile raises
        ``InvalidOption`` naming it, so a worker stops at start, not at every scan.
        ``ip_data``: one the process has already (``serve`` shares the API's)."""
        from spyglass.refdata.ipdata import IPData
        from spyglass.refdata.verdicts import VerdictData

        ip_data = ip_data if ip_data is not None else IPData.from_settings(settings)
        return cls(ip_data, VerdictData.from_settings(settings))

    def preload(self) -> None:
        """Load all of it, and the analysis's own data, now instead of in the first report."""
        preload(self.ip_data, self.verdict_data)


@dataclass(frozen=True)
class FinishedScan:
    """A scan's report and the artifacts stored beside it."""

    report: Report
    dom: bytes | None  # the final DOM as UTF-8, None when the page gave none
    har: dict[str, Any]  # HAR 1.2

    def har_bytes(self) -> bytes:
        return json.dumps(self.har).encode("utf-8")


def finish_scan(
    capture: RawCapture, task: TaskInfo, refdata: RefData | None = None
) -> FinishedScan:
    """The report of ``capture`` (see ``analyze/report.py``), its DOM and its HAR."""
    data = refdata or RefData()
    report = build_report(capture, task, data.ip_data, data.verdict_data)
    dom = capture.dom.encode("utf-8") if capture.dom is not None else None
    return FinishedScan(report=report, dom=dom, har=build_har(capture))


def task_for_job(job: ClaimedJob, settings: Settings) -> TaskInfo:
    """What a queued submission says about its scan, for the report's ``task``."""
    request = job.request
    return TaskInfo(
        uuid=job.scan_uuid,
        time=job.submitted_at,
        url=request.url,
        visibility=request.visibility,
        method=request.method,
        source=job.owner or "anonymous",
        tags=list(request.tags),
        submitter_country=request.submitter_country,
        scanner_country=settings.scanner_country,
        base_url=settings.public_url,
    )


def save_scan(store: Store, job: ClaimedJob, capture: RawCapture, finished: FinishedScan) -> bool:
    """Store a finished scan and finish its job; False when the job's lease was lost."""
    return store.complete(
        job, finished.report.to_json_dict(), capture, dom=finished.dom, har=finished.har_bytes()
    )
