"""Recorder: turns a page's DevTools events into typed records, as they arrive.

urlscan's ``data.requests`` are DevTools ``Network`` events, so we listen to the same events on our
own CDP session rather than to Playwright's request objects (which lack the initiator, the protocol
and the TLS certificate details). The recorder also keeps the page-state facts the settle rule
waits on: network activity, main-frame navigations, load events.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from typing import Any

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

from spyglass.models import (
    ConsoleMessage,
    Navigation,
    Popup,
    TLSDetails,
    Transaction,
    tls_origin,
)

MAX_CONSOLE = 1000
MAX_POPUPS = 100
MAX_NAVIGATIONS = 50
MAX_TRANSACTIONS = 5000
MAX_CERTIFICATE_ORIGINS = 500
# A request with no news for this long no longer holds the page "busy" (long-poll, hung resource).
STALE_REQUEST = 2.0
_SKIPPED_SCHEMES = ("data:", "blob:", "about:", "chrome-extension:")


class Recorder:
    def __init__(
        self, *, max_body_bytes: int, max_total_body_bytes: int, max_document_bytes: int
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.max_document_bytes = max_document_bytes
        self.max_total_body_bytes = max_total_body_bytes
        self.transactions: list[Transaction] = []
        self.console: list[ConsoleMessage] = []
        self.navigations: list[Navigation] = []
        self.popups: list[Popup] = []
        self.timing: dict[str, float] = {}
        self.blobs: dict[str, bytes] = {}
        self.main_frame_id: str | None = None
        self.main_url: str | None = None
        self.main_failure: str | None = None  # net::ERR_… of the last failed main document
        self.load_fired = False
        self.crashed = False  # set by the session on the page's crash event
        self.navigation_pending = False
        self.documents = 0  # main-frame documents committed so far
        self.events = 0  # every network/page event: "did anything happen since?"
        self.last_activity = time.monotonic()
        self.changed = asyncio.Event()
        self._open: dict[str, Transaction] = {}  # requestId -> its current hop
        # Raw headers as sent/received (cookies included) may arrive before their hop.
        self._early_request_headers: dict[str, dict[str, str]] = {}
        self._early_response_headers: dict[str, dict[str, str]] = {}
        self._early_header_names: dict[str, list[str] | None] = {}
        self._inflight: dict[str, float] = {}  # requestId -> last news (monotonic)
        self._sessions: dict[str, CDPSession] = {}  # requestId -> session that saw it
        self._body_tasks: set[asyncio.Task[None]] = set()
        self._body_bytes = 0
        self._main_session: CDPSession | None = None
        self._document_bytes: dict[str, int] = {}  # main-frame document requestId -> bytes so far
        self.stopped_oversized = False
        self._stop_pending = False
        # TLS origin -> base64 DER chain, leaf first; asked once per origin, off the event path.
        self.certificates: dict[str, list[str]] = {}
        self.certificate_notes: list[str] = []  # why an origin's certificate is missing
        self._certificate_tasks: dict[str, asyncio.Task[None]] = {}
        self._error_page_chain: list[str] = []  # the chain a certificate error page shows

    # ------------------------------------------------------------------ wiring

    def attach(self, cdp: CDPSession, *, main: bool) -> None:
        """Listen to ``cdp``; only the main page's session drives page state and timing."""
        on = cdp.on
        on("Network.requestWillBeSent", lambda e: self._request(cdp, e))
        on("Network.requestWillBeSentExtraInfo", self._request_extra)
        on("Network.responseReceived", self._response)
        on("Network.responseReceivedExtraInfo", self._response_extra)
        on("Network.loadingFinished", self._finished)
        on("Network.loadingFailed", self._failed)
        on("Runtime.consoleAPICalled", self._console_api)
        on("Runtime.exceptionThrown", self._exception)
        on("Log.entryAdded", self._log_entry)
        on("Page.windowOpen", self._window_open)
        if main:
            on("Security.visibleSecurityStateChanged", self._security_state)
            self._main_session = cdp
            on("Network.dataReceived", self._data_received)
            on("Page.frameRequestedNavigation", self._requested_navigation)
            on("Page.frameStartedLoading", self._started_loading)
            on("Page.frameNavigated", self._navigated)
            on("Page.navigatedWithinDocument", self._navigated_within_document)
            on("Page.frameStoppedLoading", self._stopped_loading)
            on("Page.domContentEventFired", lambda e: self._mark("domContentEventFired"))
            on("Page.loadEventFired", self._load_event)

    def busy_requests(self, now: float) -> int:
        return sum(1 for seen in self._inflight.values() if now - seen < STALE_REQUEST)

    async def wait_for_bodies(self, timeout: float) -> None:
        if self._body_tasks:
            await asyncio.wait(set(self._body_tasks), timeout=max(timeout, 0.01))

    def cancel_body_fetches(self) -> None:
        for task in self._body_tasks:
            task.cancel()

    async def wait_for_certificates(self, timeout: float) -> None:
        pending = [task for task in self._certificate_tasks.values() if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=max(timeout, 0.01))

    def cancel_certificate_fetches(self) -> None:
        for task in self._certificate_tasks.values():
            task.cancel()

    def certificate_chains(self) -> tuple[dict[str, list[str]], list[str]]:
        """The chains obtained so far, and a note for each origin left without one."""
        chains = dict(self.certificates)
        notes = list(self.certificate_notes)
        for origin, task in self._certificate_tasks.items():
            if not task.done() or task.cancelled():
                notes.append(f"certificate {origin}: no answer in time")
        documents = [hop for hop in self.transactions if hop.is_main_frame]
        # The error page's chain belongs to the last main document, when its handshake failed
        # on the certificate.
        if self._error_page_chain and documents:
            last = documents[-1]
            if (last.failed or "").startswith("net::ERR_CERT_"):
                chains.setdefault(tls_origin(last.url), self._error_page_chain)
        return chains, notes

    # ------------------------------------------------------------------ network

    def touch(self) -> None:
        self.events += 1
        self.last_activity = time.monotonic()
        self.changed.set()

    def _request(self, cdp: CDPSession, event: dict[str, Any]) -> None:
        request = event["request"]
        request_id = event["requestId"]
        redirect = event.get("redirectResponse")
        previous = self._open.get(request_id)
        if redirect is not None and previous is not None:
            _apply_response(previous, redirect)
            # The redirect's raw headers came (as "early") before this next request.
            previous.response_header_names = self._early_header_names.pop(request_id, None)
            previous.redirected_to = request["url"]
            previous.encoded_size = redirect.get("encodedDataLength")
            if previous.tls is not None:
                self._ask_certificate(cdp, previous.url)
        if (
            request["url"].startswith(_SKIPPED_SCHEMES)
            or len(self.transactions) >= MAX_TRANSACTIONS
        ):
            return
        frame_id = event.get("frameId")
        resource_type = event.get("type", "Other")
        is_main_document = resource_type == "Document" and frame_id == self.main_frame_id
        cdp_request = {k: v for k, v in event.items() if k != "redirectResponse"}
        hop = Transaction(
            request_id=request_id,
            url=request["url"],
            method=request.get("method", "GET"),
            resource_type=resource_type,
            frame_id=frame_id,
            loader_id=event.get("loaderId"),
            document_url=event.get("documentURL"),
            is_main_frame=is_main_document,
            request_headers=request.get("headers", {}),
            post_data=request.get("postData"),
            initiator=event.get("initiator", {}),
            wall_time=event.get("wallTime"),
            timestamp=event.get("timestamp"),
            cdp_request=cdp_request,
        )
        early = self._early_request_headers.pop(request_id, None)
        if early:
            hop.request_headers = early
        self.transactions.append(hop)
        self._open[request_id] = hop
        self._inflight[request_id] = time.monotonic()
        self._sessions[request_id] = cdp
        if is_main_document:
            self.navigation_pending = True
            self.main_failure = None
            self.timing.setdefault("beginNavigation", time.time())
        self.touch()

    def _response(self, event: dict[str, Any]) -> None:
        hop = self._open.get(event["requestId"])
        if hop is None:
            return
        _apply_response(hop, event["response"])
        hop.cdp_response = event
        cdp = self._sessions.get(event["requestId"])
        if hop.tls is not None and cdp is not None:
            self._ask_certificate(cdp, hop.url)
        early = self._early_response_headers.pop(event["requestId"], None)
        if early:
            hop.response_headers = early
            hop.response_header_names = self._early_header_names.pop(event["requestId"], None)
        self._inflight[event["requestId"]] = time.monotonic()
        self.touch()

    def _request_extra(self, event: dict[str, Any]) -> None:
        """The headers Chromium really sent, Cookie included (requestWillBeSent lacks them)."""
        headers = event.get("headers") or {}
        hop = self._open.get(event["requestId"]) or self._finished_hop(event["requestId"])
        if hop is not None:  # usually right after its requestWillBeSent, sometimes after more
            hop.request_headers = headers
        else:
            self._early_request_headers[event["requestId"]] = headers

    def _finished_hop(self, request_id: str) -> Transaction | None:
        for hop in reversed(self.transactions[-50:]):
            if hop.request_id == request_id:
                return hop
        return None

    def _response_extra(self, event: dict[str, Any]) -> None:
        """The raw response headers, Set-Cookie included."""
        headers = event.get("headers") or {}
        names = header_names(event.get("headersText"))
        hop = self._open.get(event["requestId"])
        if hop is not None and hop.status is not None and hop.status == event.get("statusCode"):
            hop.response_headers, hop.response_header_names = headers, names
        else:
            self._early_response_headers[event["requestId"]] = headers
            late = self._redirect_without_names(event["requestId"], event.get("statusCode"))
            if late is not None:  # a redirect's raw headers, after its next request began
                late.response_header_names = names
            else:
                self._early_header_names[event["requestId"]] = names

    def _redirect_without_names(self, request_id: str, status: int | None) -> Transaction | None:
        for hop in reversed(self.transactions[-50:]):
            if hop.request_id == request_id and hop.redirected_to is not None:
                if hop.status == status and hop.response_header_names is None:
                    return hop
                return None
        return None

    def _finished(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        hop = self._open.pop(request_id, None)
        self._inflight.pop(request_id, None)
        cdp = self._sessions.pop(request_id, None)
        if hop is None:
            return
        hop.encoded_size = int(event.get("encodedDataLength", 0))
        self.touch()
        if hop.status is None or cdp is None:
            return
        if hop.encoded_size > self.max_body_bytes:
            hop.body_note = f"larger than {self.max_body_bytes} bytes: not kept"
            return
        if self._body_bytes + hop.encoded_size > self.max_total_body_bytes:
            hop.body_note = "scan body budget exhausted: not kept"
            return
        self._body_bytes += hop.encoded_size
        task = asyncio.create_task(self._fetch_body(cdp, hop))
        self._body_tasks.add(task)
        task.add_done_callback(self._body_tasks.discard)

    async def _fetch_body(self, cdp: CDPSession, hop: Transaction) -> None:
        try:
            result = await cdp.send("Network.getResponseBody", {"requestId": hop.request_id})
        except PlaywrightError as e:
            hop.body_note = f"body not available: {str(e).splitlines()[0][:200]}"
            return
        raw = result.get("body", "")
        body = base64.b64decode(raw) if result.get("base64Encoded") else raw.encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        hop.body_sha256 = digest
        hop.decoded_size = len(body)
        self.blobs.setdefault(digest, body)

    # ------------------------------------------------------------------ certificates

    def _ask_certificate(self, cdp: CDPSession, url: str) -> None:
        """Ask for the origin's chain the first time a TLS response from it arrives: the browser
        knows it while the connection is fresh. The handler only starts the request."""
        origin = tls_origin(url)
        asked = self._certificate_tasks
        if origin in asked:
            return
        if len(asked) >= MAX_CERTIFICATE_ORIGINS:
            note = f"certificates: more than {MAX_CERTIFICATE_ORIGINS} TLS origins, rest not asked"
            if note not in self.certificate_notes:
                self.certificate_notes.append(note)
            return
        self._certificate_tasks[origin] = asyncio.create_task(self._fetch_certificate(cdp, origin))

    async def _fetch_certificate(self, cdp: CDPSession, origin: str) -> None:
        try:
            result = await cdp.send("Network.getCertificate", {"origin": origin})
        except PlaywrightError as e:
            note = str(e).splitlines()[0][:200]
            self.certificate_notes.append(f"certificate {origin}: {note}")
            return
        chain = [der for der in result.get("tableNames") or [] if der]
        if chain:
            self.certificates[origin] = chain
        else:
            self.certificate_notes.append(f"certificate {origin}: the browser gave none")

    def _security_state(self, event: dict[str, Any]) -> None:
        """A certificate error page shows the chain that failed; getCertificate no longer
        knows it (the connection was refused), so it is taken from here."""
        state = event.get("visibleSecurityState") or {}
        certificate = state.get("certificateSecurityState") or {}
        if certificate.get("certificateNetworkError") and certificate.get("certificate"):
            self._error_page_chain = list(certificate["certificate"])

    def _data_received(self, event: dict[str, Any]) -> None:
        hop = self._open.get(event["requestId"])
        if hop is None or not hop.is_main_frame:
            return
        received = self._document_bytes.get(hop.request_id, 0) + int(event.get("dataLength", 0))
        self._document_bytes[hop.request_id] = received
        if received > self.max_document_bytes:
            self._stop_oversized(hop)

    def _stop_oversized(self, hop: Transaction) -> None:
        """A giant main document would keep the renderer busy past the scan's limit (40 MB of
        text takes Chromium over 15 s to lay out): stop loading and keep what arrived."""
        if self.stopped_oversized:
            return
        self.stopped_oversized = self._stop_pending = True
        hop.body_note = f"larger than {self.max_document_bytes} bytes: loading stopped"
        self._send_stop()

    def _send_stop(self) -> None:
        # Before the document commits there is no page to stop; _navigated sends it again.
        if self._main_session is None:
            return
        task = asyncio.ensure_future(self._main_session.send("Page.stopLoading"))
        task.add_done_callback(self._stop_sent)

    def _stop_sent(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is None:
            self._stop_pending = False

    def _failed(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        hop = self._open.pop(request_id, None)
        self._inflight.pop(request_id, None)
        self._sessions.pop(request_id, None)
        if hop is None:
            return
        hop.failed = event.get("errorText") or "failed"
        hop.canceled = bool(event.get("canceled"))
        if hop.is_main_frame:
            self.navigation_pending = False
            self.main_failure = hop.failed
        self.touch()

    # ------------------------------------------------------------------ page state

    def _requested_navigation(self, event: dict[str, Any]) -> None:
        if event.get("frameId") != self.main_frame_id or event.get("disposition") not in (
            None,
            "currentTab",
        ):
            return
        if len(self.navigations) < MAX_NAVIGATIONS:
            self.navigations.append(
                Navigation(
                    url=event["url"],
                    reason=event.get("reason"),
                    from_url=self.main_url,
                    timestamp=time.time(),
                )
            )
        self.navigation_pending = True
        self.touch()

    def _started_loading(self, event: dict[str, Any]) -> None:
        if event.get("frameId") == self.main_frame_id:
            self.load_fired = False
            self._mark("frameStartedLoading")

    def _navigated(self, event: dict[str, Any]) -> None:
        frame = event.get("frame", {})
        if frame.get("id") != self.main_frame_id:
            return
        self.main_url = frame.get("url")
        self.documents += 1
        # Requests of the document just replaced (its favicon fetch, a hung script) never
        # finish and no longer matter: only the new document's own request still counts.
        loader = frame.get("loaderId")
        self._inflight = {
            rid: seen
            for rid, seen in self._inflight.items()
            if (hop := self._open.get(rid)) is not None and hop.loader_id == loader
        }
        if self._stop_pending:
            self._send_stop()
        self.navigation_pending = False
        self._mark("frameNavigated")

    def _navigated_within_document(self, event: dict[str, Any]) -> None:
        # history.pushState, a fragment: the same document at a new URL.
        if event.get("frameId") == self.main_frame_id:
            self.main_url = event.get("url") or self.main_url

    def _stopped_loading(self, event: dict[str, Any]) -> None:
        if event.get("frameId") == self.main_frame_id:
            self.load_fired = True
            self.navigation_pending = False
            self._mark("frameStoppedLoading")

    def _load_event(self, event: dict[str, Any]) -> None:
        self.load_fired = True
        self._mark("loadEventFired")

    def _mark(self, name: str) -> None:
        self.timing[name] = time.time()
        self.touch()

    def _window_open(self, event: dict[str, Any]) -> None:
        if len(self.popups) < MAX_POPUPS:
            self.popups.append(Popup(url=event.get("url", ""), opener_url=self.main_url))

    # ------------------------------------------------------------------ console

    def _add_console(self, message: ConsoleMessage) -> None:
        if len(self.console) < MAX_CONSOLE:
            self.console.append(message)

    def _console_api(self, event: dict[str, Any]) -> None:
        frames = (event.get("stackTrace") or {}).get("callFrames") or [{}]
        levels = {"warning": "warning", "error": "error", "assert": "error", "debug": "debug",
                  "info": "info"}  # fmt: skip
        self._add_console(
            ConsoleMessage(
                source="console-api",
                level=levels.get(event.get("type", "log"), "log"),
                text=" ".join(_remote_object_text(arg) for arg in event.get("args", [])),
                url=frames[0].get("url") or None,
                line=frames[0].get("lineNumber"),
                column=frames[0].get("columnNumber"),
                timestamp=(event.get("timestamp") or 0) / 1000 or None,
            )
        )

    def _exception(self, event: dict[str, Any]) -> None:
        details = event.get("exceptionDetails", {})
        exception = details.get("exception") or {}
        self._add_console(
            ConsoleMessage(
                source="javascript",
                level="error",
                text=exception.get("description") or details.get("text", "Uncaught exception"),
                url=details.get("url"),
                line=details.get("lineNumber"),
                column=details.get("columnNumber"),
                timestamp=(event.get("timestamp") or 0) / 1000 or None,
            )
        )

    def _log_entry(self, event: dict[str, Any]) -> None:
        entry = event.get("entry", {})
        self._add_console(
            ConsoleMessage(
                source=entry.get("source", "other"),
                level=entry.get("level", "info"),
                text=entry.get("text", ""),
                url=entry.get("url"),
                line=entry.get("lineNumber"),
                timestamp=(entry.get("timestamp") or 0) / 1000 or None,
            )
        )


def _apply_response(hop: Transaction, response: dict[str, Any]) -> None:
    hop.status = response.get("status")
    hop.status_text = response.get("statusText")
    hop.response_headers = response.get("headers", {})
    hop.mime_type = response.get("mimeType")
    hop.remote_ip = response.get("remoteIPAddress")
    hop.remote_port = response.get("remotePort")
    hop.protocol = response.get("protocol")
    hop.security_state = response.get("securityState")
    hop.timing = response.get("timing")
    hop.from_cache = bool(response.get("fromDiskCache") or response.get("fromServiceWorker"))
    details = response.get("securityDetails")
    if details:
        hop.tls = TLSDetails(
            protocol=details.get("protocol"),
            key_exchange=details.get("keyExchange"),
            key_exchange_group=details.get("keyExchangeGroup"),
            cipher=details.get("cipher"),
            subject_name=details.get("subjectName"),
            san_list=details.get("sanList", []),
            issuer=details.get("issuer"),
            valid_from=int(details["validFrom"]) if details.get("validFrom") else None,
            valid_to=int(details["validTo"]) if details.get("validTo") else None,
        )


def header_names(headers_text: str | None) -> list[str] | None:
    """Header names in the order the server sent them, from DevTools' raw ``headersText``
    (HTTP/1.x only). DevTools' ``headers`` object cannot give that order: Chromium sorts it.

    >>> header_names("HTTP/1.1 200 OK\\r\\nServer: x\\r\\nSet-Cookie: a\\r\\nSet-Cookie: b\\r\\n")
    ['Server', 'Set-Cookie', 'Set-Cookie']
    >>> header_names(None) is None
    True
    """
    if not headers_text:
        return None
    names = []
    for line in headers_text.replace("\r\n", "\n").split("\n")[1:]:
        if not line:
            break
        if line[0] in " \t":  # an obsolete folded continuation of the previous value
            continue
        name = line.partition(":")[0].strip()
        if name:
            names.append(name)
    return names


def _remote_object_text(arg: dict[str, Any]) -> str:
    """A console argument as DevTools prints it: ``{"type":"string","value":"hi"}`` -> ``hi``."""
    if "value" in arg:
        value = arg["value"]
        return (
            value
            if isinstance(value, str)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
    if arg.get("unserializableValue"):
        return str(arg["unserializableValue"])
    return str(arg.get("description") or arg.get("type", ""))
