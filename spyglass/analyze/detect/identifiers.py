"""Pivots: identifiers that tie pages of one kit or one operator together.

``add_pivots(report, capture)`` fills ``report.pivots`` from the capture alone (no network):

- ``structure_hash``: the DOM's tag tree (``structure.py``): one kit, rebranded, keeps it;
- ``screenshot_phash``: ``imagehash.phash`` of the screenshot's first screenful (see
  ``screenshot_phash``), as 16 hex digits; compare two by Hamming distance;
- ``favicon_sha256`` and ``favicon_mmh3``: Shodan's ``http.favicon.hash`` is
  ``mmh3.hash(base64.encodebytes(icon))``, a signed 32-bit MurmurHash3 of the base64 text with
  a newline every 76 characters;
- ``hhhash``: per server host, the HTTP Headers Hash of its first response (see ``hhhash``);
- ``captcha``: reCAPTCHA, hCaptcha and Turnstile site keys from the DOM, inline scripts and the
  request URLs;
- ``analytics``: Google Analytics (``UA-``, ``G-``), Tag Manager (``GTM-``), Ads (``AW-``),
  AdSense (``ca-pub-``), Meta pixel, Yandex Metrika, Hotjar, Clarity and TikTok pixel IDs;
- ``cookie_names``: the names of the cookies the scan ended with.

``meta.processors.pivots`` names the libraries (with versions) and the methods used.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import itertools
import re
import struct
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib.metadata import version
from typing import Any
from urllib.parse import parse_qs, urlsplit

import mmh3
import numpy as np
from PIL import Image, UnidentifiedImageError
from selectolax.lexbor import LexborHTMLParser

from spyglass.analyze.detect.structure import VERSION as STRUCTURE_VERSION
from spyglass.analyze.detect.structure import tree_structure_hash
from spyglass.analyze.dom import parse_dom
from spyglass.analyze.domains import host_of
from spyglass.models import Identifier, Pivots, RawCapture, Report, Transaction

# A screenshot wider than this (device pixels: the widest viewport a scan may ask for) is not
# hashed. Decoding costs ~13 ms per 1280x720 pixels; a 4096-wide screenful is ~10 times that.
MAX_PHASH_WIDTH = 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_FILTER_UP = 2


def add_pivots(report: Report, capture: RawCapture) -> Report:
    """Set ``report.pivots`` and ``meta.processors.pivots``, and return the report; a capture
    without anything to pivot on (no DOM, screenshot, response or cookie) leaves it as it is."""
    tree = parse_dom(capture.dom) if capture.dom else None
    urls = [hop.url for hop in capture.transactions]
    scripts = inline_scripts(tree) if tree is not None else []
    favicon = capture.blobs.get(capture.favicon.sha256) if capture.favicon else None
    viewport = capture.options.viewport
    pivots = Pivots(
        structure_hash=tree_structure_hash(tree) if tree is not None else None,
        screenshot_phash=screenshot_phash(capture.screenshot, viewport.height / viewport.width),
        favicon_sha256=capture.favicon.sha256 if capture.favicon else None,
        favicon_mmh3=favicon_mmh3(favicon) if favicon else None,
        hhhash=hhhashes(capture.transactions),
        captcha=captcha_keys(tree, scripts, urls),
        analytics=analytics_ids(capture.dom or "", urls),
        cookie_names=sorted({cookie.name for cookie in capture.cookies}),
    )
    if pivots == Pivots():
        return report  # nothing seen (a page that never loaded): no processor entry either
    report.pivots = pivots
    report.meta.setdefault("processors", {})["pivots"] = {
        "state": "done",
        "data": copy.deepcopy(processor()),
    }
    return report


@cache  # reading a package's version parses its metadata: ~1.5 ms, once per process
def processor() -> dict[str, Any]:
    """``meta.processors.pivots.data``: what computed each pivot."""
    return {
        "structureHash": {
            "package": "selectolax",
            "version": version("selectolax"),
            "method": STRUCTURE_VERSION,
        },
        "screenshotPhash": {
            "package": "imagehash",
            "version": version("imagehash"),
            "method": "phash, hash_size 8, of the first screenful",
        },
        "faviconMmh3": {
            "package": "mmh3",
            "version": version("mmh3"),
            "method": "mmh3.hash(base64.encodebytes(icon)), as Shodan's http.favicon.hash",
        },
        "hhhash": "hhh:<HTTP major version>:sha256(header names in wire order, ':'-joined)",
    }


# --------------------------------------------------------------------------- screenshot


def screenshot_phash(png: bytes | None, aspect: float = 720 / 1280) -> str | None:
    """``imagehash.phash`` of the top of a PNG screenshot, as 16 hex digits; None when there is
    no screenshot or it is not a PNG that decodes.

    Only the first screenful is hashed (``width * aspect`` pixels high, the viewport's shape):
    what a victim sees first, and the same region for a viewport and a full-page screenshot.
    A PNG decodes row after row, so only those rows are inflated: a 1280x8000 full-page
    screenshot costs what a 1280x720 one does.
    """
    if not png:
        return None
    try:
        image = up_filtered_image(png, aspect) or _decoded_image(png, aspect)
        return None if image is None else _phash(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def up_filtered_image(png: bytes, aspect: float) -> Image.Image | None:
    """The top ``width * aspect`` rows, read without a PNG decoder when every row uses PNG's
    "Up" filter, as Chromium writes with ``optimizeForSpeed`` (capture/readout.py); None for
    any other PNG. "Up" stores each row as its difference from the row above, so the pixels are
    a running sum of rows, modulo 256: a row-by-row ``numpy.add`` takes ~1 ms for a 1280x720
    screenful where Pillow's general decoder spends ~5 ms more than the inflating itself.
    """
    header = _ihdr(png)
    if header is None:
        return None
    width, height, depth, color, _, _, interlace = header
    mode = {2: "RGB", 6: "RGBA"}.get(color)
    if depth != 8 or mode is None or interlace or width > MAX_PHASH_WIDTH:
        return None
    rows = min(height, max(1, round(width * aspect)))
    row_bytes = 1 + width * len(mode)
    raw = zlib.decompressobj().decompress(b"".join(_idat(png)), rows * row_bytes)
    if len(raw) != rows * row_bytes:
        return None
    table = np.frombuffer(raw, dtype=np.uint8).reshape(rows, row_bytes)
    if not (table[:, 0] == PNG_FILTER_UP).all():
        return None
    pixels = np.empty((rows, row_bytes - 1), dtype=np.uint8)
    pixels[0] = table[0, 1:]  # the first row's "row above" is zeros
    for row in range(1, rows):
        np.add(pixels[row - 1], table[row, 1:], out=pixels[row])  # wraps modulo 256
    return Image.frombuffer(mode, (width, rows), pixels, "raw", mode, 0, 1)  # no copy


def _decoded_image(png: bytes, aspect: float) -> Image.Image | None:
    """The top ``width * aspect`` rows of any image Pillow reads."""
    with Image.open(io.BytesIO(top_rows(png, aspect))) as image:
        if image.width > MAX_PHASH_WIDTH:
            return None
        # After the pixels Pillow's PNG reader walks every chunk left (looking for text and
        # animation frames): ~5 ms of IDAT chunks past the top rows of a 1280x8000 screenshot.
        image.load_end = _nothing  # type: ignore[method-assign]
        image.load()
        rows = min(image.height, max(1, round(image.width * aspect)))
        return image.crop((0, 0, image.width, rows))


def _ihdr(png: bytes) -> tuple[int, int, int, int, int, int, int] | None:
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 33:
        return None
    return struct.unpack(">IIBBBBB", png[16:29])


def _idat(png: bytes) -> Iterator[bytes]:
    """The image data chunks' contents, in order (CRCs unchecked: zlib checks its stream)."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            yield png[position + 8 : position + 8 + length]
        elif kind == b"IEND":
            return
        position += 12 + length


def top_rows(png: bytes, aspect: float) -> bytes:
    """The PNG with its header claiming only the top ``width * aspect`` rows, so that a decoder
    stops there; unchanged when it is not a PNG, is short enough or is interlaced (Adam7 rows
    come in seven passes over the whole image).

    >>> header = b"IHDR" + struct.pack(">IIBBBBB", 100, 900, 8, 2, 0, 0, 0)
    >>> png = PNG_SIGNATURE + b"\\0\\0\\0\\x0d" + header + struct.pack(">I", zlib.crc32(header))
    >>> struct.unpack(">II", top_rows(png, 0.5)[16:24])
    (100, 50)
    """
    header = _ihdr(png)
    if header is None:
        return png
    width, height, depth, color, compression, filtering, interlace = header
    top = max(1, round(width * aspect))
    if height <= top or interlace:
        return png
    cut = struct.pack(">IIBBBBB", width, top, depth, color, compression, filtering, interlace)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + cut))
    return png[:16] + cut + crc + png[33:]


def _nothing() -> None:
    return None


def _phash(image: Image.Image) -> str:
    # Imported here: imagehash imports scipy (~200 ms), which a process that never builds a
    # report with a screenshot (the CLI's --help, the API) need not pay for.
    import imagehash

    # phash scales to 32x32 with Lanczos; on a screenful that is ~5 ms, a box reduction to
    # about 4x the target first makes it ~0.5 ms and gives the same bits on screenshots.
    gray = image.convert("L")
    small = gray.resize((32, 32), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return str(imagehash.phash(small))


# --------------------------------------------------------------------------- favicon


def favicon_mmh3(icon: bytes) -> int:
    """Shodan's ``http.favicon.hash`` of an icon's bytes.

    >>> favicon_mmh3(b"abc")
    -868969266
    """
    return mmh3.hash(base64.encodebytes(icon))


# --------------------------------------------------------------------------- HHHash


def hhhash(names: Iterable[str], protocol: str | None) -> str | None:
    """Lookyloo's HTTP Headers Hash: ``hhh:`` HTTP major version ``:`` the SHA-256 of the
    response's header names joined by ``:``, in the order the server sent them.

    >>> hhhash(["Content-Type", "Content-Length", "Date", "Server"], "http/1.1")[:20]
    'hhh:1:9baa1148e3d526'
    >>> hhhash(["date"], "data") is None
    True
    """
    major = {"http/1.0": "1", "http/1.1": "1", "h2": "2", "h3": "3"}.get((protocol or "").lower())
    joined = ":".join(names)
    if major is None or not joined:
        return None
    return f"hhh:{major}:{hashlib.sha256(joined.encode()).hexdigest()}"


def hhhashes(transactions: list[Transaction]) -> list[Identifier]:
    """One ``hhhash`` per host that answered over HTTP, from its first response.

    The order is the wire's for HTTP/1.x, from the raw header text. HTTP/2 and HTTP/3 give no
    raw text and Chromium sorts the names it reports, so those hashes are of the sorted names
    (as Lookyloo's, from Playwright's HAR, are); HTTP/1.x without raw text (a cache hit) is
    left out rather than hashed in the wrong order.
    """
    found: dict[str, Identifier] = {}
    for hop in transactions:
        host = host_of(hop.url)
        if not host or host in found or hop.status is None or hop.from_cache:
            continue
        names = hop.response_header_names
        if names is None and (hop.protocol or "").lower() in ("h2", "h3"):
            names = list(hop.response_headers)
        value = hhhash(names or [], hop.protocol)
        if value is not None:
            found[host] = Identifier(kind="hhhash", value=value, where=host)
    return list(found.values())


# --------------------------------------------------------------------------- captcha

_RECAPTCHA = re.compile(r"6L[0-9A-Za-z_-]{38}")
_HCAPTCHA = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TURNSTILE = re.compile(r"[0-3]x[0-9A-Za-z_-]{20,}")
_CAPTCHA_CLASSES = {
    "g-recaptcha": "recaptcha",
    "h-captcha": "hcaptcha",
    "cf-turnstile": "turnstile",
}
# grecaptcha.execute('KEY', ...), grecaptcha.enterprise.execute("KEY"), render(el, {sitekey: 'KEY'})
_SCRIPT_KEYS = re.compile(
    r"""(?:grecaptcha(?:\.enterprise)?\.execute\(\s*|\bsitekey['"]?\s*:\s*)['"]([\w-]{20,64})['"]"""
)


def captcha_kind(key: str) -> str | None:
    """What service a site key belongs to, from its shape.

    >>> captcha_kind("6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI")
    'recaptcha'
    >>> captcha_kind("0x4AAAAAAABkMYinukE8nzY")
    'turnstile'
    >>> captcha_kind("10000000-ffff-ffff-ffff-000000000001"), captcha_kind("hello")
    ('hcaptcha', None)
    """
    for kind, shape in (
        ("recaptcha", _RECAPTCHA),
        ("hcaptcha", _HCAPTCHA),
        ("turnstile", _TURNSTILE),
    ):
        if shape.fullmatch(key):
            return kind
    return None


def captcha_keys(
    tree: LexborHTMLParser | None, scripts: list[str], urls: list[str]
) -> list[Identifier]:
    """Site keys from ``data-sitekey`` elements, inline scripts and the captcha services' URLs."""
    found = _Found()
    if tree is not None:
        for element in tree.css("[data-sitekey]"):
            key = (element.attributes.get("data-sitekey") or "").strip()
            classes = (element.attributes.get("class") or "").split()
            kind = next((k for c, k in _CAPTCHA_CLASSES.items() if c in classes), None)
            if key and len(key) <= 100:
                found.add(kind or captcha_kind(key) or "captcha", key, "dom")
    for script in scripts:
        if "sitekey" in script or "execute" in script:
            for match in _SCRIPT_KEYS.finditer(script):
                kind = captcha_kind(match[1])
                if kind:
                    found.add(kind, match[1], "script")
    for url in urls:
        if "captcha" in url or "/turnstile/" in url:  # cheap: most pages request neither
            for kind, key in _captcha_in_url(url):
                found.add(kind, key, url)
    return found.identifiers


def _captcha_in_url(url: str) -> Iterator[tuple[str, str]]:
    """reCAPTCHA ``api.js?render=KEY`` and ``anchor?k=KEY``; hCaptcha ``sitekey=KEY`` in the
    query or the frame's fragment; Turnstile's key as a path segment of its challenge frame."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[broken" has an invalid IPv6 authority
        return
    host, path = (parts.hostname or ""), parts.path
    if "/recaptcha/" in path and _within(host, "google.com", "recaptcha.net", "gstatic.com"):
        query = parse_qs(parts.query)
        for key in (*query.get("render", []), *query.get("k", [])):
            if captcha_kind(key) == "recaptcha":
                yield "recaptcha", key
    elif _within(host, "hcaptcha.com"):
        params = parse_qs(parts.query) | parse_qs(parts.fragment)
        for key in params.get("sitekey", []):
            if captcha_kind(key) == "hcaptcha":
                yield "hcaptcha", key
    elif host == "challenges.cloudflare.com" and "/turnstile/" in path:
        for segment in path.split("/"):
            if segment.startswith("0x") and captcha_kind(segment) == "turnstile":
                yield "turnstile", segment


def _within(host: str, *domains: str) -> bool:
    """``host`` is one of ``domains`` or under one.

    >>> _within("www.google.com", "google.com"), _within("evilgoogle.com", "google.com")
    (True, False)
    """
    return any(host == domain or host.endswith("." + domain) for domain in domains)


# --------------------------------------------------------------------------- analytics

# (kind, pattern, what must come just before the match). Every pattern starts with a literal,
# which the regex engine finds as fast as str.find; a leading \b or alternation would make it
# try every position (~30x slower on a large DOM). The context is checked afterwards: "word"
# (not in the middle of a word), "quoted" (a quote, or "id=" as in gtag/js?id=G-...): "G-" and
# letters are common in text, "gtag('config', 'G-...')" is not.
_ANALYTICS: list[tuple[str, re.Pattern[str], str]] = [
    ("ga", re.compile(r"(UA-\d{4,10}-\d{1,4})\b"), "word"),
    ("ga4", re.compile(r"(G-[A-Z0-9]{6,12})\b"), "quoted"),
    ("gtm", re.compile(r"(GTM-[A-Z0-9]{4,9})\b"), "word"),
    ("gads", re.compile(r"(AW-\d{6,12})\b"), "quoted"),
    ("adsense", re.compile(r"(ca-pub-\d{10,20})\b"), "word"),
    ("fbpixel", re.compile(r"""fbq\(\s*['"]init['"]\s*,\s*['"]?(\d{8,20})"""), "word"),
    ("fbpixel", re.compile(r"facebook\.com/tr/?\?(?:[^\s\"'<>]*?&(?:amp;)?)?id=(\d{8,20})"), ""),
    ("yandex_metrika", re.compile(r"""ym\(\s*(\d{5,12})\s*,\s*['"]init['"]"""), "word"),
    ("yandex_metrika", re.compile(r"mc\.yandex\.(?:ru|com)/watch/(\d{5,12})"), ""),
    ("hotjar", re.compile(r"hjid\s*:\s*(\d{5,10})"), "word"),
    ("hotjar", re.compile(r"static\.hotjar\.com/c/hotjar-(\d{5,10})\.js"), ""),
    ("clarity", re.compile(r"clarity\.ms/tag/([a-z0-9]{6,12})\b"), ""),
    ("tiktok_pixel", re.compile(r"""ttq\.load\(\s*['"]([A-Z0-9]{15,25})['"]"""), "word"),
    (
        "tiktok_pixel",
        re.compile(r"analytics\.tiktok\.com/[^\s\"'<>]*[?&]sdkid=([A-Z0-9]{15,25})"),
        "",
    ),
]


def analytics_ids(dom: str, urls: list[str]) -> list[Identifier]:
    """Analytics and tag IDs written in the DOM (inline scripts, ``noscript`` pixels, tag URLs)
    or requested by the page.

    >>> found = analytics_ids("<script>gtag('config', 'G-AB12CD34EF')</script>", [])
    >>> [(i.kind, i.value) for i in found]
    [('ga4', 'G-AB12CD34EF')]
    >>> analytics_ids("<p>the G-SHOCK1234 and XUA-1234-1</p>", [])
    []
    """
    found = _Found()
    _find_analytics(dom, lambda start: "dom", found)
    # All URLs in one text, one regex pass each: a NUL, which no pattern matches, keeps them
    # apart; a match is credited to the URL it starts in.
    starts = list(itertools.accumulate((len(url) + 1 for url in urls[:-1]), initial=0))
    _find_analytics("\0".join(urls), lambda start: urls[bisect_right(starts, start) - 1], found)
    return found.identifiers


def _find_analytics(text: str, where: Callable[[int], str], found: _Found) -> None:
    for kind, pattern, context in _ANALYTICS:
        for match in pattern.finditer(text):
            if _in_context(text, match.start(), context):
                found.add(kind, match[1], where(match.start()))


def _in_context(text: str, start: int, context: str) -> bool:
    before = text[max(0, start - 3) : start]
    if context == "word":
        return not before or not (before[-1].isalnum() or before[-1] in "_-.")
    if context == "quoted":
        return before[-1:] in ("'", '"') or before.endswith("id=")
    return True


# --------------------------------------------------------------------------- helpers


def inline_scripts(tree: LexborHTMLParser) -> list[str]:
    """The text of the DOM's inline ``<script>`` elements."""
    return [text for node in tree.css("script:not([src])") if (text := node.text(deep=True))]


class _Found:
    """Identifiers in the order found, each (kind, value) once, with where it was seen first."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Identifier] = {}

    def add(self, kind: str, value: str, where: str) -> None:
        self._seen.setdefault((kind, value), Identifier(kind=kind, value=value, where=where))

    @property
    def identifiers(self) -> list[Identifier]:
        return list(self._seen.values())
