"""Documents built from records: search hits (with and without a summary), failed results."""

from __future__ import annotations

from datetime import UTC, datetime

from spyglass.models import ScanRecord, ScanStatus
from spyglass.service.documents import failed_document, result_document, search_hit

BASE = "https://spyglass.example"
UUID = "6f1c2a9e-0d5b-4f57-9a43-5c7e1b2d3f40"
WHEN = datetime(2026, 11, 25, 17, 0, 0, 123000, tzinfo=UTC)


def record(**changes: object) -> ScanRecord:
    fields: dict[str, object] = {
        "uuid": UUID, "url": "https://www.news.test/a", "visibility": "public", "owner": "k1",
        "status": ScanStatus.DONE, "submitted_at": WHEN, "tags": ["news"], "source": "k1",
    }  # fmt: skip
    return ScanRecord(**{**fields, **changes})  # type: ignore[arg-type]


def test_hit_from_a_summary() -> None:
    summary = {
        "task": {"time": "2026-11-25T17:00:00.123Z", "domain": "www.news.test",
                 "apexDomain": "news.test", "method": "api", "url": "https://www.news.test/a",
                 "tags": ["news"], "source": "k1"},
        "page": {"url": "https://www.news.test/a", "status": 200, "asn": "AS64496"},
        "stats": {"requests": 7, "uniqIPs": 2, "uniqCountries": 1, "dataLength": 10,
                  "encodedDataLength": 8, "secureRequests": 7},
        "verdicts": {"overall": {"score": 0, "malicious": False, "categories": []}},
    }  # fmt: skip
    hit = search_hit(record(summary=summary), BASE)
    assert hit["sort"] == [1795626000123, UUID]
    assert hit["page"]["status"] == "200"
    assert hit["page"]["asn"] == "AS64496"
    assert hit["stats"] == {
        "uniqIPs": 2, "uniqCountries": 1, "dataLength": 10, "encodedDataLength": 8, "requests": 7
    }  # fmt: skip
    assert hit["task"]["apexDomain"] == "news.test"
    assert hit["verdicts"] == {"score": 0, "malicious": False}
    assert hit["result"] == f"{BASE}/api/v1/result/{UUID}/"


def test_hit_without_a_summary_falls_back_on_the_record() -> None:
    hit = search_hit(record(summary={}), BASE)
    assert hit["task"]["domain"] == "www.news.test"
    assert hit["task"]["apexDomain"] == "news.test"
    assert hit["task"]["time"] == "2026-11-25T17:00:00.123Z"
    assert hit["page"] == {"url": "https://www.news.test/a", "domain": "www.news.test"}
    assert hit["stats"]["requests"] == 0
    assert "verdicts" not in hit


def test_result_document_repoints_task_links() -> None:
    report = {"task": {"uuid": UUID, "reportURL": "http://old/result/x/"}, "page": {}}
    document = result_document(report, record(), BASE)
    assert document["task"]["reportURL"] == f"{BASE}/result/{UUID}/"
    assert document["task"]["domURL"] == f"{BASE}/dom/{UUID}/"
    assert report["task"]["reportURL"] == "http://old/result/x/"  # the stored one is untouched


def test_failed_document() -> None:
    failed = record(status=ScanStatus.FAILED, failure_reason="blocked_address",
                    failure_message="news.test resolves to 10.0.0.1")  # fmt: skip
    document = failed_document(failed, BASE)
    assert document["failure"] == {
        "reason": "blocked_address", "message": "news.test resolves to 10.0.0.1"
    }  # fmt: skip
    assert document["page"] == {"url": "https://www.news.test/a", "domain": "www.news.test"}
    assert document["task"]["screenshotURL"] == f"{BASE}/screenshots/{UUID}.png"
    assert set(document["lists"]) >= {"ips", "urls", "domains", "hashes", "certificates"}
