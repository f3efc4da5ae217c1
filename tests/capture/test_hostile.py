"""Hostile pages, one pool: every scan yields a report (partial where it must, with the reason),
and the pool still scans a normal page correctly afterwards."""

from __future__ import annotations

from spyglass.capture.browser import BrowserPool
from spyglass.models import FailureReason, RawCapture, ScanOptions
from spyglass.settings import Settings
from tests.conftest import report_of
from tests.testweb import TestWeb

HOSTILE = [
    "/hang",
    "/hang-resource",
    "/loop",
    "/dialog-spam",
    "/popup-spam",
    "/giant",
    "/crash",
    "/download",
    "/doc.pdf",
    "/missing",
    "/error",
]


async def test_every_hostile_site_then_a_normal_page(settings: Settings, web: TestWeb) -> None:
    # A pool of its own, so that a crash or a relaunch here cannot hide behind other tests.
    results: dict[str, RawCapture] = {}
    async with BrowserPool(settings) as pool:
        for path in HOSTILE:
            results[path] = await pool.capture(
                web.url("hostile.test", path), ScanOptions(timeout=20)
            )
        plain = await pool.capture(web.url("plain.test"))

    for path, capture in results.items():
        assert capture.final_url or capture.failure, path
        report_of(capture)  # every capture, however partial, analyses

    assert plain.failure is None and not plain.incomplete
    assert plain.title == "Plain page"
    assert plain.screenshot is not None

    hang = results["/hang"]
    assert hang.dom and hang.failure is None  # what arrived is kept
    assert results["/hang-resource"].title is not None
    loop = results["/loop"]
    assert any("stopped" in note for note in loop.incomplete)
    assert loop.screenshot is not None
    assert len(results["/dialog-spam"].dialogs) == 100  # capped, all dismissed
    assert len(results["/popup-spam"].popups) == 50
    giant = results["/giant"]
    main = next(hop for hop in giant.transactions if hop.is_main_frame)
    assert main.body_sha256 is None and main.body_note and "larger than" in main.body_note
    crash = results["/crash"]
    assert crash.failure is not None and crash.failure.reason is FailureReason.RENDERER_CRASH
    assert results["/download"].downloads[0].saved
    assert results["/doc.pdf"].failure is None or results["/doc.pdf"].downloads
