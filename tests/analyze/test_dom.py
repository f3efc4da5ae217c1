from __future__ import annotations

from spyglass.analyze.dom import clean_url_text, document_base_url, parse_dom, resolve_url


def test_base_href_is_resolved_against_the_document() -> None:
    tree = parse_dom('<head><base href="../app/"><base href="/ignored/"></head>')
    assert document_base_url(tree, "https://news.test/x/y/z") == "https://news.test/x/app/"


def test_base_without_href_is_ignored() -> None:
    tree = parse_dom('<base target="_blank"><base href="/b/">')
    assert document_base_url(tree, "https://news.test/x") == "https://news.test/b/"


def test_urls_lose_tabs_and_newlines_like_in_a_browser() -> None:
    assert clean_url_text("\tjava\nscr\tipt:alert(1)") == "javascript:alert(1)"
    assert resolve_url("https://news.test/", " /lo\ngin ") == "https://news.test/login"


def test_unparseable_url_is_none() -> None:
    assert resolve_url("https://news.test/", "http://[oops/") is None
