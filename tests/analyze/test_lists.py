from __future__ import annotations

from spyglass.analyze.document.links import extract_links
from spyglass.analyze.document.lists import build_lists
from spyglass.models import Certificate, Transaction
from tests.analyze.captures import (
    APP_SHA,
    ARTICLE_DOM,
    ARTICLE_SHA,
    ARTICLE_URL,
    CERT_FROM,
    CERT_TO,
    CSS_SHA,
    EMPTY_SHA,
    HOME_SHA,
    LANDING_SHA,
    LOGO_SHA,
    TASK_TIME,
    redirect_chain_transactions,
)


def _lists():
    links = extract_links(ARTICLE_DOM, ARTICLE_URL)
    return build_lists(redirect_chain_transactions(), links, {}, TASK_TIME)


def test_ips_are_bare_deduplicated_and_exclude_blocked() -> None:
    assert _lists().ips == ["192.0.2.10", "2001:db8::10", "192.0.2.80", "2001:db8::20"]


def test_domains_include_failed_and_blocked_requests() -> None:
    lists = _lists()
    assert lists.domains == [
        "news.test",
        "www.news.test",
        "daily.example",
        "cdn.daily.example",
        "tracker.evil.test",
        "ads.example.net",
    ]
    assert lists.apex_domains == ["news.test", "daily.example", "evil.test", "example.net"]


def test_urls_every_hop() -> None:
    urls = _lists().urls
    assert len(urls) == 11
    assert urls[:3] == ["http://news.test/", "https://news.test/", "https://www.news.test/home"]


def test_servers_links_and_hashes() -> None:
    lists = _lists()
    assert lists.servers == ["nginx", "cloudflare"]
    assert lists.link_domains == [
        "daily.example",
        "maps.example.org",
        "twitter.com",
        "cdn.daily.example",
    ]
    assert lists.hashes == [
        EMPTY_SHA,
        HOME_SHA,
        LANDING_SHA,
        ARTICLE_SHA,
        APP_SHA,
        CSS_SHA,
        LOGO_SHA,
    ]
    assert lists.countries == [] and lists.asns == []


def test_certificates_without_der_come_from_security_details() -> None:
    certificates = _lists().certificates
    assert [(c.subject_name, c.hosts) for c in certificates] == [
        ("news.test", ["news.test"]),
        ("*.news.test", ["www.news.test"]),
        ("daily.example", ["daily.example"]),
        ("*.daily.example", ["cdn.daily.example"]),
    ]
    assert certificates[2] == Certificate(
        subject_name="daily.example",
        issuer="R3",
        valid_from=CERT_FROM,
        valid_to=CERT_TO,
        san_list=["daily.example"],
        valid_days=89,
        age_days=30,
        young=False,
        hosts=["daily.example"],
    )
    dumped = certificates[0].model_dump(mode="json", by_alias=True)
    # urlscan's four keys keep their types; the rest are Spyglass's.
    assert (dumped["validFrom"], dumped["validTo"]) == (CERT_FROM, CERT_TO)
    assert dumped.keys() == {
        "subjectName",
        "issuer",
        "validFrom",
        "validTo",
        "serial",
        "sha256",
        "sanList",
        "validDays",
        "ageDays",
        "young",
        "hosts",
    }
    assert dumped["serial"] is None and dumped["sha256"] is None


def test_empty() -> None:
    assert all(value == [] for value in build_lists([], [], {}, TASK_TIME).model_dump().values())


def test_cdp_bracketed_addresses_are_bare_and_cache_hits_contacted_nothing() -> None:
    hops = [
        Transaction(request_id="1", url="https://a.test/", status=200, remote_ip="[2001:db8::1]"),
        Transaction(
            request_id="2",
            url="https://a.test/x.js",
            status=200,
            remote_ip="127.0.0.1",
            from_cache=True,
        ),
    ]
    assert build_lists(hops, [], {}, TASK_TIME).ips == ["2001:db8::1"]
