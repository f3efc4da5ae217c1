from __future__ import annotations

import itertools

import pytest

from spyglass.analyze.document.redirects import redirect_chain, redirect_label
from spyglass.models import Navigation, Transaction
from tests.analyze.captures import ARTICLE_URL, redirect_chain_news


def test_chain_follows_time_301_302_meta_js_301() -> None:
    capture = redirect_chain_news()
    chain = redirect_chain(capture.transactions, capture.navigations, capture.url)
    assert [(r.kind, r.status) for r in chain] == [
        ("http", 301),
        ("http", 302),
        ("meta", None),
        ("js", None),
        ("http", 301),
    ]
    assert [r.from_url for r in chain] == [
        "http://news.test/",
        "https://news.test/",
        "https://www.news.test/home",  # the meta step did not say: the previous step's target
        "https://www.news.test/landing",
        "https://daily.example/a/7",
    ]
    assert chain[-1].to == ARTICLE_URL
    assert all(a.to == b.from_url for a, b in itertools.pairwise(chain))


def test_reloads_and_subresource_redirects_are_not_in_the_chain() -> None:
    capture = redirect_chain_news()
    chain = redirect_chain(capture.transactions, capture.navigations, capture.url)
    assert "reload" not in {r.kind for r in chain}
    assert len(chain) == 5


def test_without_times_http_redirects_come_first() -> None:
    hops = [
        Transaction(
            request_id="1",
            url="http://a.test/",
            resource_type="Document",
            is_main_frame=True,
            status=308,
            redirected_to="https://a.test/",
        ),
        Transaction(
            request_id="1",
            url="https://a.test/",
            resource_type="Document",
            is_main_frame=True,
            status=200,
        ),
    ]
    navs = [Navigation(url="https://b.test/", reason="httpHeaderRefresh")]
    chain = redirect_chain(hops, navs, "http://a.test/")
    assert [(r.from_url, r.to, r.kind) for r in chain] == [
        ("http://a.test/", "https://a.test/", "http"),
        ("https://a.test/", "https://b.test/", "meta"),
    ]


def test_location_header_when_capture_did_not_say_where() -> None:
    hop = Transaction(
        request_id="1",
        url="https://a.test/x/",
        resource_type="Document",
        is_main_frame=True,
        status=302,
        response_headers={"location": "../y"},
    )
    (step,) = redirect_chain([hop], [], hop.url)
    assert step.to == "https://a.test/y"


def test_first_client_side_redirect_starts_at_the_submitted_url() -> None:
    navs = [Navigation(url="https://b.test/", reason="scriptInitiated", timestamp=1.0)]
    (step,) = redirect_chain([], navs, "http://a.test/")
    assert (step.from_url, step.to, step.kind) == ("http://a.test/", "https://b.test/", "js")


def test_no_redirects() -> None:
    assert redirect_chain([], [], "http://a.test/") == []


@pytest.mark.parametrize(
    ("first", "final", "label"),
    [
        ("http://news.test/", ARTICLE_URL, "off-domain"),
        ("http://news.test/", "https://www.news.test/home", "sub-domain"),
        ("http://www.news.test/", "https://cdn.news.test/", "sub-domain"),
        ("http://news.test/", "https://news.test/", "same-domain"),
        ("https://news.test/a", "https://news.test/b", "same-domain"),
        ("http://news.test", "http://NEWS.test/#top", None),
        ("http://news.test/", None, None),
        ("http://192.0.2.1/", "http://192.0.2.2/", "off-domain"),
    ],
)
def test_redirect_label(first: str, final: str | None, label: str | None) -> None:
    assert redirect_label(first, final) == label
