"""Links of the page, as urlscan's ``data.links``: ``<a href>`` and ``<area href>``, http(s) only.

Hrefs are resolved against the document's base URL; ``javascript:``, ``mailto:``, ``tel:``,
``data:`` and fragment-only (``#top``) links are left out, as are duplicates (the first
occurrence is kept, with its text). The text is the anchor's text with whitespace collapsed
(an ``<area>`` has none: its ``alt`` is used).

    <a href="/world">  World\\n News </a>   at https://news.test/
    -> Link(href="https://news.test/world", text="World News")
"""

from __future__ import annotations

from urllib.parse import urlsplit

from spyglass.analyze.dom import clean_url_text, document_base_url, parse_dom, resolve_url
from spyglass.models import Link

_SCHEMES = {"http", "https"}


def extract_links(dom: str | None, base_url: str) -> list[Link]:
    """http(s) links of the DOM, resolved and deduplicated, in document order."""
    if not dom:
        return []
    tree = parse_dom(dom)
    base = document_base_url(tree, base_url)
    links: dict[str, Link] = {}
    for node in tree.css("a[href], area[href]"):
        raw = clean_url_text(node.attributes.get("href") or "")
        if not raw or raw.startswith("#"):
            continue
        href = resolve_url(base, raw)
        if href is None or href in links or not _is_web_url(href):
            continue
        text = node.text() if node.tag == "a" else node.attributes.get("alt") or ""
        links[href] = Link(href=href, text=" ".join(text.split()))
    return list(links.values())


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in _SCHEMES and bool(parts.hostname)
