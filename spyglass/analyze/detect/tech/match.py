"""Matching a capture against the compiled fingerprints: every key Wappalyzer defines (headers,
cookies, meta, scriptSrc, url, html, text, dom, js, scripts, xhr, certIssuer) -> ``Hit``s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass.analyze.detect.tech.model import (
    _TOKEN,
    _TOKEN_BREAKS,
    MAX_CACHED_SCRIPTS,
    MAX_DOM_NODES_PER_SELECTOR,
    MAX_EVIDENCE_CHARS,
    MAX_HTML_CHARS,
    MAX_TEXT_CHARS,
    SCRIPT_HEAD_BYTES,
    SCRIPT_TOTAL_BYTES,
    DomRule,
    Fingerprints,
    token_set,
)
from spyglass.analyze.detect.tech.patterns import Pattern
from spyglass.analyze.document.page import primary_transaction
from spyglass.analyze.dom import parse_dom
from spyglass.models import RawCapture


@dataclass(frozen=True)
class Hit:
    pattern: Pattern
    version: str
    evidence: str  # "scriptSrc: https://..."


def match_capture(capture: RawCapture, prints: Fingerprints) -> list[Hit]:
    """Every pattern that matched something in the capture."""
    hits: list[Hit] = []
    primary = primary_transaction(capture.transactions)
    page_url = primary.url if primary else (capture.final_url or capture.url)
    if primary is not None:
        hits += _match_headers(primary.response_headers, prints)
        if primary.tls and primary.tls.issuer:
            hits += _match_plain("certIssuer", [primary.tls.issuer], prints)
    hits += _match_cookies(capture, prints)
    hits += _match_js(capture.js_properties, prints)
    hits += _match_plain("url", [page_url], prints)
    xhr = [t.url for t in capture.transactions if t.resource_type in ("XHR", "Fetch")]
    hits += _match_plain("xhr", list(dict.fromkeys(xhr)), prints)
    if capture.text:
        hits += _match_plain("text", [capture.text[:MAX_TEXT_CHARS]], prints)
    tree = parse_dom(capture.dom) if capture.dom else None
    script_urls = [t.url for t in capture.transactions if t.resource_type == "Script"]
    if tree is not None and capture.dom:
        hits += _match_plain("html", [capture.dom[:MAX_HTML_CHARS]], prints)
        hits += _match_meta(tree, prints)
        hits += _match_dom(tree, capture.dom, prints)
        script_urls += _dom_script_urls(tree, page_url)
    hits += _match_script_src(list(dict.fromkeys(script_urls)), prints)
    hits += _match_scripts(capture, prints)
    return hits


def _match_headers(headers: dict[str, str], prints: Fingerprints) -> Iterator[Hit]:
    for name, value in headers.items():
        for pattern in prints.headers.get(name.lower(), ()):
            for line in value.split("\n"):
                version = pattern.search(line, line.lower())
                if version is not None:
                    yield Hit(pattern, version, f"headers: {name}: {line}")
                    break


def _match_cookies(capture: RawCapture, prints: Fingerprints) -> Iterator[Hit]:
    for cookie in capture.cookies:
        patterns = list(prints.cookies.get(cookie.name, ()))
        patterns += [p for glob, p in prints.cookie_globs if glob.fullmatch(cookie.name)]
        for pattern in patterns:
            version = pattern.search(cookie.value)
            if version is not None:
                yield Hit(pattern, version, f"cookies: {cookie.name}")


def _match_js(properties: dict[str, str], prints: Fingerprints) -> Iterator[Hit]:
    for chain, value in properties.items():
        for pattern in prints.js.get(chain, ()):
            version = pattern.search(value)
            if version is not None:
                yield Hit(pattern, version, f"js: {chain} = {value}"[:MAX_EVIDENCE_CHARS])


def _match_meta(tree: LexborHTMLParser, prints: Fingerprints) -> Iterator[Hit]:
    for node in tree.css("meta"):
        attributes = node.attributes
        name = attributes.get("name") or attributes.get("property")
        if not name or name.lower() not in prints.meta:
            continue
        content = attributes.get("content") or ""
        lowered = content.lower()
        for pattern in prints.meta[name.lower()]:
            version = pattern.search(content, lowered)
            if version is not None:
                yield Hit(pattern, version, f"meta: {name} = {content}"[:MAX_EVIDENCE_CHARS])


def _match_plain(key: str, items: list[str], prints: Fingerprints) -> Iterator[Hit]:
    lowered = [item.lower() for item in items]
    everything = "\n".join(lowered)
    for literals, pattern in prints.plain.get(key, ()):
        if literals and not any(literal in everything for literal in literals):
            continue
        for item, low in zip(items, lowered, strict=True):
            if literals and not any(literal in low for literal in literals):
                continue
            version = pattern.search(item)
            if version is not None:
                shown = item if key != "text" and key != "html" else pattern.source
                yield Hit(pattern, version, f"{key}: {shown}"[:MAX_EVIDENCE_CHARS])
                break


def _match_script_src(urls: list[str], prints: Fingerprints) -> Iterator[Hit]:
    if not urls:
        return
    lowered = [url.lower() for url in urls]
    for pattern in prints.script_src.candidates("\n".join(lowered)):
        literals = prints.script_src.literal_of.get(id(pattern), ())
        for url, low in zip(urls, lowered, strict=True):
            if literals and not any(literal in low for literal in literals):
                continue
            version = pattern.search(url)
            if version is not None:
                yield Hit(pattern, version, f"scriptSrc: {url}"[:MAX_EVIDENCE_CHARS])
                break


def _match_scripts(capture: RawCapture, prints: Fingerprints) -> Iterator[Hit]:
    budget = SCRIPT_TOTAL_BYTES
    seen: set[str] = set()
    for hop in capture.transactions:
        digest = hop.body_sha256
        if hop.resource_type != "Script" or not digest or digest in seen or budget <= 0:
            continue
        seen.add(digest)
        body = capture.blobs.get(digest)
        if not body:
            continue
        head = min(len(body), SCRIPT_HEAD_BYTES, budget)
        budget -= head
        key = (digest, head)
        found = _SCRIPT_HITS.get(key)
        if found is None:
            found = _script_hits(body[:head], prints)
            if len(_SCRIPT_HITS) >= MAX_CACHED_SCRIPTS:
                _SCRIPT_HITS.pop(next(iter(_SCRIPT_HITS)))
            _SCRIPT_HITS[key] = found
        for pattern, version in found:
            yield Hit(pattern, version, f"scripts: {hop.url}"[:MAX_EVIDENCE_CHARS])


# Script body (sha256, bytes read) -> its hits: a library file is matched once per process,
# however many pages load it. Content-addressed, so never stale.
_SCRIPT_HITS: dict[tuple[str, int], tuple[tuple[Pattern, str], ...]] = {}


def _script_hits(head: bytes, prints: Fingerprints) -> tuple[tuple[Pattern, str], ...]:
    """The scripts patterns the head of a body matches."""
    text = head.decode("utf-8", "replace")
    found = []
    for pattern in prints.scripts.candidates(text.lower()):
        version = pattern.search(text)
        if version is not None:
            found.append((pattern, version))
    return tuple(found)


def _dom_script_urls(tree: LexborHTMLParser, page_url: str) -> list[str]:
    urls = []
    for node in tree.css("script[src]"):
        src = (node.attributes.get("src") or "").strip()
        if src:
            try:
                urls.append(urljoin(page_url, src))
            except ValueError:
                continue
    return urls


def _match_dom(tree: LexborHTMLParser, dom: str, prints: Fingerprints) -> Iterator[Hit]:
    present = token_set(dom.lower(), _TOKEN_BREAKS, _TOKEN)
    joined = "\n".join(token for token in present if token.isascii())
    # Sorted, as in model.py's candidates: the order of the hits is the report's order.
    filed = [entry for token in sorted(prints.dom_by_token.keys() & present)
             for entry in prints.dom_by_token[token]]  # fmt: skip
    possible: dict[int, DomRule] = {}
    for rule, whole, pieces in [*filed, *prints.dom_loose]:
        if whole <= present and (not pieces or all(p in joined for p in pieces)):
            possible[id(rule)] = rule
    results: dict[str, list[LexborNode]] = {}
    for rule in possible.values():
        selector = rule.pattern.name or ""
        if rule.query not in results:
            results[rule.query] = tree.css(rule.query)[:MAX_DOM_NODES_PER_SELECTOR]
        for node in results[rule.query]:
            value = _dom_value(node, rule)
            if value is None:
                continue
            version = rule.pattern.search(value)
            if version is not None:
                yield Hit(rule.pattern, version, f"dom: {selector}"[:MAX_EVIDENCE_CHARS])
                break


def _dom_value(node: LexborNode, rule: DomRule) -> str | None:
    if rule.what == "exists":
        return ""
    if rule.what == "text":
        return node.text(deep=True)[:MAX_TEXT_CHARS]
    return node.attributes.get(rule.attribute or "")
