"""GuardProxy: a per-scan SOCKS5 proxy that is the browser's only way out.

Why a proxy rather than request interception: Playwright's routes never see redirects, and page
routes miss pop-ups, workers and pre-connects. Every TCP connection Chromium opens for a scan's
context goes through here instead (the browser itself resolves nothing: see ``browser.py``), so the
policy holds for the target, each redirect, each sub-request and each pop-up alike, and it is
checked at connect time against the very address we connect to: no DNS-rebinding window.

Each host is resolved once per scan and pinned, so the address recorded for a request is the
address the bytes went to.

Every byte the page receives passes here, so this is also where what a page can pull is bounded
while it streams: ``max_bytes`` per scan, and a ``ByteBudget`` shared by all scans of one browser
(the worker's disk budget: downloads are written to disk as they arrive, and a download without
``Content-Length`` cannot be judged before it is written). Past either, the tunnels of the scan
are cut and new ones refused (recorded with reason ``budget``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from collections.abc import Callable
from types import TracebackType

from spyglass.errors import BlockedAddress, UnresolvableHost
from spyglass.models import BlockedConnection
from spyglass.netpolicy import NetworkPolicy, Resolver, choose_address

# SOCKS5 reply codes (RFC 1928 §6)
_OK, _FAILURE, _NOT_ALLOWED, _NET_UNREACHABLE, _HOST_UNREACHABLE, _REFUSED = 0, 1, 2, 3, 4, 5
_CMD_NOT_SUPPORTED, _ATYP_NOT_SUPPORTED = 7, 8
_HANDSHAKE_TIMEOUT = 10.0
_CONNECT_TIMEOUT = 10.0
_MAX_BLOCKED_RECORDS = 500


class ByteBudget:
    """Bytes that several scans together may still receive; each scan gives back what it took
    when it ends (its downloads are deleted with its context)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def __repr__(self) -> str:
        return f"ByteBudget(used={self.used}, limit={self.limit})"

    def available(self) -> int:
        return max(0, self.limit - self.used)


class GuardProxy:
    """``async with GuardProxy(policy, resolver) as proxy:`` then give Chromium ``proxy.server``."""

    def __init__(
        self,
        policy: NetworkPolicy,
        resolver: Resolver,
        max_connections: int = 256,
        *,
        max_bytes: int | None = None,
        shared: ByteBudget | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.max_bytes = max_bytes
        self.shared = shared
        self.received = 0  # bytes relayed to the browser
        self.budget_spent = False
        self.resolved: dict[str, str] = {}  # host -> the address its connections went to
        self.blocked: list[BlockedConnection] = []
        self.connections = 0
        self._slots = asyncio.Semaphore(max_connections)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: dict[str, asyncio.Future[str]] = {}

    @property
    def server(self) -> str:
        assert self._server is not None, "GuardProxy used outside 'async with'"
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"socks5://{host}:{port}"

    async def __aenter__(self) -> GuardProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        if self.shared is not None:
            self.shared.used -= self.received

    def grant(self, wanted: int) -> int:
        """How many of ``wanted`` incoming bytes the budgets allow; they are spent at once."""
        allowed = wanted
        if self.max_bytes is not None:
            allowed = min(allowed, self.max_bytes - self.received)
        if self.shared is not None:
            allowed = min(allowed, self.shared.available())
        allowed = max(0, allowed)
        self.received += allowed
        if self.shared is not None:
            self.shared.used += allowed
        if allowed < wanted:
            self.budget_spent = True
        return allowed

    def blocked_reason_for(self, host: str, port: int) -> str | None:
        """The guard's reason for the last refusal of ``host:port``, if any."""
        for record in reversed(self.blocked):
            if record.host == host and record.port == port:
                return record.reason
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            async with self._slots:
                await self._handle(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError, UnicodeError):
            pass  # the browser gave up on this connection, or spoke nonsense; nothing to record
        except asyncio.CancelledError:
            pass  # the scan is over and the proxy is closing its tunnels
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = await asyncio.wait_for(_read_request(reader, writer), _HANDSHAKE_TIMEOUT)
        if host is None:
            return
        if self.budget_spent:
            self._record(host, port, None, "budget")
            await _reply(writer, _NOT_ALLOWED)
            return
        try:
            address = await self._address_for(host, port)
        except UnresolvableHost:
            self._record(host, port, None, "dns")
            await _reply(writer, _HOST_UNREACHABLE)
            return
        except BlockedAddress:
            self._record(host, port, None, "blocked_address")
            await _reply(writer, _NOT_ALLOWED)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.wait_for(
                asyncio.open_connection(address, port), _CONNECT_TIMEOUT
            )
        except ConnectionRefusedError:
            self._record(host, port, address, "refused")
            await _reply(writer, _REFUSED)
            return
        except (OSError, TimeoutError):
            self._record(host, port, address, "unreachable")
            await _reply(writer, _HOST_UNREACHABLE)
            return
        self.connections += 1
        await _reply(writer, _OK)
        try:
            await _relay(reader, writer, upstream_reader, upstream_writer, self.grant)
        finally:
            upstream_writer.close()

    async def _address_for(self, host: str, port: int) -> str:
        """Resolve and check ``host`` once per scan; concurrent connections share the answer."""
        key = host.lower()
        if key in self.resolved:
            return self.resolved[key]
        future = self._pending.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._pending[key] = future
            try:
                address = await choose_address(host, port, self.policy, self.resolver)
            except Exception as e:
                future.set_exception(e)
                future.exception()  # mark retrieved: the waiters, if any, re-raise it
                del self._pending[key]
                raise
            self.resolved[key] = address
            future.set_result(address)
            del self._pending[key]
            return address
        return await asyncio.shield(future)

    def _record(self, host: str, port: int, ip: str | None, reason: str) -> None:
        if len(self.blocked) < _MAX_BLOCKED_RECORDS:
            self.blocked.append(BlockedConnection(host=host, port=port, ip=ip, reason=reason))


async def _read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> tuple[str | None, int]:
    """The SOCKS5 greeting and CONNECT request; ``(None, 0)`` after refusing anything else."""
    version, method_count = await reader.readexactly(2)
    await reader.readexactly(method_count)
    if version != 5:
        return None, 0
    writer.write(b"\x05\x00")  # no authentication: the proxy listens on loopback for one scan
    _, command, _, address_type = await reader.readexactly(4)
    if address_type == 1:
        host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
    elif address_type == 3:
        length = (await reader.readexactly(1))[0]
        host = (await reader.readexactly(length)).decode("ascii", errors="replace")
    elif address_type == 4:
        host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
    else:
        await _reply(writer, _ATYP_NOT_SUPPORTED)
        return None, 0
    (port,) = struct.unpack("!H", await reader.readexactly(2))
    if command != 1:  # only CONNECT: no BIND, no UDP ASSOCIATE
        await _reply(writer, _CMD_NOT_SUPPORTED)
        return None, 0
    return host, port


async def _reply(writer: asyncio.StreamWriter, code: int) -> None:
    writer.write(bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0]))
    await writer.drain()


async def _relay(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_reader: asyncio.StreamReader,
    upstream_writer: asyncio.StreamWriter,
    grant: Callable[[int], int],
) -> None:
    """Copy both ways until either side closes; bytes towards the browser only as ``grant``
    allows (a refusal cuts the tunnel: the page sees a truncated response)."""

    async def pipe(
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        grant: Callable[[int], int] | None = None,
    ) -> None:
        try:
            while chunk := await source.read(256 * 1024):
                allowed = grant(len(chunk)) if grant is not None else len(chunk)
                sink.write(chunk[:allowed])
                await sink.drain()
                if allowed < len(chunk):
                    upstream_writer.close()
                    client_writer.close()
                    return
        except (ConnectionError, OSError):
            pass  # either side closing ends the tunnel; the browser reports its own error
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                if sink.can_write_eof():
                    sink.write_eof()

    await asyncio.gather(
        pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer, grant)
    )
