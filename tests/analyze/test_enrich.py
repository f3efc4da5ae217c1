"""IP -> AS name and country from geoip2fast's shipped data, offline.

Expected answers were read from the shipped file (MaxMind GeoLite2 Country + ASN of 2024-06-18,
geoip2fast 1.2.2); it has AS names and networks but no AS numbers, so no test expects one.
Measured on the dev box (2026-11): loading the file once costs ~0.4-0.6 s and ~180 MB of
memory; enriching a report of 100 requests on 100 distinct public addresses costs ~5 ms.
"""

from __future__ import annotations

import socket

import pytest

from spyglass.analyze.enrich import IPInfo, enrich_report, lookup
from spyglass.analyze.report import build_report
from spyglass.models import Transaction
from tests.analyze.captures import redirect_chain_news, task_for


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve or connect fails the test: enrichment is offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("enrichment tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    ("ip", "name", "country", "route"),
    [
        ("2606:4700:4400::ac40:9205", "CLOUDFLARENET", "US", "2606:4700:4400::/44"),
        ("[2606:4700:4400::ac40:9205]", "CLOUDFLARENET", "US", "2606:4700:4400::/44"),
        ("8.8.8.8", "GOOGLE", "US", "8.8.8.0/24"),
        ("2001:4860:4860::8888", "GOOGLE", "US", "2001:4860:4840::/42"),
        ("::ffff:8.8.8.8", "GOOGLE", "US", "8.8.8.0/24"),
        # GeoLite2 places Cloudflare's resolver in Australia (APNIC's research prefix).
        ("1.1.1.1", "CLOUDFLARENET", "AU", "1.1.1.0/24"),
        ("217.0.0.1", "Deutsche Telekom AG", "DE", "217.0.0.0/13"),
    ],
)
def test_public_addresses(ip: str, name: str, country: str, route: str) -> None:
    info = lookup(ip)
    assert info is not None and not info.special
    assert (info.name, info.country, info.route) == (name, country, route)
    assert info.asn is None  # the shipped data has no AS numbers


@pytest.mark.parametrize(
    ("ip", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "reserved"),
    ],
)
def test_special_addresses_are_labelled_not_looked_up(
    ip: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("spyglass.analyze.enrich._database", pytest.fail)
    assert lookup(ip) == IPInfo(ip=ip, name=label, special=True)


@pytest.mark.parametrize("value", [None, "", "news.test", "999.1.1.1"])
def test_not_an_address(value: str | None) -> None:
    assert lookup(value) is None


def _public_news_report():
    """redirect_chain_news with its documentation addresses swapped for public ones."""
    public = {
        "2001:db8::10": "2606:4700:4400::ac40:9205",
        "192.0.2.80": "217.0.0.1",
        "2001:db8::20": "8.8.8.8",
    }
    capture = redirect_chain_news()
    hops: list[Transaction] = []
    for hop in capture.transactions:
        ip = (hop.remote_ip or "").strip("[]")
        hops.append(hop.model_copy(update={"remote_ip": public.get(ip, hop.remote_ip)}))
    capture = capture.model_copy(update={"transactions": hops})
    return build_report(capture, task_for(capture))


def test_report_is_enriched() -> None:
    report = _public_news_report()
    assert report.page.ip == "217.0.0.1"
    assert (report.page.asn, report.page.asnname, report.page.country) == (
        None,
        "Deutsche Telekom AG",
        "DE",
    )
    assert report.lists.countries == ["US", "DE"]
    assert report.lists.asns == []  # no numbers in the data: nothing guessed
    processors = report.meta["processors"]
    names = {row["ip"]: row["name"] for row in processors["asn"]["data"]}
    assert names["2606:4700:4400::ac40:9205"] == "CLOUDFLARENET"
    assert (names["8.8.8.8"], names["217.0.0.1"]) == ("GOOGLE", "Deutsche Telekom AG")
    assert names["192.0.2.10"] == "private"  # the documentation address left in the capture
    geo = {row["ip"]: row["geoip"]["country"] for row in processors["geoip"]["data"]}
    assert geo == {"217.0.0.1": "DE", "2606:4700:4400::ac40:9205": "US", "8.8.8.8": "US"}
    source = processors["enrich"]["data"]
    assert (source["package"], source["version"], source["asnNumbers"]) == (
        "geoip2fast",
        "1.2.2",
        False,
    )
    assert source["dataSource"].startswith("MAXMIND:GeoLite2")
    assert "download" in processors


def test_request_level_asn_and_geoip() -> None:
    report = _public_news_report()
    by_ip = {}
    for entry in report.data["requests"]:
        inner = entry["response"].get("response") or {}
        if "asn" in entry["response"]:
            by_ip[inner["remoteIPAddress"]] = entry["response"]
    cloudflare = by_ip["[2606:4700:4400::ac40:9205]"]
    assert cloudflare["asn"] == {
        "ip": "2606:4700:4400::ac40:9205",
        "asn": None,
        "country": "US",
        "registrar": None,
        "date": None,
        "description": "CLOUDFLARENET, US",
        "route": "2606:4700:4400::/44",
        "name": "CLOUDFLARENET",
    }
    assert cloudflare["geoip"]["country"] == "US"
    assert cloudflare["geoip"]["country_name"] == "United States"
    assert by_ip["8.8.8.8"]["asn"]["name"] == "GOOGLE"


def test_private_only_report_does_not_load_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("spyglass.analyze.enrich._database", pytest.fail)
    capture = redirect_chain_news()
    report = build_report(capture, task_for(capture))
    assert report.page.asnname == "private" and report.page.country is None
    assert report.lists.countries == [] and report.lists.asns == []
    assert "enrich" not in report.meta["processors"]


def test_enrich_leaves_a_report_without_addresses_alone() -> None:
    report = _public_news_report()
    report.page.ip = None
    report.lists.ips = []
    report.data["requests"] = []
    report.meta = {}
    assert enrich_report(report).meta == {}
