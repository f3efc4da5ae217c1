"""The test web: every *.test site on its own loopback address, HTTP and HTTPS.

``TestWeb`` runs one aiohttp application in a background thread with its own
event loop. Each address gets two listeners, on the same HTTP and HTTPS ports
everywhere; requests are dispatched on the Host header to sites/ handlers, and
every request is recorded in ``hits`` before it is handled.
"""

import asyncio
import html
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import NamedTuple

from aiohttp import web

from tests.testweb import downloads
from tests.testweb.appkeys import SITE, STOPPING, URLS
from tests.testweb.certs import ServerIdentity, make_identity
from tests.testweb.hosts import ADDRESSES, BADTLS_HOST, HOST_BY_ADDRESS, url_host
from tests.testweb.ports import bind_common_port
from tests.testweb.render import page
from tests.testweb.routes import Handler
from tests.testweb.sites import ROUTES
from tests.testweb.urls import Urls

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# How long stop() lets an in-flight response (a 40 MB body to a stalled reader)
# finish, and then again how long it waits for the cancelled handler, before
# closing the connection. Hanging handlers end at once: they wait on STOPPING,
# which stop() sets first.
SHUTDOWN_TIMEOUT = 0.5


class Hit(NamedTuple):
    """One request the test web received.

    host is the site that answered: the Host header's name when it is a test
    hostname, otherwise the site owning the address the request came in on (so
    ``http://127.0.0.200:PORT/`` counts as internal.test). path has no query.
    """

    host: str
    path: str
    method: str
    client_ip: str
    scheme: str


class TestWeb:
    """Serves the test sites; the package docstring shows the whole interface."""

    __test__ = False  # named Test*, but not a pytest test class

    def __init__(self) -> None:
        self.pins: dict[str, str] = dict(ADDRESSES)
        self.http_port = 0
        self.https_port = 0
        self.spki_hash = ""
        self.ca_pem = b""
        # DER leaves: the one every good host presents, and badtls.test's.
        self.leaf_der = self.badtls_leaf_der = b""
        self.hits: list[Hit] = []
        self._hits_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    def __enter__(self) -> "TestWeb":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on every address; returns once all listeners accept connections."""
        if self._thread is not None:
            raise RuntimeError("TestWeb already started")
        good, bad = self._identities()
        addresses = list(ADDRESSES.values())
        http_port, http_socks = bind_common_port(addresses)
        try:
            https_port, https_socks = bind_common_port(addresses)
        except OSError:
            _close(http_socks.values())
            raise
        self.http_port, self.https_port = http_port, https_port
        self.spki_hash, self.ca_pem = good.spki_hash, good.ca_pem
        self.leaf_der, self.badtls_leaf_der = good.leaf_der, bad.leaf_der

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="testweb", daemon=True)
        self._thread.start()
        serving = self._serve(http_socks, https_socks, good.ssl_context(), bad.ssl_context())
        try:
            asyncio.run_coroutine_threadsafe(serving, self._loop).result(START_TIMEOUT)
        except BaseException:
            _close([*http_socks.values(), *https_socks.values()])
            self.stop()
            raise

    def stop(self) -> None:
        """Close every listener and connection (hanging responses included)."""
        if self._loop is None or self._thread is None:
            return
        try:
            if self._runner is not None:
                shutdown = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
                shutdown.result(STOP_TIMEOUT)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._loop = self._thread = self._runner = None

    def url(self, host: str, path: str = "/", https: bool = False) -> str:
        """'http://news.test:PORT/path' with this server's ports."""
        return self._urls().url(host, path, https)

    def resolver_rules(self) -> str:
        """Chromium --host-resolver-rules sending each test host to its address.

        Everything else fails to resolve; the EXCLUDEs keep IP-literal URLs of
        our own listeners reachable (MAP * would otherwise catch them too).
        """
        rules = [f"MAP {host} {url_host(address)}" for host, address in self.pins.items()]
        rules.append("MAP * ~NOTFOUND")
        # EXCLUDE takes IPv6 addresses bare: "EXCLUDE [::1]" matches nothing (Chromium 156).
        rules += [f"EXCLUDE {address}" for address in self.pins.values()]
        return ", ".join(rules)

    def hits_for(self, host: str) -> list[Hit]:
        with self._hits_lock:
            return [hit for hit in self.hits if hit.host == host]

    def file_bytes(self, name: str) -> bytes:
        """Exact bytes of a served download: report.zip, invoice.exe or doc.pdf."""
        return downloads.file_bytes(name)

    def _urls(self) -> Urls:
        if not self.http_port:
            raise RuntimeError("TestWeb not started")
        return Urls(self.http_port, self.https_port)

    def _identities(self) -> tuple[ServerIdentity, ServerIdentity]:
        good_hosts = [host for host in ADDRESSES if host != BADTLS_HOST]
        good = make_identity(
            "Spyglass Test CA", good_hosts, [ADDRESSES[host] for host in good_hosts]
        )
        bad = make_identity("Untrusted Test CA", [BADTLS_HOST], [ADDRESSES[BADTLS_HOST]])
        return good, bad

    async def _serve(
        self,
        http_socks: dict[str, socket.socket],
        https_socks: dict[str, socket.socket],
        good_tls: ssl.SSLContext,
        bad_tls: ssl.SSLContext,
    ) -> None:
        app = web.Application(middlewares=[self._record_hit])
        app[URLS] = self._urls()
        app[STOPPING] = asyncio.Event()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        # handler_cancellation: a client that hangs up cancels its handler, so
        # abandoned /hang and /never requests do not pile up until stop().
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=SHUTDOWN_TIMEOUT, access_log=None
        )
        await self._runner.setup()
        for sock in http_socks.values():
            await web.SockSite(self._runner, sock).start()
        for address, sock in https_socks.items():
            context = bad_tls if address == ADDRESSES[BADTLS_HOST] else good_tls
            await web.SockSite(self._runner, sock, ssl_context=context).start()

    async def _shutdown(self) -> None:
        assert self._runner is not None
        self._runner.app[STOPPING].set()
        await self._runner.cleanup()
        # Left over: TLS handshakes of clients that connected and never spoke.
        # Cancelled here, they close their sockets instead of being destroyed
        # pending when the loop closes.
        leftovers = asyncio.all_tasks() - {asyncio.current_task()}
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    @web.middleware
    async def _record_hit(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        site = _site_of(request)
        request[SITE] = site
        hit = Hit(site, request.path, request.method, request.remote or "", request.scheme)
        with self._hits_lock:
            self.hits.append(hit)
        return await handler(request)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = ROUTES.find(request[SITE], request.path)
        if handler is None:
            return page(request, "not-found.html", status=404, path=html.escape(request.path))
        return await handler(request)


def _site_of(request: web.Request) -> str:
    # Not request.host: without a Host header it falls back to a DNS lookup.
    name = _strip_port(request.headers.get("Host", "")).lower().rstrip(".")
    if name in ADDRESSES:
        return name
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return HOST_BY_ADDRESS.get(sockname[0], name) if sockname else name


def _strip_port(host: str) -> str:
    """The host part of a Host header.

    >>> _strip_port("news.test:8080"), _strip_port("[::1]:8080"), _strip_port("plain.test")
    ('news.test', '::1', 'plain.test')
    """
    if host.startswith("[") and "]" in host:
        return host[1 : host.index("]")]
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() and ":" not in name else host


def _close(socks: Iterable[socket.socket]) -> None:
    for sock in socks:
        sock.close()
