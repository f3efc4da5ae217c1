"""Parsing a saved DOM and resolving the URLs written in it, the way the browser did.

The DOM is Chromium's serialisation after scripts ran, so it is parsed with scripting on:
``<noscript>`` content is text, as it was in the page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

# The URL standard drops ASCII tab and newline anywhere in a URL ("java\nscript:" is
# "javascript:") and trims C0 controls and space at both ends.
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def parse_dom(dom: str) -> LexborHTMLParser:
    """A lexbor tree of the DOM (a full document; missing html/head/body are added)."""
    return LexborHTMLParser(dom, scripting=True)


def clean_url_text(raw: str) -> str:
    """An attribute value as the URL parser sees it.

    >>> clean_url_text("  java\\nscript:alert(1) ")
    'javascript:alert(1)'
    """
    return _TAB_NEWLINE.sub("", raw).strip(_C0_AND_SPACE)


def resolve_url(base: str, raw: str) -> str | None:
    """``raw`` resolved against ``base``; None when it cannot be parsed.

    >>> resolve_url("https://news.test/a/b.html", "../login?x=1")
    'https://news.test/login?x=1'
    >>> resolve_url("https://news.test/", "//cdn.news.test/x.js")
    'https://cdn.news.test/x.js'
    """
    try:
        return urljoin(base, clean_url_text(raw))
    except ValueError:  # e.g. "http://[broken" has an invalid IPv6 authority
        return None


def document_base_url(tree: LexborHTMLParser, document_url: str) -> str:
    """The document's base URL: the first ``<base href>`` resolved against the document URL.

    >>> document_base_url(parse_dom('<base href="/app/">'), "https://news.test/x/y")
    'https://news.test/app/'
    >>> document_base_url(parse_dom("<p>no base</p>"), "https://news.test/x/y")
    'https://news.test/x/y'
    """
    base = tree.css_first("base[href]")
    if base is None:
        return document_url
    return resolve_url(document_url, base.attributes.get("href") or "") or document_url
