from __future__ import annotations

import pytest

from spyglass.analyze.ips import bare_ip, bracket_ip, is_ip, is_ipv6


@pytest.mark.parametrize(
    ("address", "bare", "bracketed"),
    [
        ("192.0.2.7", "192.0.2.7", "192.0.2.7"),
        ("2001:db8::1", "2001:db8::1", "[2001:db8::1]"),
        ("[2001:db8::1]", "2001:db8::1", "[2001:db8::1]"),
        (" [::1] ", "::1", "[::1]"),
    ],
)
def test_spellings(address: str, bare: str, bracketed: str) -> None:
    assert bare_ip(address) == bare
    assert bracket_ip(address) == bracketed


def test_none_and_empty_stay_none() -> None:
    assert bare_ip(None) is None
    assert bare_ip("[]") is None


def test_kinds() -> None:
    assert is_ipv6("fe80::1%eth0")
    assert is_ip("10.0.0.1") and not is_ipv6("10.0.0.1")
    assert not is_ip("news.test") and not is_ip(None) and not is_ip("")
