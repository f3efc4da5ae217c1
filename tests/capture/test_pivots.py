"""Look-alike pivots on real captures: two deployments of one kit tie together, a news page
does not."""

from __future__ import annotations

import imagehash

from spyglass.capture.browser import BrowserPool
from spyglass.models import Report
from tests.conftest import report_of, sha256
from tests.testweb import TestWeb
from tests.testweb.sites import kits


def distance(a: Report, b: Report) -> int:
    assert a.pivots.screenshot_phash and b.pivots.screenshot_phash
    first = imagehash.hex_to_hash(a.pivots.screenshot_phash)
    return int(first - imagehash.hex_to_hash(b.pivots.screenshot_phash))


async def test_two_kit_deployments_share_their_pivots(pool: BrowserPool, web: TestWeb) -> None:
    kit_a = await pool.capture(web.url("kit-a.test"))
    kit_b = await pool.capture(web.url("kit-b.test"))
    news = await pool.capture(web.url("news.test"))
    a, b, other = report_of(kit_a), report_of(kit_b), report_of(news)

    assert kit_a.text != kit_b.text  # different words...
    assert a.pivots.structure_hash and a.pivots.structure_hash == b.pivots.structure_hash
    assert other.pivots.structure_hash and other.pivots.structure_hash != a.pivots.structure_hash
    assert distance(a, b) <= 10  # ...the same look
    assert distance(a, other) > 20

    favicon = kits.favicon_png()
    assert a.pivots.favicon_sha256 == b.pivots.favicon_sha256 == sha256(favicon)
    assert a.pivots.favicon_mmh3 == b.pivots.favicon_mmh3 is not None
    assert other.pivots.favicon_sha256 not in (None, a.pivots.favicon_sha256)

    for report in (a, b):
        captcha = [(i.kind, i.value) for i in report.pivots.captcha]
        assert captcha == [("recaptcha", "6LcKitPivotTestSiteKey0000000000000000000")]
        analytics = {(i.kind, i.value) for i in report.pivots.analytics}
        assert analytics == {("fbpixel", "918273645501234"), ("ga4", "G-KIT4PIVOT7")}
        assert report.pivots.cookie_names == ["PHPSESSID", "visitor_seen"]
    assert "pivots" in a.meta["processors"]


async def test_hhhash_is_of_the_header_names_in_wire_order(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("kit-a.test"))
    report = report_of(capture)
    page = next(hop for hop in capture.transactions if hop.is_main_frame)
    # aiohttp's order, not DevTools' sorted one.
    assert page.response_header_names == [
        "Set-Cookie", "Content-Type", "Content-Length", "Date", "Server",
    ]  # fmt: skip
    expected = sha256(b"Set-Cookie:Content-Type:Content-Length:Date:Server")
    by_host = {i.where: i.value for i in report.pivots.hhhash}
    assert by_host["kit-a.test"] == f"hhh:1:{expected}"
    assert "collect.test" not in by_host  # never contacted


async def test_redirects_keep_their_own_header_names(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("redirect.test", "/start"))
    redirects = [hop for hop in capture.transactions if hop.status in (301, 302)]
    assert len(redirects) == 2
    for hop in redirects:
        assert hop.response_header_names and "Location" in hop.response_header_names
    by_host = {i.where: i.value for i in report_of(capture).pivots.hhhash}
    first = redirects[0].response_header_names
    assert by_host["redirect.test"] == f"hhh:1:{sha256(':'.join(first).encode())}"
