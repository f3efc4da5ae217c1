from __future__ import annotations

from spyglass.analyze.document.links import extract_links
from tests.analyze.captures import ARTICLE_DOM, ARTICLE_URL


def test_news_page_links_are_resolved_filtered_and_deduplicated() -> None:
    links = extract_links(ARTICLE_DOM, ARTICLE_URL)
    assert [(link.href, link.text) for link in links] == [
        ("https://daily.example/", "Home"),
        ("https://daily.example/news/world/", "World"),  # relative to <base href>
        ("https://maps.example.org/r/1", "Regions map"),  # <area>: its alt
        ("https://twitter.com/dailyexample", "Twitter"),  # the first of two
        ("https://cdn.daily.example/privacy", "Privacy Policy"),  # whitespace collapsed
    ]


def test_non_web_and_fragment_links_are_left_out() -> None:
    dom = (
        '<a href="#top">Top</a><a href="">Self</a><a href="mailto:x@y.test">Mail</a>'
        '<a href="tel:+1">Tel</a><a href="java&#10;script:alert(1)">JS</a>'
        '<a href="data:text/html,hi">Data</a><a href="ftp://files.test/">FTP</a>'
        '<a name="anchor">No href</a><a href="https://ok.test/#frag">OK</a>'
    )
    assert [link.href for link in extract_links(dom, "https://a.test/")] == [
        "https://ok.test/#frag",
    ]


def test_no_dom_no_links() -> None:
    assert extract_links(None, "https://a.test/") == []
