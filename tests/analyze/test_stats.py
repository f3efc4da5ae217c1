from __future__ import annotations

from spyglass.analyze.document.stats import build_stats
from tests.analyze.captures import failed_dns, redirect_chain_transactions


def _wire(transactions, total_links: int) -> dict:
    """``stats`` as the document has it: urlscan's names and shapes are what is checked."""
    return build_stats(transactions, total_links).model_dump(mode="json", by_alias=True)


def _stats() -> dict:
    return _wire(redirect_chain_transactions(), total_links=5)


def _by(rows: list[dict], key: str) -> dict[str, dict]:
    return {row[key]: row for row in rows}


def test_resource_stats() -> None:
    rows = _stats()["resourceStats"]
    assert [r["type"] for r in rows] == ["Document", "Script", "Stylesheet", "Image"]
    document = rows[0]
    assert (document["count"], document["size"], document["encodedSize"]) == (6, 51500, 14140)
    assert document["compression"] == "3.6"  # 51500 / 14140, one decimal, as a string
    assert document["percentage"] == 66  # 6 of 9 answers, floored
    assert document["ips"] == ["192.0.2.10", "2001:db8::10", "192.0.2.80"]
    assert (rows[1]["compression"], rows[1]["percentage"]) == ("3.0", 11)
    assert rows[0]["latency"] == 0 and rows[0]["countries"] == []


def test_protocol_tls_and_server_stats() -> None:
    stats = _stats()
    protocols = _by(stats["protocolStats"], "protocol")
    assert (protocols["h2"]["count"], protocols["http/1.1"]["count"]) == (8, 1)
    assert protocols["h2"]["securityState"] == {"secure": 8}
    (tls,) = stats["tlsStats"]
    assert (tls["securityState"], tls["count"]) == ("secure", 8)
    assert tls["protocols"] == {
        "TLS 1.3 /  / AES_128_GCM": 5,
        "TLS 1.2 / ECDHE_RSA / AES_128_GCM": 3,
    }
    servers = stats["serverStats"]
    assert [(s["server"], s["count"]) for s in servers] == [("nginx", 6), ("cloudflare", 3)]


def test_domain_stats() -> None:
    rows = _stats()["domainStats"]
    assert [(r["domain"], r["count"], r["index"]) for r in rows] == [
        ("cdn.daily.example", 3, 3),
        ("news.test", 2, 0),
        ("www.news.test", 2, 0),
        ("daily.example", 2, 2),
        ("tracker.evil.test", 0, 6),
        ("ads.example.net", 0, 7),
    ]
    domains = _by(rows, "domain")
    assert domains["news.test"]["redirects"] == 2
    assert domains["daily.example"]["redirects"] == 1
    assert domains["daily.example"]["initiators"] == ["www.news.test"]
    assert domains["cdn.daily.example"]["initiators"] == ["daily.example"]
    assert domains["tracker.evil.test"]["ips"] == []  # refused: nothing contacted


def test_reg_domain_stats() -> None:
    rows = _by(_stats()["regDomainStats"], "regDomain")
    assert list(rows) == ["daily.example", "news.test", "evil.test", "example.net"]
    assert rows["daily.example"]["count"] == 5
    assert rows["news.test"]["subDomains"] == [
        {"domain": "", "country": None},
        {"domain": "www", "country": None},
    ]
    assert rows["evil.test"]["subDomains"] == [{"domain": "tracker", "failed": True}]


def test_ip_stats() -> None:
    rows = _stats()["ipStats"]
    assert [(r["ip"], r["requests"], r["index"], r["ipv6"]) for r in rows] == [
        ("192.0.2.10", 3, 0, False),
        ("2001:db8::10", 1, 1, True),
        ("192.0.2.80", 2, 2, False),
        ("2001:db8::20", 3, 3, True),
    ]
    assert rows[0]["domains"] == ["news.test", "www.news.test"]
    assert rows[0]["redirects"] == 2
    assert (rows[0]["asn"], rows[0]["geoip"], rows[0]["count"]) == ({}, {}, None)


def test_scalars() -> None:
    stats = _stats()
    assert stats["secureRequests"] == 8
    assert stats["securePercentage"] == 88  # 8 of 9, floored
    assert stats["IPv6Percentage"] == 50  # 2 of 4 addresses
    assert stats["totalLinks"] == 5
    assert (stats["uniqCountries"], stats["malicious"], stats["adBlocked"]) == (0, 0, 0)


def test_failed_scan_stats_look_like_urlscan_s() -> None:
    stats = _wire(failed_dns().transactions, total_links=0)
    assert stats["resourceStats"] == [] and stats["ipStats"] == []
    (domain,) = stats["domainStats"]
    assert (domain["domain"], domain["count"], domain["ips"]) == ("gone.test", 0, [])
    (reg,) = stats["regDomainStats"]
    assert reg["subDomains"] == [{"domain": "", "failed": True}]
    assert (stats["secureRequests"], stats["securePercentage"], stats["IPv6Percentage"]) == (
        0,
        0,
        None,
    )


def test_no_transactions() -> None:
    stats = _wire([], total_links=0)
    assert stats["domainStats"] == [] and stats["IPv6Percentage"] is None
