"""The network policy as pure decisions: URLs, address ranges, pins."""

from __future__ import annotations

import pytest

from spyglass.errors import BlockedAddress, InvalidURL, RefusedScheme, UnresolvableHost
from spyglass.netpolicy import (
    NetworkPolicy,
    Resolver,
    choose_address,
    host_and_port,
    parse_target,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://Example.COM/a b", "http://example.com/a%20b"),
        ("example.com", "http://example.com/"),
        ("news.test:8080/x?q=1", "http://news.test:8080/x?q=1"),
        ("https://[::1]:8443/", "https://[::1]:8443/"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("https://paypal.com@evil.example/", "https://paypal.com@evil.example/"),
        ("  https://example.com/#frag  ", "https://example.com/"),
    ],
)
def test_parse_target_normalises(raw: str, expected: str) -> None:
    assert parse_target(raw) == expected


# Written so that urllib and a browser (WHATWG URL) read different hosts: the URL kept is the
# browser's, so the host checked and recorded is the one Chromium opens.
@pytest.mark.parametrize(
    ("raw", "expected", "host"),
    [
        ("http://a.test:80\\@b.test:80/", "http://a.test/@b.test:80/", "a.test"),
        ("http://a.test\\b.test/", "http://a.test/b.test/", "a.test"),
        ("http:\\\\a.test\\x", "http://a.test/x", "a.test"),
        ("http:a.test/x", "http://a.test/x", "a.test"),
        ("http://0x7f.1/", "http://127.0.0.1/", "127.0.0.1"),
        ("http://2130706433:8080/", "http://127.0.0.1:8080/", "127.0.0.1"),
        ("http://0177.0.0.1/", "http://127.0.0.1/", "127.0.0.1"),
        ("http://%31%30.0.0.1/", "http://10.0.0.1/", "10.0.0.1"),
    ],
)
def test_parse_target_reads_the_host_as_browsers_do(raw: str, expected: str, host: str) -> None:
    assert parse_target(raw) == expected
    assert host_and_port(expected)[0] == host


# Read alike by urllib and browsers: kept as regression guards for the switch of parser.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("http://a.test%2F@b.test/", "http://a.test%2F@b.test/"),
        ("http://a\uff0etest\u3002x/", "http://a.test.x/"),
        ("HTTPS://A.test:443/", "https://a.test/"),
    ],
)
def test_parse_target_agrees_where_parsers_agree(raw: str, expected: str) -> None:
    assert parse_target(raw) == expected


@pytest.mark.parametrize(
    ("url", "host_port"),
    [
        ("https://[::1]:8443/x", ("::1", 8443)),
        ("http://[::ffff:7f00:1]/", ("::ffff:7f00:1", 80)),
        ("https://a.test/", ("a.test", 443)),
        ("http://a.test:80\\@b.test:80/", ("a.test", 80)),
        ("http://u:p@A.test:81/", ("a.test", 81)),
    ],
)
def test_host_and_port(url: str, host_port: tuple[str, int]) -> None:
    assert host_and_port(url) == host_port


@pytest.mark.parametrize(
    "raw",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,hi", "chrome://settings",
     "about:blank", "ftp://example.com/", "view-source:http://x.test/", "ws://x.test/"],
)  # fmt: skip
def test_refused_schemes(raw: str) -> None:
    with pytest.raises(RefusedScheme):
        parse_target(raw)


@pytest.mark.parametrize(
    "raw",
    ["", "http://", "http://exa mple.com/", "http://x:99999/", "http://a..b/", "http://\x00x/",
     "http://a.te\tst/", "http://a.test/\nx", "http://x:0/", "http://1.2.3.256/",
     "http://a\"b.test/"],
)  # fmt: skip
def test_malformed_urls(raw: str) -> None:
    with pytest.raises(InvalidURL):
        parse_target(raw)


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link_local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "reserved"),
        ("::1", "loopback"),
        ("fe80::1", "link_local"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:0a00:0001::1", "private"),  # 6to4 wrapping 10.0.0.1
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 wrapping 127.0.0.1
        ("93.184.216.34", None),
        ("2606:4700:4400::ac40:9205", None),
    ],
)
def test_closed_ranges(address: str, category: str | None) -> None:
    assert NetworkPolicy().blocked_reason(address) == category


def test_allowed_network_opens_only_its_range() -> None:
    policy = NetworkPolicy(["127.0.0.0/25"])
    assert policy.blocked_reason("127.0.0.2") is None
    assert policy.blocked_reason("127.0.0.200") == "loopback"
    assert policy.blocked_reason("10.0.0.1") == "private"


async def test_pins_win_and_wildcards_match() -> None:
    resolver = Resolver({"news.test": "127.0.0.2", "*.cdn.test": "127.0.0.3"}, pins_only=True)
    assert await resolver.resolve("NEWS.test", 80) == ["127.0.0.2"]
    assert await resolver.resolve("a.b.cdn.test", 80) == ["127.0.0.3"]
    assert await resolver.resolve("::1", 80) == ["::1"]
    with pytest.raises(UnresolvableHost):
        await resolver.resolve("cdn.test", 80)


async def test_choose_address_refuses_closed_ranges() -> None:
    resolver = Resolver({"internal.test": "127.0.0.200"}, pins_only=True)
    with pytest.raises(BlockedAddress, match="loopback"):
        await choose_address("internal.test", 80, NetworkPolicy(["127.0.0.0/25"]), resolver)
    opened = NetworkPolicy(["127.0.0.0/8"])
    assert await choose_address("internal.test", 80, opened, resolver) == "127.0.0.200"
