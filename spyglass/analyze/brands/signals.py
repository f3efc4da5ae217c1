"""Where a page shows a known brand: its name, its logo, its icon.

``page_signals(report, capture)`` reads the title, the headings, the text in and around forms
and credential inputs, images' alt/title text and file names, inline SVG logos, logo files the
page loaded and the favicon, and returns one ``Signal`` per (brand, kind, where) found.

A signal is *strong* when it names the brand unambiguously where a page says who it is:

- ``logo`` / ``favicon``: an inline ``<svg>`` path, an image (data: URI or a response body) or
  the favicon equal to the brand's bundled simple-icons logo (sha256 of the file or of the path
  data with whitespace collapsed);
- ``title`` and ``heading`` (short ones: a news headline of more than 10 words is a mention,
  not an identity), ``form`` (the form or credential input's surrounding box), ``image`` (alt/title,
  aria-label) and ``filename`` (``paypal-logo.png``) with one of the brand's keywords.

Weak signals: a common-word brand's bare name ("Apple", "Chase", "Steam", case-sensitive) in
those places, and any keyword in the page's body text. "Sign in with Google" / "Continue with
Apple" buttons name an identity provider, not the page, and links whose target names a brand
("Follow us on Facebook", share buttons, ``?option=Google`` social sign-in) point at the brand:
neither gives a signal.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass.analyze.dom import parse_dom
from spyglass.analyze.domains import host_of
from spyglass.models import RawCapture, Report
from spyglass.refdata.brand_list import Brand, brands, logos_by_path, logos_by_svg, path_digest

SignalKind = Literal["logo", "favicon", "title", "heading", "form", "image", "filename", "text"]

_MAX_TITLE_WORDS = 10
_CONTEXT_CHARS = 800  # how far around a credential input its "box" reaches
_SSO_BEFORE = re.compile(r"\b(?:with|via|using)\s*$", re.IGNORECASE)
# A brand's tool named on someone else's page: "Google Authenticator", "Google Play".
_PRODUCT_AFTER = re.compile(
    r"\s+(?:Authenticator|Play|Maps|Analytics|Fonts|Tag Manager|Translate|Pay)\b", re.IGNORECASE
)
_SSO_BUTTON = re.compile(r"\b(?:with|via|continue)\b", re.IGNORECASE)
_PATH_D = re.compile(r'<path[^>]*?\sd="([^"]+)"')
_CREDENTIAL_INPUTS = (
    'input[type=password], textarea, input[autocomplete^="cc-"], input[name*=card i], '
    "input[name*=seed i], input[name*=phrase i], input[name*=mnemonic i]"
)
_FILE_REFS = "img[src], script[src], link[href], source[src], image[href]"


@dataclass(frozen=True)
class Signal:
    brand: str  # key
    kind: SignalKind
    value: str  # what matched: "PayPal", the logo's title, the file name
    where: str  # "title", "form", a URL, "inline svg"...
    strong: bool


def page_signals(report: Report, capture: RawCapture) -> list[Signal]:
    """Every brand signal of the page (see the module docstring), in a stable order."""
    found: dict[tuple[str, str, str], Signal] = {}

    def add(signals: Iterable[Signal]) -> None:
        for signal in signals:
            key = (signal.brand, signal.kind, signal.where)
            if key not in found or (signal.strong and not found[key].strong):
                found[key] = signal

    title = report.page.title or capture.title or ""
    add(_title_signals(title))
    add(_favicon_signals(report, capture))
    add(_response_logo_signals(capture))
    if capture.dom:
        tree = parse_dom(capture.dom)
        _drop_references(tree, host_of(capture.final_url or capture.url))
        add(_inline_logo_signals(tree))
        tree.strip_tags(["script", "style", "noscript", "template"], recursive=True)
        add(_heading_signals(tree))
        add(_form_signals(tree))
        add(_image_signals(tree))
        add(_filename_signals(tree))
    add(_text_signals(report.text or capture.text or "", "text", "page text", weak=True))
    return list(found.values())


def text_matches(text: str) -> Iterator[tuple[Brand, str, bool]]:
    """(brand, the words matched, strong?) for each brand named in ``text``.

    >>> [(b.key, m, s) for b, m, s in text_matches("Log in to your PayPal account")]
    [('paypal', 'PayPal', True)]
    >>> [(b.key, m, s) for b, m, s in text_matches("Apple pie, Chase Online")]
    [('apple', 'Apple', False), ('chase', 'Chase Online', True)]
    >>> list(text_matches("Sign in with Google"))
    []
    """
    hits: dict[str, tuple[Brand, str, bool]] = {}
    for pattern, table, strong in _matchers():
        for match in pattern.finditer(text):
            if _aside(text, match):
                continue
            key = match.group(0) if not strong else match.group(0).lower()
            for brand in table.get(key, ()):
                if brand.key not in hits or (strong and not hits[brand.key][2]):
                    hits[brand.key] = (brand, match.group(0), strong)
    order = {key: i for i, key in enumerate(brands())}
    yield from sorted(hits.values(), key=lambda hit: order[hit[0].key])


def _title_signals(title: str, kind: SignalKind = "title") -> Iterator[Signal]:
    """A short title or heading says whose page it is; a long one is a headline about it."""
    identity = len(title.split()) <= _MAX_TITLE_WORDS
    for brand, matched, strong in text_matches(title):
        yield Signal(brand.key, kind, matched, kind, strong and identity)


def _text_signals(text: str, kind: SignalKind, where: str, weak: bool = False) -> Iterator[Signal]:
    for brand, matched, strong in text_matches(text):
        if not (weak and not strong):  # body text: keywords only, and only as weak signals
            yield Signal(brand.key, kind, matched, where, strong and not weak)


def _heading_signals(tree: LexborHTMLParser) -> Iterator[Signal]:
    for node in tree.css("h1, h2, h3, legend, [role=heading]"):
        yield from _title_signals(_text(node), "heading")


def _form_signals(tree: LexborHTMLParser) -> Iterator[Signal]:
    seen: set[int] = set()
    # Only boxes that ask for something: a search or newsletter form near a brand's name
    # is not a sign-in box.
    forms = [f for f in tree.css("form") if f.css_first(_CREDENTIAL_INPUTS) is not None]
    for node in [*forms, *tree.css(_CREDENTIAL_INPUTS)]:
        box = _box(node)
        if box.mem_id in seen:
            continue
        seen.add(box.mem_id)
        yield from _text_signals(_text(box) + " " + _control_words(box), "form", "form")


def _image_signals(tree: LexborHTMLParser) -> Iterator[Signal]:
    for node in tree.css("img, svg, [role=img], input[type=image]"):
        words = [node.attributes.get(a) or "" for a in ("alt", "title", "aria-label")]
        if node.tag == "svg":
            words += [_text(t) for t in node.css("title")]
        yield from _text_signals(" ".join(w for w in words if w), "image", "image text")


def _filename_signals(tree: LexborHTMLParser) -> Iterator[Signal]:
    for node in tree.css(_FILE_REFS):
        ref = node.attributes.get("src") or node.attributes.get("href") or ""
        if not ref or ref.startswith("data:"):
            continue
        name = unquote(urlsplit(ref).path.rsplit("/", 1)[-1]).lower()
        table = _file_table()
        named = {b.key: b for w in re.split(r"[^a-z0-9]+", name) for b in table.get(w, ())}
        for brand in sorted(named.values(), key=lambda b: b.key):
            yield Signal(brand.key, "filename", name, ref, not brand.common_word)


def _inline_logo_signals(tree: LexborHTMLParser) -> Iterator[Signal]:
    for svg in tree.css("svg"):
        digests = {path_digest(p.attributes.get("d") or "") for p in svg.css("path[d]")}
        yield from _logo_hits(digests, "logo", "inline svg")
    for img in tree.css('img[src^="data:image/svg+xml" i]'):
        body = _data_uri(img.attributes.get("src") or "")
        if body is None:
            continue
        yield from _svg_hits(body, "logo", "data: URI image")


def _response_logo_signals(capture: RawCapture) -> Iterator[Signal]:
    favicon = capture.favicon.url if capture.favicon else None
    for hop in capture.transactions:
        if hop.body_sha256 and hop.url != favicon:
            found = logos_by_svg().get(hop.body_sha256)
            if found:
                brand, logo = found
                yield Signal(brand.key, "logo", logo.title, hop.url, True)


def _favicon_signals(report: Report, capture: RawCapture) -> Iterator[Signal]:
    digests = {report.pivots.favicon_sha256, capture.favicon.sha256 if capture.favicon else None}
    where = capture.favicon.url if capture.favicon else "favicon"
    for digest in sorted(d for d in digests if d):
        found = logos_by_svg().get(digest)
        if found:
            brand, logo = found
            yield Signal(brand.key, "favicon", logo.title, where, True)
            continue
        body = capture.blobs.get(digest)
        if body and b"<svg" in body[:512]:
            yield from _svg_hits(body, "favicon", where)


def _svg_hits(body: bytes, kind: SignalKind, where: str) -> Iterator[Signal]:
    found = logos_by_svg().get(hashlib.sha256(body).hexdigest())
    if found:
        yield Signal(found[0].key, kind, found[1].title, where, True)
        return
    text = body.decode("utf-8", "replace")
    yield from _logo_hits({path_digest(d) for d in _PATH_D.findall(text)}, kind, where)


def _logo_hits(digests: set[str], kind: SignalKind, where: str) -> Iterator[Signal]:
    for digest in sorted(digests):
        found = logos_by_path().get(digest)
        if found:
            yield Signal(found[0].key, kind, found[1].title, where, True)


def _data_uri(uri: str) -> bytes | None:
    """The bytes of a ``data:`` URI (base64 or percent-encoded); None when malformed."""
    head, sep, payload = uri.partition(",")
    if not sep:
        return None
    if head.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except ValueError:
            return None  # broken base64: the browser showed nothing either
    return unquote_to_bytes(payload)


def _box(node: LexborNode) -> LexborNode:
    """The largest ancestor around ``node`` whose text stays short: the sign-in card."""
    box = node
    for _ in range(6):
        parent = box.parent
        if parent is None or parent.tag in ("body", "html", "article"):
            break
        if len(_text(parent)) > _CONTEXT_CHARS:
            break
        if box.tag != "article" and parent.css_first("article") is not None:
            break  # a sidebar box next to an article: the article is not the box's words
        box = parent
    return box


def _control_words(node: LexborNode) -> str:
    words = []
    for control in node.css("input, button, textarea, select, a, img, label"):
        for attribute in ("placeholder", "aria-label", "title", "alt"):
            words.append(control.attributes.get(attribute) or "")
        if control.tag == "input" and control.attributes.get("type") in ("submit", "button"):
            words.append(control.attributes.get("value") or "")
    return " ".join(w for w in words if w)


def _drop_references(tree: LexborHTMLParser, page_host: str | None) -> None:
    """Remove what points *at* a brand rather than being it: "Sign in with Google" and
    "Continue with Apple" buttons, and links whose target names a brand ("Follow us on
    Facebook" -> facebook.com/..., "?option=Facebook" social sign-in, share buttons)."""
    found = [n for n in tree.css("a, button, [role=button]") if _reference(n, page_host)]
    ids = {n.mem_id for n in found}
    for node in found:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:  # outermost only: a removed node's children go with it
            node.decompose()


def _reference(node: LexborNode, page_host: str | None) -> bool:
    if _SSO_BUTTON.search(_text(node) + " " + _control_words(node)):
        return True
    href = (node.attributes.get("href") or "").strip().lower()
    if not href or href.startswith(("#", "javascript:")):
        return False
    try:
        parts = urlsplit(href)
    except ValueError:  # an unparsable href leads nowhere
        return False
    target = f"{parts.path}?{parts.query}"
    if parts.hostname and parts.hostname != page_host:
        target = f"{parts.hostname}{target}"
    return any(word in target for word in _link_words())


@functools.cache
def _file_table() -> dict[str, tuple[Brand, ...]]:
    """File-name word ("paypal", "bankofamerica") -> the brands it names."""
    table: dict[str, list[Brand]] = {}
    for brand in brands().values():
        for word in _file_words(brand):
            table.setdefault(word, []).append(brand)
    return {word: tuple(found) for word, found in table.items()}


@functools.cache
def _link_words() -> tuple[str, ...]:
    return tuple(sorted({w for b in brands().values() for w in _file_words(b) if len(w) >= 4}))


def _aside(text: str, match: re.Match[str]) -> bool:
    """A mention that is not the page's identity: "Sign in with Google", "Google
    Authenticator", "Pay with PayPal"."""
    before = text[max(0, match.start() - 20) : match.start()]
    return bool(_SSO_BEFORE.search(before) or _PRODUCT_AFTER.match(text, match.end()))


def _text(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


Table = dict[str, tuple[Brand, ...]]


@functools.cache
def _matchers() -> tuple[tuple[re.Pattern[str], Table, bool], ...]:
    """One pattern for every brand's keywords (any case, strong), one for the bare names
    (exact case, weak), each with the table from the matched text to its brands."""
    keywords: dict[str, list[Brand]] = {}
    names: dict[str, list[Brand]] = {}
    for brand in brands().values():
        for word in brand.keywords:
            keywords.setdefault(word.lower(), []).append(brand)
        for word in brand.names:
            names.setdefault(word, []).append(brand)
    return (
        (_words(keywords, re.IGNORECASE), {k: tuple(v) for k, v in keywords.items()}, True),
        (_words(names, 0), {k: tuple(v) for k, v in names.items()}, False),
    )


def _words(words: Iterable[str], flags: int) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


@functools.cache
def _file_words(brand: Brand) -> tuple[str, ...]:
    spaced = {re.sub(r"[^a-z0-9]", "", k.lower()) for k in brand.keywords}
    return tuple(w for w in sorted(spaced | set(brand.labels)) if len(w) >= 3)
