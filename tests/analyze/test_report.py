from __future__ import annotations

import json
import subprocess
import sys

import pytest

from spyglass.analyze.report import build_report
from spyglass.models import FailureReason, Pivots, RawCapture, Report
from tests.analyze.captures import (
    ARTICLE_URL,
    DOWNLOAD_SHA,
    T0,
    TASK_TIME,
    failed_dns,
    redirect_chain_news,
    task_for,
)

UUID = "6f1c2a9e-0d5b-4f57-9a43-5c7e1b2d3f40"


def _report():
    capture = redirect_chain_news()
    return build_report(capture, task_for(capture))


def test_task() -> None:
    task = _report().to_json_dict()["task"]  # urlscan's names: reportURL, apexDomain...
    assert task["uuid"] == UUID
    assert task["time"] == "2023-12-23T09:00:00.123Z"
    assert (task["url"], task["domain"], task["apexDomain"]) == (
        "http://news.test/",
        "news.test",
        "news.test",
    )
    assert (task["visibility"], task["method"], task["source"], task["tags"]) == (
        "public",
        "cli",
        "cli",
        ["news"],
    )
    assert task["reportURL"] == f"https://spyglass.example/result/{UUID}/"
    assert task["screenshotURL"] == f"https://spyglass.example/screenshots/{UUID}.png"
    assert task["domURL"] == f"https://spyglass.example/dom/{UUID}/"
    assert task["options"]["headers"] == {"X-Scan": "spyglass"}
    assert task["userAgent"].startswith("Mozilla/5.0")


def test_page_lists_and_stats_are_composed() -> None:
    report = _report()
    assert (report.page.url, report.page.status, report.page.redirected) == (
        ARTICLE_URL,
        "200",
        "off-domain",
    )
    assert report.lists.link_domains[0] == "daily.example"
    assert report.stats.total_links == len(report.data["links"]) == 5
    assert len(report.data["requests"]) == 8


def test_data_urlscan_keys() -> None:
    data = _report().data
    (cookie,) = data["cookies"]
    assert cookie == {
        "name": "session",
        "value": "abc123",
        "domain": ".daily.example",
        "path": "/",
        "expires": 1735000000.5,
        "size": 13,
        "httpOnly": True,
        "secure": True,
        "session": False,
        "sameSite": "Lax",
        "priority": "Medium",
        "sourceScheme": "Secure",
        "sourcePort": 443,
    }
    (message,) = data["console"]
    assert message == {
        "message": {
            "source": "javascript",
            "level": "error",
            "text": "Uncaught TypeError: x is undefined",
            "timestamp": (T0 + 1.5) * 1000,
            "url": "https://cdn.daily.example/js/app.js",
            "line": 12,
            "column": 4,
        }
    }
    assert data["timing"]["beginNavigation"] == "2023-12-23T09:00:02.123Z"
    assert data["timing"]["loadEventFired"] == "2023-12-23T09:00:04.023Z"
    assert data["globals"] == [
        {"prop": "dataLayer", "type": "object"},
        {"prop": "Daily", "type": "function"},
    ]
    assert data["links"][1] == {"href": "https://daily.example/news/world/", "text": "World"}
    assert data["redirects"][0]["from"] == "http://news.test/"


def test_data_spyglass_keys() -> None:
    data = _report().data
    assert data["dialogs"] == [
        {"type": "alert", "message": "Subscribe now!", "defaultValue": None, "url": ARTICLE_URL}
    ]
    assert data["popups"] == [{"url": "https://ads.example.net/pop", "openerUrl": ARTICLE_URL}]
    assert data["downloads"][0]["suggestedFilename"] == "report.pdf"
    assert [n["reason"] for n in data["navigations"]] == [
        "scriptInitiated",
        "metaTagRefresh",
        "reload",
    ]
    assert data["blocked"] == [
        {"host": "tracker.evil.test", "port": 443, "ip": "10.0.0.5", "reason": "blocked_address"}
    ]


def test_meta_verdicts_submitter_scanner() -> None:
    report = _report()
    (download,) = report.meta["processors"]["download"]["data"]
    assert (download["sha256"], download["filename"], download["filesize"]) == (
        DOWNLOAD_SHA,
        "report.pdf",
        4096,
    )
    overall = report.verdicts.model_dump(mode="json", by_alias=True)["overall"]
    assert overall == {
        "score": 0,
        "categories": [],
        "tags": [],
        "malicious": False,
        "brands": [],
        "hasVerdicts": False,
    }
    assert report.submitter.country is None and report.scanner.country is None


def test_spyglass_top_level_keys() -> None:
    report = _report()
    assert len(report.forms) == 2
    assert report.text.startswith("Skip to Main Content\nHome World")
    assert [r.kind for r in report.redirects] == ["http", "http", "meta", "js", "http"]
    assert report.failure is None and report.incomplete == []


def test_json_document_round_trips_and_is_deterministic() -> None:
    first = json.dumps(_report().to_json_dict(), sort_keys=True)
    second = json.dumps(_report().to_json_dict(), sort_keys=True)
    assert first == second
    document = json.loads(first)
    assert document["page"]["status"] == "200"
    assert document["redirects"][0] == {
        "from": "http://news.test/",
        "to": "https://news.test/",
        "status": 301,
        "kind": "http",
    }
    assert document["forms"][1]["actionUrl"] == ARTICLE_URL
    assert {
        "task",
        "page",
        "data",
        "lists",
        "stats",
        "meta",
        "verdicts",
        "submitter",
        "scanner",
        "forms",
        "text",
        "redirects",
        "failure",
        "incomplete",
    } <= document.keys()


@pytest.mark.parametrize("capture", [redirect_chain_news(), failed_dns()], ids=["news", "dns"])
def test_a_stored_document_reads_back_into_the_same_report(capture: RawCapture) -> None:
    """The typed sections lose nothing: the document read back is written byte for byte the
    same (key order, nulls, an empty wallet written as {}, failed sub-domains...)."""
    written = json.dumps(build_report(capture, task_for(capture)).to_json_dict())
    read_back = Report.model_validate(json.loads(written))
    assert json.dumps(read_back.to_json_dict()) == written


def test_failed_scan_report() -> None:
    capture = failed_dns()
    report = build_report(capture, task_for(capture, visibility="unlisted"))
    assert report.page.model_dump(exclude_none=True) == {
        "url": "http://gone.test/",
        "domain": "gone.test",
    }
    assert report.failure is not None and report.failure.reason is FailureReason.DNS
    assert report.incomplete == ["screenshot: page did not load"]
    (entry,) = report.data["requests"]
    assert entry["response"]["failed"]["errorText"] == "net::ERR_NAME_NOT_RESOLVED"
    assert report.lists.urls == ["http://gone.test/"] and report.lists.ips == []
    assert report.forms == [] and report.text == "" and report.redirects == []
    processors = report.meta["processors"]
    assert processors["download"] == {"state": "done", "data": []}
    # Nothing was seen: the enrichers find nothing (and the address ones are not listed).
    assert processors["wappa"]["data"] == [] and report.technologies == []
    assert set(processors) == {"download", "wappa"}
    assert report.pivots == Pivots()


def test_text_falls_back_to_the_dom() -> None:
    capture = redirect_chain_news().model_copy(update={"text": None})
    report = build_report(capture, task_for(capture))
    assert report.text.splitlines()[0] == "Skip to Main Content"
    assert "To stem the missile programme, officials look to its hackers" in report.text


def test_bare_capture_builds() -> None:
    capture = RawCapture(url="http://a.test/", started_at=TASK_TIME, finished_at=TASK_TIME)
    report = build_report(capture, task_for(capture))
    assert report.page.url == "http://a.test/"
    assert report.data["requests"] == [] and report.data["links"] == []
    assert report.stats.ipv6_percentage is None
    assert report.lists.domains == []


def test_preload_leaves_nothing_for_the_first_report_to_load() -> None:
    """A worker's first scan is as fast as its later ones: the pHash's scipy too is loaded."""
    code = (
        "import sys; from spyglass.analyze.report import preload; preload(); "
        "print(sorted({'imagehash', 'scipy.fft'} - set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
