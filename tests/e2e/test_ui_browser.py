"""The web UI in a real Chromium against a live ``spyglass serve``: submit from the home page,
watch the progress page turn into the report, pivot into search, page through results; and a
scan of xss.test (payloads in every trace a scan records) shown on every page of ours without
a single payload running.

Our browser may talk to the live server only: every other request is recorded and aborted, so
a payload that loads anything (the marker host, an ``<img src=x>`` elsewhere) is caught.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Response,
    Route,
    async_playwright,
    expect,
)

from spyglass.capture.sandbox import BrowserHome, browser_environment, browser_user, write_launcher
from spyglass.netpolicy import parse_target
from tests.e2e.conftest import Live
from tests.testweb import TestWeb
from tests.testweb.sites import xss

CHROMIUM = os.environ.get("SPYGLASS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Our browser resolves no name: a payload's request to marker.xss.test cannot leave.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SCAN_SECONDS = 90
SECTIONS = (
    *("summary", "http", "redirects", "links", "forms", "text", "cookies", "console"),
    *("globals", "certificates", "indicators", "downloads", "raw"),
)
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SUBMISSION = re.compile(r"^Submission: On (\w+ \d{1,2}, \d{4}) via api from .+ — Scanned from .+$")
# What a page of ours may contain: no event-handler attributes, no script but our own file,
# no image but the screenshot, no frames, plugins, SVG or <base>, no script-bearing URL, no
# meta refresh but the progress page's plain reload.
_INJECTION_PROBE = """(base) => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) bad.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value)
          && ["href", "src", "action", "formaction", "data", "content"].includes(attr.name)) {
        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
      }
    }
  }
  for (const s of document.querySelectorAll("script")) {
    if (s.src !== `${base}/static/page.js`) bad.push(`script ${s.outerHTML.slice(0, 120)}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.src.startsWith(`${base}/screenshots/`)) bad.push(`img ${img.outerHTML.slice(0, 120)}`);
  }
  const foreign = "svg, math, iframe, frame, object, embed, applet, base, "
    + "link:not([href^='/static/'])";
  for (const el of document.querySelectorAll(foreign)) {
    bad.push(`${el.tagName} ${el.outerHTML.slice(0, 120)}`);
  }
  for (const meta of document.querySelectorAll("meta[http-equiv]")) {
    const refresh = meta.httpEquiv.toLowerCase() === "refresh" && /^\\d+$/.test(meta.content);
    if (!refresh) bad.push(`meta ${meta.outerHTML}`);
  }
  return bad;
}"""


@dataclass
class Watch:
    """Everything a context's pages did that a payload would do."""

    base: str
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    pages: int = 0

    def evidence(self) -> list[str]:
        found = [f"dialog: {d}" for d in self.dialogs]
        found += [f"console: {m}" for m in self.console if xss.MARKER in m]
        found += [f"console: {m}" for m in self.console if "Content Security Policy" in m]
        found += [f"page error: {e}" for e in self.errors]
        found += [f"request: {u}" for u in self.requests if xss.MARKER_HOST in urlsplit(u).netloc]
        found += [f"foreign request: {u}" for u in self.foreign]
        return found


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Browser]:
    """The analyst's browser: it shows payloads (escaped, we check), so it runs as the scanner's
    does, unprivileged and in Chromium's sandbox."""
    user = browser_user()
    home = BrowserHome.create(user)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(write_launcher(home, CHROMIUM, user)),
            args=CHROMIUM_ARGS,
            env=browser_environment(home),
            chromium_sandbox=True,
            timeout=30_000,
        )
        try:
            yield browser
        finally:
            await browser.close()
            home.remove()


async def watched_context(
    browser: Browser, base: str, bypass_csp: bool = False
) -> tuple[BrowserContext, Watch]:
    """A fresh context that may reach ``base`` only. ``bypass_csp``: Chromium ignores our CSP,
    so only the escaping stands between a payload and its execution."""
    context = await browser.new_context(bypass_csp=bypass_csp, service_workers="block")
    context.set_default_timeout(30_000)
    watch = Watch(base)

    async def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    async def only_ours(route: Route) -> None:
        if route.request.url.startswith(base + "/"):
            await route.continue_()
        else:
            watch.foreign.append(route.request.url)
            await route.abort()

    def on_page(page: Page) -> None:
        watch.pages += 1
        page.on("pageerror", lambda error: watch.errors.append(str(error)))

    context.on("dialog", on_dialog)
    context.on("console", lambda message: watch.console.append(_console_line(message)))
    context.on("request", lambda request: watch.requests.append(request.url))
    context.on("page", on_page)
    await context.route("**/*", only_ours)
    return context, watch


def _console_line(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


async def submit_api(client: httpx.AsyncClient, key: str, url: str, **extra: object) -> str:
    response = await client.post(
        "/api/v1/scan/",
        headers={"API-Key": key},
        json={"url": url, "visibility": "public", **extra},
    )
    assert response.status_code == 200, response.text
    return response.json()["uuid"]


async def wait_done(client: httpx.AsyncClient, uuid: str) -> dict:
    deadline = asyncio.get_running_loop().time() + SCAN_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        response = await client.get(f"/api/v1/result/{uuid}/", params={"wait": 30})
        if response.status_code == 200:
            return response.json()
        await asyncio.sleep(0.2)
    raise AssertionError(f"scan {uuid} did not finish in {SCAN_SECONDS} s")


async def start(live: Live, workers: int) -> str:
    key = await asyncio.to_thread(live.create_key)
    await asyncio.to_thread(live.serve, workers)
    return key


def assert_page_headers(response: Response | None, status: int = 200) -> None:
    assert response is not None
    assert response.status == status, response.url
    headers = response.headers
    assert headers.get("content-security-policy") == PAGE_CSP, response.url
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"


async def submit_form(page: Page, base: str, url: str, key: str | None, tags: str = "") -> None:
    """Fill the home page's form and send it (the browser's own form submission); ``key``
    None: signed in, the form has no key field."""
    response = await page.goto(base + "/")
    assert_page_headers(response)
    form = page.locator("form#submit")
    await form.locator("input[name=url]").fill(url)
    await form.locator("select[name=visibility]").select_option("public")
    await form.locator("input[name=tags]").fill(tags)
    if key is not None:
        await form.locator("input[name=apikey]").fill(key)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()


async def scan_uuid(page: Page, base: str) -> str:
    """The scan whose page this is: the form's submission landed on ``/result/{uuid}/``."""
    match = re.fullmatch(re.escape(base) + r"/result/([0-9a-f-]{36})/", page.url)
    assert match, f"the form was refused: {page.url}: {await page.locator('body').inner_text()}"
    return match[1]


async def hit_uuids(page: Page) -> list[str]:
    """The scan of each row of the results table, in order."""
    uuids = []
    for row in await page.locator("table.hits > tbody > tr").all():
        hrefs = await row.locator('a[href^="/result/"]').evaluate_all(
            "as => as.map(a => a.pathname)"
        )
        assert len(set(hrefs)) == 1, hrefs
        uuids.append(hrefs[0].split("/")[2])
    return uuids


async def injected(page: Page, base: str) -> list[str]:
    return await page.evaluate(_INJECTION_PROBE, base)


# ---------------------------------------------------------------- the flow


async def test_submit_progress_report_pivot_and_paging(
    live: Live, web: TestWeb, chromium: Browser
) -> None:
    key = await start(live, workers=2)
    base = live.base_url
    context, watch = await watched_context(chromium, base)
    page = await context.new_page()
    try:
        # Submit from the home page: 303 to the scan's page, which shows the scan's progress.
        target = web.url("news.test")
        submitted = datetime.now(UTC)
        await submit_form(page, base, target, key, tags="ui, browser")
        uuid = await scan_uuid(page, base)
        await expect(page.locator("p.state")).to_contain_text(re.compile(r"queued|running"))
        assert await page.locator("p.url").inner_text() == target
        assert re.fullmatch(
            r"The scan is (queued|running)\..*", await page.locator("p.state").inner_text()
        )

        # The page refreshes itself until the report is there.
        reloads: list[str] = []
        page.on("framenavigated", lambda frame: reloads.append(frame.url))
        await expect(page.locator("#summary")).to_be_visible(timeout=SCAN_SECONDS * 1000)
        assert reloads and page.url == f"{base}/result/{uuid}/"
        assert await page.title() == "news.test · Spyglass"
        for section in SECTIONS:
            await expect(page.locator(f"section#{section}")).to_be_attached()

        # Summary: title line, URL, submission, page title.
        summary = page.locator("#summary")
        assert await summary.locator(".title-line .domain").inner_text() == "news.test"
        assert await summary.locator(".title-line .ip").inner_text() == "127.0.0.2"
        assert await summary.locator(".title-line .visibility").inner_text() == "Public Scan"
        assert await summary.locator("p.url").first.inner_text() == f"URL: {target}"
        submission = await summary.locator("p.submission").inner_text()
        matched = SUBMISSION.fullmatch(submission)
        assert matched, submission
        days = {f"{d:%B} {d.day}, {d.year}" for d in (submitted, datetime.now(UTC))}
        assert matched[1] in days
        assert "North Korea's missile program funded by crypto hackers" in (
            await summary.locator("p.page-title").inner_text()
        )
        shot = summary.locator("img.shot")
        await shot.scroll_into_view_if_needed()
        await expect(shot).to_have_js_property("complete", True)
        assert await shot.evaluate("img => img.naturalWidth") > 0

        # HTTP transactions: the page itself first, with pivots on domain and IP.
        rows = page.locator("#http table.requests > tbody > tr")
        assert await rows.count() >= 5
        first = rows.first
        cells = [await first.locator("> td").nth(i).inner_text() for i in range(3)]
        assert cells == ["GET", "200", "Document"]
        assert await first.locator("td.url summary").inner_text() == target
        hosts = set(await page.locator("#http tbody td:nth-child(4) a").all_inner_texts())
        assert {"news.test", "cdn.test", "tracker.test"} <= hosts
        # The filter keeps the rows holding its text (tracker.test's), hides the others.
        total = await rows.count()
        await page.locator("#http input.filter").fill("tracker.test")
        shown = page.locator("#http table.requests > tbody > tr:not([hidden])")
        assert 0 < await shown.count() < total
        assert all("tracker.test" in t for t in await shown.all_inner_texts())
        await page.locator("#http input.filter").fill("")
        assert await shown.count() == total

        # Forms: the count, each form's raw HTML shown as text (no live form in the report).
        forms = page.locator("#forms")
        await expect(forms).to_contain_text("2 forms found in the DOM")
        raw = forms.locator("pre.html")
        assert await raw.count() == 2
        assert (await raw.first.inner_text()).startswith('<form class="slide-search__form"')
        assert await raw.locator("*").count() == 0
        assert await forms.locator("form, input").count() == 0
        await expect(forms.locator("a").first).to_have_text(
            web.url("news.test", "/search", https=True)
        )
        hidden = forms.locator("table.inputs tr", has_text="yes")
        assert await hidden.count() >= 1

        # Text content, links, certificates, indicators.
        text = await page.locator("#text pre.text").inner_text()
        assert "To stem North Korea's missiles program, White House looks to its hackers" in text
        report_link = web.url("external-a.test", "/reports/dprk-crypto-2023", https=True)
        await expect(page.locator("#links li", has_text=report_link)).to_have_count(1)
        assert await page.locator("#links a").count() == 0  # the page's links are text
        await expect(page.locator("#certificates")).to_contain_text("Spyglass Test CA")
        indicators = page.locator("#indicators")
        domains = indicators.locator("h3:text-is('domain') + ul a")
        ips = indicators.locator("h3:text-is('ip') + ul a")
        assert {"news.test", "cdn.test", "tracker.test"} <= set(await domains.all_inner_texts())
        assert "127.0.0.2" in await ips.all_inner_texts()
        await expect(indicators.locator("h3:text-is('form.domain') + ul")).to_contain_text(
            "news.test"
        )
        await expect(page.locator("#raw a", has_text="Result JSON")).to_have_attribute(
            "href", f"/api/v1/result/{uuid}/"
        )

        # Pivot on the page's IP, then on its domain: the search page lists this scan.
        for link in (
            first.locator("td:nth-child(5) a"),
            domains.filter(has_text=re.compile(r"^news\.test$")),
        ):
            async with page.expect_navigation():
                await link.click()
            assert urlsplit(page.url).path == "/search/"
            await expect(page.locator("p.count")).to_have_text("1 scans")
            assert await hit_uuids(page) == [uuid]
            await page.go_back()
            await expect(page.locator("#summary")).to_be_visible()

        # Paging: three more scans from the API, one per page, followed by rel=next links.
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            paged = [
                await submit_api(client, key, web.url("plain.test", f"/?page={i}"), tags=["paging"])
                for i in range(3)
            ]
            for one in paged:
                await wait_done(client, one)
        response = await page.goto(f"{base}/search/?" + urlencode({"q": "tag:paging", "size": 1}))
        assert_page_headers(response)
        seen: list[str] = []
        for turn in range(10):
            await expect(page.locator("p.count")).to_have_text("3 scans")
            seen += await hit_uuids(page)
            assert len(seen) == turn + 1
            more = page.locator('a[rel="next"]')
            if turn == 2:
                await expect(more).to_have_count(0)
                break
            await expect(more).to_have_text("Older scans →")
            async with page.expect_navigation():
                await more.click()
            assert "search_after=" in page.url and "size=1" in page.url
        assert sorted(seen) == sorted(paged) and len(set(seen)) == 3
        async with page.expect_navigation():
            await page.locator(f'table.hits a[href="/result/{seen[-1]}/"]').first.click()
        assert page.url == f"{base}/result/{seen[-1]}/"
        await expect(page.locator("#summary .title-line .domain")).to_have_text("plain.test")

        # A query that cannot be read: the error, status 400, the query kept in the box.
        response = await page.goto(f"{base}/search/?" + urlencode({"q": "nosuchfield:x"}))
        assert_page_headers(response, 400)
        await expect(page.locator("p.error")).to_contain_text("nosuchfield")
        await expect(page.locator("form.search input[name=q]")).to_have_value("nosuchfield:x")

        # Signed in (a session id in an HttpOnly cookie, never the key), the home page asks for
        # no key and submits with the session; signed out, the session is over on the server.
        response = await page.goto(f"{base}/login")
        assert_page_headers(response)
        await page.locator("form.search input[name=apikey]").fill(key)
        async with page.expect_navigation():
            await page.locator("form.search button[type=submit]").click()
        assert page.url == f"{base}/", await page.locator("body").inner_text()
        await expect(page.locator("header form.inline .who")).to_have_text("tests")
        await expect(page.locator("form#submit input[name=apikey]")).to_have_count(0)
        cookies = {c["name"]: c for c in await context.cookies()}
        session = cookies["spyglass_session"]
        assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/"
        assert key not in {c["value"] for c in cookies.values()}
        await submit_form(page, base, web.url("plain.test", "/?signed-in"), None)
        await scan_uuid(page, base)  # accepted: the session's CSRF token was in the form
        async with page.expect_navigation():
            await page.locator("header form.inline button[type=submit]").click()
        await expect(page.locator("form#submit input[name=apikey]")).to_have_count(1)
        assert "spyglass_session" not in {c["name"] for c in await context.cookies()}
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            client.cookies.set("spyglass_session", session["value"])
            replayed = await client.get("/")
        assert 'href="/login"' in replayed.text and "tests" not in replayed.text
        assert watch.evidence() == []
        assert watch.foreign == []
    finally:
        await context.close()


# ---------------------------------------------------------------- hostile content


async def test_scanned_payloads_are_shown_as_text_and_never_run(
    live: Live, web: TestWeb, chromium: Browser
) -> None:
    key = await start(live, workers=1)
    base = live.base_url
    # The URL itself carries a payload: the progress page, the report and every list show it,
    # as scanned: the browser's reading of it (WHATWG percent-encodes the markup).
    submitted = web.url("xss.test") + "?q=" + xss.SCRIPT
    target = parse_target(submitted)
    assert target != submitted
    uuid = ""
    # First with our CSP switched off (only the escaping protects), then as served.
    for bypass_csp in (True, False):
        context, watch = await watched_context(chromium, base, bypass_csp=bypass_csp)
        try:
            page = await context.new_page()
            if not uuid:
                # Submitted from our form: the progress page shows the URL, then the report.
                await submit_form(page, base, submitted, key, tags="<svg onload=alert(1)>")
                uuid = await scan_uuid(page, base)
                assert await page.locator("p.url").inner_text() == target
                await assert_inert(page, watch)
                await expect(page.locator("#summary")).to_be_visible(timeout=SCAN_SECONDS * 1000)
                await assert_inert(page, watch)
                # A refused submission: the error on the home page, status 400.
                await submit_form(page, base, xss.JS_HREF, key)
                await expect(page.locator("#submit p.error")).to_be_visible()
                await assert_inert(page, watch)
            await check_payload_pages(page, watch, target, uuid)
            await page.wait_for_timeout(300)  # anything late: image errors, timers
            assert watch.evidence() == []
            assert watch.pages == 1, "a page of ours opened a window"
            assert watch.requests and watch.foreign == []
        finally:
            await context.close()


async def assert_inert(page: Page, watch: Watch) -> None:
    """Nothing on ``page`` ran, loaded or was injected as markup."""
    await page.wait_for_load_state("load")
    await page.wait_for_timeout(50)
    assert watch.evidence() == [], page.url
    assert await injected(page, watch.base) == [], page.url


async def check_payload_pages(page: Page, watch: Watch, target: str, uuid: str) -> None:
    base = watch.base
    # The report: every payload visible, literally, as text.
    response = await page.goto(f"{base}/result/{uuid}/")
    assert_page_headers(response)
    await assert_inert(page, watch)
    await expect(page.locator("p.page-title")).to_be_visible()
    assert await page.locator("p.page-title").inner_text() == f"Title: {xss.TITLE}"
    assert await page.locator("#summary p.url").first.inner_text() == f"URL: {target}"
    await expect(page.locator("#summary .title-line .domain")).to_have_text("xss.test")
    text = await page.locator("#text pre.text").inner_text()
    for payload in (xss.TITLE, xss.BREAKOUT, xss.IMG, xss.TEMPLATES):
        assert payload in text
    assert "49" not in text  # {{7*7}} stays a template probe, never a template
    forms = page.locator("#forms")
    await expect(forms).to_contain_text("2 forms found in the DOM")
    inputs = await forms.locator("table.inputs").first.text_content() or ""
    for payload in (xss.IMG, xss.SCRIPT, xss.SVG, xss.BREAKOUT, xss.TEMPLATES):
        assert payload in inputs
    raw = await forms.locator("pre.html").first.inner_text()
    assert raw.startswith('<form id="payload" method="post"') and "<textarea" in raw
    await expect(forms).to_contain_text(xss.JS_HREF)  # the action, as text
    cookies = await page.locator("#cookies").text_content() or ""
    for payload in (xss.COOKIE_NAME, xss.COOKIE_VALUE, xss.JS_COOKIE_VALUE):
        assert payload in cookies
    console = await page.locator("#console").text_content() or ""
    assert xss.CONSOLE in console and xss.BREAKOUT in console
    js_globals = await page.locator("#globals").text_content() or ""
    assert xss.GLOBAL in js_globals and xss.SCRIPT in js_globals
    links = await page.locator("#links").text_content() or ""
    assert f"http://{xss.MARKER_HOST}/link?q={xss.SCRIPT}" in links
    assert await page.locator("#links a").count() == 0
    http = await page.locator("#http").text_content() or ""
    assert xss.HEADER in http and xss.IMG.replace('"', "'") in http
    await expect(page.locator("#redirects li")).to_have_count(1)

    # Search results listing it, bad queries full of markup, the home page's recent scans.
    response = await page.goto(f"{base}/search/?" + urlencode({"q": "page.domain:xss.test"}))
    assert_page_headers(response)
    await assert_inert(page, watch)
    assert await hit_uuids(page) == [uuid]
    assert target in (await page.locator("table.hits").inner_text())
    for query in (f"nosuchfield:{xss.SVG}", f'"{xss.IMG}', f"({xss.SCRIPT}"):
        response = await page.goto(f"{base}/search/?" + urlencode({"q": query}))
        assert response is not None and response.status in (200, 400)
        assert_page_headers(response, response.status)
        await assert_inert(page, watch)
        await expect(page.locator("form.search input[name=q]")).to_have_value(query)
    response = await page.goto(base + "/")
    assert_page_headers(response)
    await assert_inert(page, watch)
    assert uuid in await hit_uuids(page)

    # The raw artifacts: inert and sandboxed; the DOM is plain text.
    response = await page.goto(f"{base}/dom/{uuid}/")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    await assert_inert(page, watch)
    dom = await page.locator("body").inner_text()
    assert "<title>&lt;script&gt;" in dom and '<form id="payload"' in dom
    response = await page.goto(f"{base}/screenshots/{uuid}.png")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert "sandbox" in response.headers["content-security-policy"]
    await assert_inert(page, watch)
