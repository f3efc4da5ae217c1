"""The guard proxy's byte budgets, with a real SOCKS5 client and a real server on loopback."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator

import pytest

from spyglass.capture.proxy import ByteBudget, GuardProxy
from spyglass.netpolicy import NetworkPolicy, Resolver

PAYLOAD = b"x" * (1 << 20)  # what the server sends on every connection


@pytest.fixture
async def server() -> AsyncIterator[int]:
    async def send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(PAYLOAD)
            await writer.drain()
        except ConnectionError:
            pass  # the proxy cut us off: that is the point
        finally:
            writer.close()

    listening = await asyncio.start_server(send, "127.0.0.1", 0)
    yield listening.sockets[0].getsockname()[1]
    listening.close()


def _proxy(max_bytes: int | None = None, shared: ByteBudget | None = None) -> GuardProxy:
    return GuardProxy(
        NetworkPolicy(["127.0.0.0/8"]), Resolver({}), max_bytes=max_bytes, shared=shared
    )


async def _fetch(proxy: GuardProxy, port: int) -> tuple[int, bytes]:
    """SOCKS5 CONNECT to 127.0.0.1:port through ``proxy``: (reply code, bytes received)."""
    host, proxy_port = proxy.server.removeprefix("socks5://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(proxy_port))
    writer.write(b"\x05\x01\x00")
    await reader.readexactly(2)
    writer.write(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", port))
    reply = await reader.readexactly(10)
    received = await reader.read() if reply[1] == 0 else b""
    writer.close()
    return reply[1], received


async def test_a_scan_receives_no_more_than_its_budget(server: int) -> None:
    async with _proxy(max_bytes=300_000) as proxy:
        code, first = await _fetch(proxy, server)
        refused, _ = await _fetch(proxy, server)
    assert code == 0 and len(first) == 300_000  # cut while it streamed
    assert proxy.budget_spent and refused == 2  # SOCKS "not allowed"
    assert [b.reason for b in proxy.blocked] == ["budget"]


async def test_scans_of_one_browser_share_its_budget_and_give_it_back(server: int) -> None:
    shared = ByteBudget(1_500_000)
    async with _proxy(shared=shared) as first:
        _, whole = await _fetch(first, server)
        assert len(whole) == len(PAYLOAD) and shared.used == len(PAYLOAD)
        async with _proxy(shared=shared) as second:
            _, cut = await _fetch(second, server)
        assert len(cut) == 1_500_000 - len(PAYLOAD)
        assert shared.used == len(PAYLOAD)  # the second scan's share came back
    assert shared.used == 0
