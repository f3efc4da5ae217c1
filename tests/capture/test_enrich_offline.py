"""Enrichment is offline: a real scan with every non-loopback connection and every name lookup
made to fail in this process (where the guard proxy, the recorder and the enrichers run; the
browser reaches nothing but the proxy) still gets all its enrichment."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from spyglass.capture.browser import BrowserPool
from tests.conftest import report_of
from tests.testweb import TestWeb

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else None
    if not isinstance(host, str):
        return isinstance(address, str | bytes)  # a Unix socket: not the network
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def internet_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    attempts: list[Any] = []

    def connect(sock: socket.socket, address: Any) -> Any:
        if not _loopback(address):
            attempts.append(address)
            raise OSError(f"test: no route to {address!r}")
        return _real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if not _loopback(address):
            attempts.append(address)
            return 113  # EHOSTUNREACH
        return _real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(("getaddrinfo", host))
        raise socket.gaierror(f"test: no name resolution for {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts


async def test_enrichers_fill_their_fields_without_the_internet(
    pool: BrowserPool, web: TestWeb, internet_unreachable: list[Any]
) -> None:
    capture = await pool.capture(web.url("shop.test", https=True))
    report = report_of(capture)

    assert capture.failure is None, capture.failure
    processors = report.meta["processors"]
    for name in ("asn", "geoip", "wappa", "pivots"):
        assert processors[name]["state"] == "done", name
    # Addresses: every one is loopback, labelled as such rather than looked up.
    assert report.page.asnname == "loopback"
    # Certificates from the DER the browser held, technologies and pivots from the capture.
    assert report.lists.certificates and all(c.sha256 for c in report.lists.certificates)
    assert report.page.tls_issuer
    assert {t.name for t in report.technologies} >= {"jQuery", "WordPress"}
    assert report.pivots.structure_hash and report.pivots.screenshot_phash
    assert internet_unreachable == []
