"""IP address spellings.

CDP writes an IPv6 ``remoteIPAddress`` in brackets (``[2001:db8::1]``) and urlscan keeps that
spelling inside ``data.requests``; everywhere else (``page.ip``, ``lists.ips``, ``stats``) an
address is bare. These functions convert between the two and never raise.
"""

from __future__ import annotations

import ipaddress


def bare_ip(address: str | None) -> str | None:
    """The address without brackets or surrounding space; None stays None.

    >>> bare_ip("[2001:db8::1]")
    '2001:db8::1'
    >>> bare_ip("192.0.2.7")
    '192.0.2.7'
    """
    if address is None:
        return None
    address = address.strip()
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    return address or None


def bracket_ip(address: str) -> str:
    """IPv6 in brackets (CDP's ``remoteIPAddress`` spelling); anything else unchanged.

    >>> bracket_ip("2001:db8::1")
    '[2001:db8::1]'
    >>> bracket_ip("192.0.2.7")
    '192.0.2.7'
    """
    bare = bare_ip(address) or ""
    return f"[{bare}]" if is_ipv6(bare) else bare


def is_ip(value: str | None) -> bool:
    """True for an IPv4 or IPv6 literal, bracketed or not.

    >>> is_ip("[::1]"), is_ip("10.0.0.1"), is_ip("news.test")
    (True, True, False)
    """
    return _parse(value) is not None


def is_ipv6(value: str | None) -> bool:
    """True for an IPv6 literal, bracketed or not.

    >>> is_ipv6("[2001:db8::1]"), is_ipv6("192.0.2.7")
    (True, False)
    """
    return isinstance(_parse(value), ipaddress.IPv6Address)


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    bare = bare_ip(value)
    if not bare:
        return None
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])  # drop an IPv6 zone id (fe80::1%eth0)
    except ValueError:
        return None
