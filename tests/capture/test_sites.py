"""Real Chromium against the local test web: what a scan records about each site."""

from __future__ import annotations

from urllib.parse import urlsplit

from spyglass.capture.browser import BrowserPool
from spyglass.models import FailureReason, ScanOptions
from tests.conftest import report_of, sha256
from tests.testweb import TestWeb, media


async def test_news_page_forms_hosts_and_ips(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("news.test"))
    report = report_of(capture)

    assert capture.failure is None and not capture.incomplete
    # Chromium's own calls home (autofill, translate...) must not appear as the page's traffic.
    assert capture.blocked == []
    assert len(report.forms) == 2
    search, newsletter = report.forms
    assert search.method == "GET"
    assert search.action_url == web.url("news.test", "/search", https=True)
    assert [i.name for i in search.inputs if i.name] == ["q"]
    assert newsletter.method == "GET"  # no method attribute: HTML's default
    assert newsletter.action_url == web.url("news.test")  # no action: the document itself
    hidden = [i.name for i in newsletter.inputs if i.hidden]
    assert hidden[:4] == ["subscribeId", "processorId", "validateEmail", "enhancedSignUp"]
    assert "captchaPublicKey" in hidden
    assert {"news.test", "cdn.test", "tracker.test", "fonts.test", "ipv6.test"} <= set(
        report.lists.domains
    )
    assert len(set(report.lists.ips)) >= 3
    assert "::1" in report.lists.ips
    assert report.page.title and "The Daily Test" in report.page.title
    assert "missile" in report.text.lower()
    assert report.page.ip == web.pins["news.test"]
    assert capture.screenshot is not None and capture.screenshot.startswith(b"\x89PNG")
    assert capture.dom and "slide-search__form" in capture.dom
    assert capture.favicon is not None
    assert capture.favicon.url == web.url("news.test", "/favicon.ico")
    assert capture.blobs[capture.favicon.sha256] == media.favicon_ico()


async def test_https_records_tls_details(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("news.test", https=True))
    main = next(hop for hop in capture.transactions if hop.is_main_frame)
    assert main.status == 200
    assert main.tls is not None and main.tls.protocol and main.tls.protocol.startswith("TLS")
    assert "news.test" in main.tls.san_list
    assert main.remote_ip == web.pins["news.test"]
    assert main.remote_port == web.https_port


async def test_redirect_chain_in_order(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("redirect.test", "/start"))
    report = report_of(capture)

    assert capture.final_url == web.url("final.test", "/landing")
    chain = [(r.from_url, r.to, r.status, r.kind) for r in report.redirects]
    assert chain == [
        (web.url("redirect.test", "/start"), web.url("redirect.test", "/step2"), 301, "http"),
        (web.url("redirect.test", "/step2"), web.url("redirect.test", "/meta"), 302, "http"),
        (web.url("redirect.test", "/meta"), web.url("redirect.test", "/js"), None, "meta"),
        (web.url("redirect.test", "/js"), web.url("final.test", "/landing"), None, "js"),
    ]
    assert report.page.redirected == "off-domain"
    assert report.page.title == "Landing page"


async def test_cookies_console_and_globals(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("app.test"))
    cookies = {c.name: c for c in capture.cookies}
    assert cookies["session_id"].http_only
    assert cookies["prefs"].same_site == "Lax" and not cookies["prefs"].session
    assert cookies["js_cookie"].value == "from-js" and not cookies["js_cookie"].http_only

    messages = {(m.level, m.text) for m in capture.console if m.source == "console-api"}
    assert ("log", "hello from app") in messages
    assert any(level == "warning" for level, _ in messages)
    assert any(level == "error" for level, _ in messages)
    uncaught = [m for m in capture.console if m.source == "javascript"]
    assert uncaught and "spyglass-uncaught" in uncaught[0].text

    globals_ = {g.prop: g.type for g in capture.globals}
    assert globals_["spyglassConfig"] == "object"
    assert globals_["trackVisitor"] == "function"
    assert globals_["appVersion"] == "string"
    assert "document" not in globals_ and "fetch" not in globals_


async def test_login_form_posts_to_another_host(pool: BrowserPool, web: TestWeb) -> None:
    report = report_of(await pool.capture(web.url("login.test")))
    (form,) = report.forms
    assert form.method == "POST"
    assert urlsplit(form.action_url).hostname == "collect.test"
    assert form.has_password
    assert "token" in [i.name for i in form.inputs if i.hidden]


async def test_links_internal_and_external(pool: BrowserPool, web: TestWeb) -> None:
    report = report_of(await pool.capture(web.url("links.test")))
    hrefs = [link["href"] for link in report.data["links"]]
    assert web.url("links.test", "/about") in hrefs
    assert web.url("external-a.test") in hrefs
    assert {"links.test", "external-a.test", "external-b.test"} <= set(report.lists.link_domains)


async def test_download_is_hashed_and_kept(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("hostile.test", "/download"))
    (download,) = capture.downloads
    assert download.suggested_filename == "report.zip"
    assert download.saved and download.sha256 == sha256(web.file_bytes("report.zip"))
    assert capture.blobs[download.sha256] == web.file_bytes("report.zip")
    assert capture.failure is None


async def test_exe_download(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("hostile.test", "/download-exe"))
    (download,) = capture.downloads
    assert download.suggested_filename == "invoice.exe"
    assert download.sha256 == sha256(web.file_bytes("invoice.exe"))


async def test_dialogs_are_recorded_and_dismissed(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("hostile.test", "/dialogs"))
    kinds = [(d.type, d.message) for d in capture.dialogs]
    assert kinds[:3] == [("alert", "hello"), ("confirm", "Are you sure?"), ("prompt", "Your name?")]
    assert capture.dialogs[2].default_value == "default"


async def test_popup_is_recorded_not_followed(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("hostile.test", "/popup"))
    assert [p.url for p in capture.popups] == [web.url("popup.test", "/ad")]
    assert capture.final_url == web.url("hostile.test", "/popup")


async def test_timer_redirects_fire_without_waiting(pool: BrowserPool, web: TestWeb) -> None:
    fifteen = await pool.capture(web.url("hostile.test", "/slow-redirect"))
    assert fifteen.final_url == web.url("final.test", "/after-timeout")
    assert fifteen.title == "Arrived after timeout"
    sixty = await pool.capture(web.url("hostile.test", "/slower-redirect"))
    assert sixty.final_url == web.url("final.test", "/after-timeout")


async def test_error_pages_and_non_html(pool: BrowserPool, web: TestWeb) -> None:
    missing = report_of(await pool.capture(web.url("hostile.test", "/missing")))
    assert missing.page.status == "404" and missing.failure is None
    error = report_of(await pool.capture(web.url("hostile.test", "/error")))
    assert error.page.status == "500"
    data = report_of(await pool.capture(web.url("hostile.test", "/data.json")))
    assert data.page.mime_type == "application/json"


async def test_untrusted_certificate_fails_as_tls(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("badtls.test", https=True))
    assert capture.failure is not None and capture.failure.reason is FailureReason.TLS
    assert capture.failure.net_error and capture.failure.net_error.startswith("net::ERR_CERT_")
    insecure = await pool.capture(
        web.url("badtls.test", https=True), ScanOptions(insecure_tls=True)
    )
    assert insecure.failure is None


async def test_resolve_option_pins_a_host_for_one_scan(pool: BrowserPool, web: TestWeb) -> None:
    # "phish.example" exists nowhere; the analyst pins it to the plain.test server.
    options = ScanOptions(resolve={"phish.example": web.pins["plain.test"]})
    capture = await pool.capture(f"http://phish.example:{web.http_port}/", options)
    assert capture.failure is None
    assert capture.resolved["phish.example"] == web.pins["plain.test"]
