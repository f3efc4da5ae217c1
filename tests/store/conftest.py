"""Store fixtures: every store test runs on SQLite (a file in tmp_path) and on PostgreSQL.

PostgreSQL: one database ``spyglass_test_<random>`` per test session, dropped at the end, and a
fresh schema per test (selected through ``search_path``). The server is
``SPYGLASS_TEST_POSTGRES_URL`` (default: the local one ``scripts/setup`` starts). Nothing here
skips: an unreachable PostgreSQL is a failure, in CI and everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Connection

from spyglass.analyze.report import build_report
from spyglass.models import ClaimedJob, RawCapture, ScanRecord, ScanRequest, TaskInfo
from spyglass.store import Store
from spyglass.store.db import alembic_config, make_engine, sqlite_url, writer
from tests.analyze.captures import redirect_chain_news
from tests.conftest import sha256, tiny_png


class Clock:
    """A clock tests move by hand: ``clock.advance(61)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


ARTICLE_HTML = b"<!doctype html><html><head><title>Daily Example</title></head></html>"


def news_capture() -> RawCapture:
    """The saved redirect-chain scenario with a real screenshot and body among its blobs."""
    capture = redirect_chain_news()
    png = tiny_png()
    return capture.model_copy(
        update={
            "screenshot_sha256": sha256(png),
            "blobs": {sha256(png): png, sha256(ARTICLE_HTML): ARTICLE_HTML},
        }
    )


def news_report(job: ClaimedJob, capture: RawCapture) -> dict[str, Any]:
    """The report the analysis builds for ``job``; enrichment (ASN, country) is not built yet,
    so the values a GeoIP/ASN lookup would add are filled in by hand."""
    task = TaskInfo(
        uuid=job.scan_uuid,
        time=job.submitted_at,
        url=job.request.url,
        visibility=job.request.visibility,
        tags=list(job.request.tags),
        base_url="https://spyglass.example/",
    )
    report = build_report(capture, task).to_json_dict()
    report["page"].update(asn="AS64496", asnname="EXAMPLE-NET", country="DE")
    report["lists"].update(asns=["AS64496", "AS64511"], countries=["DE", "NL"])
    return report


def claimed_job() -> ClaimedJob:
    """A job as a worker holds it, for tests of what a report indexes (no store needed)."""
    return ClaimedJob(
        job_id=1,
        scan_uuid="6f1c2a9e-0d5b-4f57-9a43-5c7e1b2d3f40",
        attempt=1,
        worker_id="w",
        request=news_request(),
        submitted_at=datetime(2023, 12, 23, 9, tzinfo=UTC),
    )


def news_request(**changes: Any) -> ScanRequest:
    return ScanRequest(url="http://news.test/", tags=("news",), **changes)


def finish_scan(
    store: Store, request: ScanRequest | None = None, *, owner: str | None = None
) -> ScanRecord:
    """Submit, claim and complete one scan of the news scenario; the finished record."""
    record, _ = store.submit(request or news_request(), owner=owner)
    job = store.claim("worker-1", 60)
    assert job is not None and job.scan_uuid == record.uuid
    capture = news_capture()
    assert store.complete(job, news_report(job, capture), capture)
    finished = store.get_scan(record.uuid)
    assert finished is not None
    return finished


@contextmanager
def old_schema(tmp_path: Path, database_url: str | None, revision: str) -> Iterator[Connection]:
    """A store's database migrated only up to ``revision``: write rows as an older Spyglass
    would have, then ``Store.open`` it to see what the newer migrations make of them."""
    engine = make_engine(database_url or sqlite_url(tmp_path))
    config = alembic_config()
    try:
        with writer(engine).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            yield connection
    finally:
        engine.dispose()
