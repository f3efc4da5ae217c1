"""Scan options reach the browser: what it sends and how it renders."""

from __future__ import annotations

import struct

from spyglass.capture.browser import BrowserPool
from spyglass.models import CookieSpec, ScanOptions, Viewport
from tests.testweb import TestWeb


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


async def test_headers_user_agent_referer_locale(pool: BrowserPool, web: TestWeb) -> None:
    options = ScanOptions(
        user_agent="Mozilla/5.0 SpyglassTest/1.0",
        referer="https://mail.example/inbox",
        headers={"X-Case-Id": "IR-1234"},
        locale="de-DE",
    )
    capture = await pool.capture(web.url("plain.test"), options)
    main = next(hop for hop in capture.transactions if hop.is_main_frame)
    sent = main.request_headers
    assert _header(sent, "user-agent") == "Mozilla/5.0 SpyglassTest/1.0"
    assert _header(sent, "referer") == "https://mail.example/inbox"
    assert _header(sent, "x-case-id") == "IR-1234"
    assert (_header(sent, "accept-language") or "").startswith("de-DE")
    assert capture.user_agent == "Mozilla/5.0 SpyglassTest/1.0"


async def test_cookies_are_set_before_the_scan(pool: BrowserPool, web: TestWeb) -> None:
    options = ScanOptions(cookies=(CookieSpec(name="victim_session", value="abc123"),))
    capture = await pool.capture(web.url("plain.test"), options)
    assert {c.name: c.value for c in capture.cookies}["victim_session"] == "abc123"
    main = next(hop for hop in capture.transactions if hop.is_main_frame)
    assert "victim_session=abc123" in (_header(main.request_headers, "cookie") or "")


async def test_viewport_and_device(pool: BrowserPool, web: TestWeb) -> None:
    small = await pool.capture(
        web.url("plain.test"), ScanOptions(viewport=Viewport(width=800, height=600))
    )
    assert small.screenshot is not None and _png_size(small.screenshot) == (800, 600)
    phone = await pool.capture(web.url("plain.test"), ScanOptions(device="iPhone 13"))
    assert phone.user_agent and "iPhone" in phone.user_agent


async def test_javascript_off(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("app.test"), ScanOptions(javascript=False))
    names = {c.name for c in capture.cookies}
    assert "session_id" in names and "js_cookie" not in names
    assert not [m for m in capture.console if m.source == "console-api"]
    assert capture.globals == []
