"""Pivots from a capture, without a browser: each identifier kind and what is missing."""

from __future__ import annotations

import base64
import codecs
import io
import struct
import zlib
from datetime import UTC, datetime
from importlib.metadata import version

import imagehash
import mmh3
import pytest
from PIL import Image, ImageDraw

from spyglass.analyze.detect.identifiers import (
    add_pivots,
    analytics_ids,
    captcha_keys,
    favicon_mmh3,
    hhhash,
    hhhashes,
    screenshot_phash,
    top_rows,
    up_filtered_image,
)
from spyglass.analyze.dom import parse_dom
from spyglass.analyze.report import build_report
from spyglass.models import Cookie, Favicon, RawCapture, TaskInfo, Transaction
from tests.analyze.captures import redirect_chain_news
from tests.conftest import sha256

T = datetime(2024, 5, 1, tzinfo=UTC)


def screenshot(
    height: int = 720, *, heading: str = "Verify your account", article: bool = False
) -> bytes:
    """A PNG like a login page's screenshot (a bar, a panel, a heading, fields, a button), or
    like a news article's (a photo on the left, columns of text lines)."""
    image = Image.new("RGB", (1280, height), (238, 241, 245))
    draw = ImageDraw.Draw(image)
    if article:
        draw.rectangle((0, 0, 620, 420), fill=(60, 40, 90))
        for y in range(40, height, 28):
            draw.rectangle((680, y, 1240, y + 10), fill=(40, 40, 40))
    else:
        draw.rectangle((0, 0, 1280, 72), fill=(13, 59, 102))
        draw.rectangle((410, 120, 870, 690), fill=(255, 255, 255))
        draw.text((450, 160), heading, fill=(20, 30, 40))
        for top in (330, 400, 470):
            draw.rectangle((450, top, 830, top + 38), outline=(180, 190, 200))
        draw.rectangle((450, 620, 830, 662), fill=(13, 59, 102))
    for y in range(720, height, 40):  # below the fold: an article's worth of stripes
        draw.rectangle((100, y, 1180, y + 12), fill=(90, (y * 7) % 255, 120))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def capture(**changes: object) -> RawCapture:
    return RawCapture(url="http://kit.test/", started_at=T, finished_at=T).model_copy(
        update=changes
    )


def hop(
    url: str, names: list[str] | None, protocol: str = "http/1.1", **changes: object
) -> Transaction:
    """A response; DevTools' ``headers`` object is sorted, the raw names are the wire's."""
    fields: dict[str, object] = {
        "response_headers": {name: "v" for name in sorted(names or [])},
        **changes,
    }
    return Transaction(
        request_id=url,
        url=url,
        status=200,
        protocol=protocol,
        response_header_names=names,
        **fields,
    )


# --------------------------------------------------------------------------- screenshot


def distance(a: str | None, b: str | None) -> int:
    assert a and b
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))


def test_phash_is_16_hex_digits_of_the_first_screenful() -> None:
    viewport = screenshot_phash(screenshot())
    assert viewport is not None and len(viewport) == 16 and int(viewport, 16) >= 0
    # A full-page screenshot hashes as its first screenful: what was below does not count.
    assert screenshot_phash(screenshot(8000)) == viewport
    reference = Image.open(io.BytesIO(screenshot(8000))).crop((0, 0, 1280, 720))
    assert distance(viewport, str(imagehash.phash(reference))) <= 2


def test_phash_near_for_other_words_far_for_another_page() -> None:
    kit = screenshot_phash(screenshot())
    assert distance(kit, screenshot_phash(screenshot(heading="Account security check"))) <= 10
    assert distance(kit, screenshot_phash(screenshot(article=True))) > 20


def up_filtered_png(png: bytes) -> bytes:
    """The same pixels re-encoded as Chromium does with ``optimizeForSpeed``: every row "Up"."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    rows = image.tobytes()
    stride = width * 3
    encoded = bytearray()
    previous = bytes(stride)
    for y in range(height):
        row = rows[y * stride : (y + 1) * stride]
        encoded.append(2)
        encoded += bytes((a - b) & 0xFF for a, b in zip(row, previous, strict=True))
        previous = row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(encoded), 1))
        + chunk(b"IEND", b"")
    )


def test_up_filtered_pngs_are_read_without_a_decoder_to_the_same_pixels_and_hash() -> None:
    png = screenshot(1000)
    fast = up_filtered_png(png)
    image = up_filtered_image(fast, 720 / 1280)
    assert image is not None and image.size == (1280, 720)
    reference = Image.open(io.BytesIO(png)).convert("RGB").crop((0, 0, 1280, 720))
    assert image.tobytes() == reference.tobytes()
    assert screenshot_phash(fast) == screenshot_phash(png)
    assert up_filtered_image(png, 720 / 1280) is None  # Pillow's filters: the decoder reads it


def test_top_rows_follows_the_viewport_shape_and_leaves_other_pngs() -> None:
    png = screenshot(2000)
    assert Image.open(io.BytesIO(top_rows(png, 0.5))).size == (1280, 640)
    assert top_rows(png, 2.0) == png  # shorter than a screenful: unchanged
    interlaced = png[:28] + b"\x01" + png[29:]
    assert top_rows(interlaced, 0.5) == interlaced
    assert top_rows(b"GIF89a...", 0.5) == b"GIF89a..."


@pytest.mark.parametrize(
    "data",
    [None, b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, screenshot(2000)[:3000]],
    ids=["none", "empty", "garbage", "broken-png", "truncated-png"],
)
def test_phash_of_no_or_broken_screenshot(data: bytes | None) -> None:
    assert screenshot_phash(data) is None


def test_phash_of_other_image_formats() -> None:
    out = io.BytesIO()
    Image.open(io.BytesIO(screenshot())).save(out, format="JPEG", quality=90)
    assert distance(screenshot_phash(out.getvalue()), screenshot_phash(screenshot())) <= 4


# --------------------------------------------------------------------------- favicon


def test_favicon_mmh3_is_shodans() -> None:
    icon = bytes(range(256)) * 3  # long enough for the base64 to wrap
    encoded = base64.encodebytes(icon)
    assert encoded.count(b"\n") == len(encoded) // 77 + 1  # a newline every 76 characters
    # Shodan's documented recipe: mmh3.hash(codecs.encode(favicon, "base64")).
    assert favicon_mmh3(icon) == mmh3.hash(codecs.encode(icon, "base64"))
    assert -(2**31) <= favicon_mmh3(icon) < 2**31


def test_favicon_hashes_in_the_report() -> None:
    icon = b"\x00\x00\x01\x00 an icon"
    with_icon = capture(
        favicon=Favicon(url="http://kit.test/favicon.ico", sha256=sha256(icon)),
        blobs={sha256(icon): icon},
    )
    pivots = add_pivots(build_report(with_icon, task()), with_icon).pivots
    assert pivots.favicon_sha256 == sha256(icon)
    assert pivots.favicon_mmh3 == favicon_mmh3(icon)
    # The blob did not come with the capture: the digest is known, the mmh3 is not.
    without_body = with_icon.model_copy(update={"blobs": {}})
    pivots = add_pivots(build_report(without_body, task()), without_body).pivots
    assert (pivots.favicon_sha256, pivots.favicon_mmh3) == (sha256(icon), None)


# --------------------------------------------------------------------------- HHHash


def test_hhhash_definition() -> None:
    names = ["Date", "Server", "Content-Type", "Set-Cookie", "Set-Cookie"]
    digest = sha256(b"Date:Server:Content-Type:Set-Cookie:Set-Cookie")
    assert hhhash(names, "http/1.1") == f"hhh:1:{digest}"
    assert hhhash(names, "HTTP/1.0") == f"hhh:1:{digest}"
    assert hhhash([n.lower() for n in names], "h2") == "hhh:2:" + sha256(
        b"date:server:content-type:set-cookie:set-cookie"
    )
    assert hhhash(names, "h3").startswith("hhh:3:")
    assert hhhash([], "http/1.1") is None
    assert hhhash(names, None) is None
    assert hhhash(names, "blob") is None


def test_hhhash_per_host_from_its_first_response() -> None:
    wire = ["Server", "Date", "Content-Type"]
    transactions = [
        hop("http://kit.test/", wire),
        hop("http://kit.test/style.css", ["Date"]),  # the host's second answer: not used
        hop("https://cdn.test/app.js", ["X-Cache", "Content-Type"]),
        hop("https://h2.test/", None, "h2", response_headers={"date": "", "server": ""}),
        hop("http://cached.test/", None),  # HTTP/1.1 without raw text: order unknown
        hop("http://later.test/", ["Date"], from_cache=True),
        Transaction(request_id="x", url="http://failed.test/", failed="net::ERR_FAILED"),
    ]
    found = {i.where: i.value for i in hhhashes(transactions)}
    assert found == {
        "kit.test": hhhash(wire, "http/1.1"),
        "cdn.test": hhhash(["X-Cache", "Content-Type"], "http/1.1"),
        "h2.test": hhhash(["date", "server"], "h2"),
    }
    assert all(i.kind == "hhhash" for i in hhhashes(transactions))


# --------------------------------------------------------------------------- captcha


def keys(dom: str = "", urls: tuple[str, ...] = ()) -> list[tuple[str, str, str | None]]:
    tree = parse_dom(dom) if dom else None
    scripts = [n.text() for n in tree.css("script:not([src])")] if tree else []
    return [(i.kind, i.value, i.where) for i in captcha_keys(tree, scripts, list(urls))]


RECAPTCHA = "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"
HCAPTCHA = "10000000-ffff-ffff-ffff-000000000001"
TURNSTILE = "0x4AAAAAAABkMYinukE8nzY"


def test_captcha_site_keys_in_the_dom() -> None:
    dom = f"""
      <div class="g-recaptcha" data-sitekey="{RECAPTCHA}"></div>
      <div class="h-captcha" data-sitekey="{HCAPTCHA}"></div>
      <div class="cf-turnstile  dark" data-sitekey=" {TURNSTILE} "></div>
      <div id="custom" data-sitekey="{RECAPTCHA}"></div>
      <div class="g-recaptcha" data-sitekey=""></div>
      <div data-sitekey="odd-key-shape"></div>"""
    assert keys(dom) == [
        ("recaptcha", RECAPTCHA, "dom"),
        ("hcaptcha", HCAPTCHA, "dom"),
        ("turnstile", TURNSTILE, "dom"),
        ("captcha", "odd-key-shape", "dom"),
    ]


def test_captcha_site_keys_in_inline_scripts() -> None:
    other = "6Lc" + "B" * 37
    dom = f"""<script>
      grecaptcha.ready(function () {{ grecaptcha.execute('{RECAPTCHA}', {{action: 'login'}}); }});
      grecaptcha.enterprise.execute("{other}");
      turnstile.render('#box', {{ sitekey: '{TURNSTILE}' }});
      var config = {{"sitekey": "not-a-known-shape-at-all"}};
    </script>"""
    assert keys(dom) == [
        ("recaptcha", RECAPTCHA, "script"),
        ("recaptcha", other, "script"),
        ("turnstile", TURNSTILE, "script"),
    ]


def test_captcha_site_keys_in_request_urls() -> None:
    urls = (
        f"https://www.google.com/recaptcha/api.js?render={RECAPTCHA}",
        "https://www.google.com/recaptcha/api.js?render=explicit&onload=cb",
        f"https://www.recaptcha.net/recaptcha/api2/anchor?ar=1&k={RECAPTCHA}&co=aHR0",
        f"https://api.hcaptcha.com/checksiteconfig?v=1&host=kit.test&sitekey={HCAPTCHA}",
        f"https://newassets.hcaptcha.com/captcha/v1/x/static/hcaptcha.html#frame=checkbox&sitekey={HCAPTCHA}",
        f"https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/b/turnstile/if/ov2/av0/rcv0/0/abc/{TURNSTILE}/light/normal",
        f"https://evil.test/recaptcha/api.js?render={RECAPTCHA}",  # not Google's
        f"https://evilgoogle.com/recaptcha/api.js?render={RECAPTCHA}",
        "http://[broken/recaptcha/",
    )
    assert keys(urls=urls) == [
        ("recaptcha", RECAPTCHA, urls[0]),
        ("hcaptcha", HCAPTCHA, urls[3]),
        ("turnstile", TURNSTILE, urls[5]),
    ]


# --------------------------------------------------------------------------- analytics


def ids(dom: str = "", urls: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    return {(i.kind, i.value) for i in analytics_ids(dom, list(urls))}


def test_analytics_ids_in_the_dom() -> None:
    dom = """<head><script async src="https://www.googletagmanager.com/gtag/js?id=G-QWERTY1234"></script>
      <script>gtag('config', 'G-QWERTY1234'); gtag('config', "AW-123456789/AbC-d");
      ga('create', 'UA-1234567-2', 'auto');
      (function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-K7XQ2P');
      fbq('init', '1234567890123456');
      ym(98765432, "init", {clickmap:true});
      (function(h,o,t,j,a,r){h._hjSettings={hjid:3456789,hjsv:6};})(window,document);
      ttq.load('C4ABCDEFGHIJKLMNOPQR');
      </script>
      <ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456"></ins>
      <noscript><img src="https://www.facebook.com/tr?ev=PageView&amp;noscript=1&amp;id=998877665544"></noscript>
      </head>"""
    assert ids(dom) == {
        ("ga4", "G-QWERTY1234"),
        ("gads", "AW-123456789"),
        ("ga", "UA-1234567-2"),
        ("gtm", "GTM-K7XQ2P"),
        ("fbpixel", "1234567890123456"),
        ("fbpixel", "998877665544"),
        ("yandex_metrika", "98765432"),
        ("hotjar", "3456789"),
        ("tiktok_pixel", "C4ABCDEFGHIJKLMNOPQR"),
        ("adsense", "ca-pub-1234567890123456"),
    }


def test_analytics_ids_in_request_urls() -> None:
    urls = (
        "https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234",
        "https://region1.google-analytics.com/g/collect?v=2&tid=G-ZXCVB98765&gtm=45je",
        "https://www.facebook.com/tr/?id=555444333222111&ev=PageView",
        "https://mc.yandex.ru/watch/44556677?page-url=x",
        "https://static.hotjar.com/c/hotjar-1122334.js?sv=6",
        "https://www.clarity.ms/tag/abcd1234ef",
        "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=CABCDEFGHIJKLMNOPQ12&lib=ttq",
    )
    found = analytics_ids("", list(urls))
    assert {(i.kind, i.value) for i in found} == {
        ("gtm", "GTM-ABC1234"),
        ("ga4", "G-ZXCVB98765"),
        ("fbpixel", "555444333222111"),
        ("yandex_metrika", "44556677"),
        ("hotjar", "1122334"),
        ("clarity", "abcd1234ef"),
        ("tiktok_pixel", "CABCDEFGHIJKLMNOPQ12"),
    }
    assert {i.value: i.where for i in found}["GTM-ABC1234"] == urls[0]
    assert {i.value: i.where for i in found}["abcd1234ef"] == urls[5]


def test_text_that_only_looks_like_an_id() -> None:
    dom = """<p>The G-SHOCK1234 watch, the XUA-12345-1 part, a GTM-ish word, AW-1234567 in text,
      meta http-equiv="X-UA-Compatible", symptom(123456, 'init')</p>"""
    assert ids(dom) == set()


def test_each_identifier_once_where_first_seen() -> None:
    dom = "<script>gtag('config','G-QWERTY1234'); gtag('config','G-QWERTY1234')</script>"
    url = "https://www.googletagmanager.com/gtag/js?id=G-QWERTY1234"
    (found,) = analytics_ids(dom, [url])
    assert (found.kind, found.value, found.where) == ("ga4", "G-QWERTY1234", "dom")


# --------------------------------------------------------------------------- the report


def task() -> TaskInfo:
    return TaskInfo(uuid="u", time=T, url="http://kit.test/")


def test_cookie_names_sorted_and_unique() -> None:
    cookies = [
        Cookie(name=name, value="1", domain=domain)
        for name, domain in [("sid", "kit.test"), ("_ga", "kit.test"), ("sid", "cdn.test")]
    ]
    report = build_report(capture(cookies=cookies), task())
    assert report.pivots.cookie_names == ["_ga", "sid"]


def test_a_capture_with_nothing_gives_nothing() -> None:
    report = build_report(capture(), task())
    assert report.pivots.model_dump(exclude_defaults=True) == {}
    assert "pivots" not in report.meta["processors"]


def test_processor_names_the_libraries_and_versions() -> None:
    cookie = Cookie(name="sid", value="1", domain="kit.test")
    data = build_report(capture(cookies=[cookie]), task()).meta["processors"]["pivots"]["data"]
    assert data["screenshotPhash"]["package"] == "imagehash"
    assert data["screenshotPhash"]["version"] == version("imagehash")
    assert data["faviconMmh3"]["version"] == version("mmh3")
    assert data["structureHash"]["method"].startswith("spyglass-structure-")


def test_pivots_of_the_saved_news_scenario_serialise() -> None:
    saved = redirect_chain_news()
    png = screenshot()
    saved = saved.model_copy(
        update={"screenshot_sha256": sha256(png), "blobs": {**saved.blobs, sha256(png): png}}
    )
    document = build_report(saved, task()).to_json_dict()["pivots"]
    assert set(document) == {
        "structureHash", "screenshotPhash", "faviconSha256", "faviconMmh3", "hhhash", "captcha",
        "analytics", "cookieNames",
    }  # fmt: skip
    assert document["structureHash"] and document["screenshotPhash"]
    assert document["cookieNames"] == sorted({c.name for c in saved.cookies})


def test_top_rows_rewrites_only_the_header() -> None:
    # top_rows rewrites only IHDR: the signature, the other chunks and their CRCs are kept.
    png = screenshot(1500)
    cut = top_rows(png, 720 / 1280)
    assert cut[:16] == png[:16] and cut[33:] == png[33:]
    assert struct.unpack(">II", cut[16:24]) == (1280, 720)
