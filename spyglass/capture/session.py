"""One scan: a fresh browser context behind a guard proxy, a navigation, the settle rule, and the
artifacts read off the page -- returned as a ``RawCapture`` even when the page fights back.

The scan's time limit holds: every step takes what is left of ``options.timeout``; when the limit
is reached the scan stops where it is and reports what it has, with the reason. The pool adds an
outer limit that kills the browser if closing the context itself hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
)
from playwright.async_api import (
    Dialog as PlaywrightDialog,
)
from playwright.async_api import (
    Download as PlaywrightDownload,
)
from playwright.async_api import (
    Error as PlaywrightError,
)

from spyglass.capture import decoys, readout
from spyglass.capture.downloads import DownloadLimits
from spyglass.capture.interact import interact
from spyglass.capture.memory import MemoryBound
from spyglass.capture.proxy import ByteBudget, GuardProxy
from spyglass.capture.recorder import Recorder
from spyglass.capture.settle import Settled, settle
from spyglass.models import (
    Dialog,
    Download,
    Failure,
    FailureReason,
    Favicon,
    Isolation,
    JSGlobal,
    RawCapture,
    ScanOptions,
    Transaction,
)
from spyglass.netpolicy import host_and_port, scan_policy
from spyglass.refdata import fingerprints
from spyglass.settings import Settings

T = TypeVar("T")

MAX_DIALOGS = 100
MAX_FAVICON_BYTES = 1024 * 1024
# Share of the scan's time the settle rule may use; the rest is kept for reading the page.
SETTLE_SHARE = 0.6
# Share of the scan's time by which clicking lure controls (options.interact) must be done.
INTERACT_SHARE = 0.75
CONTEXT_CLOSE_TIMEOUT = 5.0
_NET_ERROR = re.compile(r"net::ERR_[A-Z0-9_]+")
_GUARD_ERRORS = {
    "net::ERR_SOCKS_CONNECTION_FAILED",
    "net::ERR_SOCKS_CONNECTION_HOST_UNREACHABLE",
    "net::ERR_PROXY_CONNECTION_FAILED",
    "net::ERR_TUNNEL_CONNECTION_FAILED",
}
_GUARD_REASONS = {
    "blocked_address": FailureReason.BLOCKED,
    "dns": FailureReason.DNS,
    "refused": FailureReason.REFUSED,
    "unreachable": FailureReason.NETWORK,
}


def failure_reason(net_error: str, guard_reason: str | None = None) -> FailureReason:
    """Map Chromium's error code (and the guard's word on it) to our reason code.

    ``"net::ERR_CERT_AUTHORITY_INVALID"`` -> ``TLS``; ``"net::ERR_SOCKS_CONNECTION_FAILED"`` with
    the guard's ``"blocked_address"`` -> ``BLOCKED``.
    """
    if guard_reason is not None:
        return _GUARD_REASONS.get(guard_reason, FailureReason.NETWORK)
    code = net_error.removeprefix("net::")
    if code == "ERR_NAME_NOT_RESOLVED":
        return FailureReason.DNS
    if code in ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET"):
        return FailureReason.REFUSED
    if code.startswith(("ERR_CERT_", "ERR_SSL_")) or code == "ERR_BAD_SSL_CLIENT_AUTH_CERT":
        return FailureReason.TLS
    if code in ("ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT"):
        return FailureReason.TIMEOUT
    if code == "ERR_ABORTED":
        return FailureReason.ABORTED
    return FailureReason.NETWORK


def context_options(options: ScanOptions, playwright: Playwright) -> dict[str, Any]:
    """Playwright context options for a scan (proxy excluded)."""
    values: dict[str, Any] = {}
    if options.device:
        values.update(playwright.devices[options.device])
    else:
        values["viewport"] = {"width": options.viewport.width, "height": options.viewport.height}
    values.update(
        accept_downloads=True,
        # Service workers fetch outside the page's DevTools session: block them so that every
        # request the page makes is recorded.
        service_workers="block",
        java_script_enabled=options.javascript,
        ignore_https_errors=options.insecure_tls,
    )
    if options.user_agent:
        values["user_agent"] = options.user_agent
    if options.locale:
        values["locale"] = options.locale
    if options.timezone:
        values["timezone_id"] = options.timezone
    if options.headers:
        values["extra_http_headers"] = dict(options.headers)
    return values


class ScanSession:
    """``await ScanSession(...).run()`` -> ``RawCapture``; ``snapshot()`` returns what it has."""

    def __init__(
        self,
        playwright: Playwright,
        browser: Browser,
        url: str,
        options: ScanOptions,
        settings: Settings,
        baseline_globals: list[str],
        *,
        budget: ByteBudget | None = None,
        memory: MemoryBound | None = None,
        isolation: Isolation | None = None,
    ) -> None:
        self.playwright = playwright
        self.browser = browser
        self.url = url
        self.options = options
        self.settings = settings
        self.records = decoys.PageRecords(options)
        # The decoy wallets' globals are the browser's, not the page's: a benign page's report
        # must read the same with the decoy on or off.
        self._decoy_globals = frozenset(decoys.DECOY_GLOBALS if options.decoy else ())
        self.baseline_globals = baseline_globals + sorted(self._decoy_globals)
        self._baseline_roots = frozenset(baseline_globals)  # chains may start at these too
        self.started_at = datetime.now(UTC)
        self.start = time.monotonic()
        self.deadline = self.start + options.timeout
        self.recorder = Recorder(
            max_body_bytes=settings.max_body_bytes,
            max_total_body_bytes=settings.max_total_body_bytes,
            max_document_bytes=settings.max_document_bytes,
        )
        self.proxy = GuardProxy(
            *scan_policy(options, settings), max_bytes=settings.max_scan_bytes, shared=budget
        )
        self.memory = memory
        self._memory_kills = memory.kills() if memory is not None else 0
        self.download_limits = DownloadLimits(settings.max_download_bytes)
        self.context_wedged = False  # closing the context hung: the browser must go
        self._capture = RawCapture(url=url, options=options, started_at=self.started_at,
                                   finished_at=self.started_at, isolation=isolation)  # fmt: skip
        self._dialogs: list[Dialog] = []
        self._downloads: list[Download] = []
        self._download_tasks: set[asyncio.Task[None]] = set()
        self._popup_tasks: set[asyncio.Future[None]] = set()
        self._failure: Failure | None = None
        self._main_page: Page | None = None
        self._clicked: list[str] = []

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    async def run(self) -> RawCapture:
        async with self.proxy:
            context = await self.browser.new_context(
                **context_options(self.options, self.playwright),
                proxy={"server": self.proxy.server},
            )
            try:
                await self._scan(context)
            finally:
                await self._close(context)
        return self.snapshot()

    def fail(self, reason: FailureReason, message: str) -> None:
        if self._failure is None:
            self._failure = Failure(reason=reason, message=message)

    async def _scan(self, context: BrowserContext) -> None:
        if self.records.enabled:
            await context.add_init_script(self.records.script())
        if self.options.cookies:
            await context.add_cookies(
                [
                    {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path}
                    if c.domain
                    else {"name": c.name, "value": c.value, "url": self.url}
                    for c in self.options.cookies
                ]
            )
        page = await context.new_page()
        self._main_page = page
        context.on("page", self._on_new_page)
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)
        page.on("crash", self._on_crash)
        cdp = await context.new_cdp_session(page)
        tree = await cdp.send("Page.getFrameTree")
        self.recorder.main_frame_id = tree["frameTree"]["frame"]["id"]
        self.recorder.attach(cdp, main=True)
        # Independent set-up calls go out together; all are done before the navigation.
        await asyncio.gather(
            cdp.send(
                "Network.enable",
                {
                    "maxTotalBufferSize": self.settings.max_total_body_bytes,
                    "maxResourceBufferSize": self.settings.max_body_bytes,
                },
            ),
            cdp.send("Page.enable"),
            cdp.send("Runtime.enable"),
            cdp.send("Log.enable"),
            # Only for the chain a certificate error page shows (see Recorder._security_state).
            cdp.send("Security.enable"),
            page.clock.install() if self.options.javascript else _nothing(),
            self.records.attach(cdp) if self.records.enabled else _nothing(),
            decoys.deny_clipboard(cdp),
            self.download_limits.attach(cdp),
        )

        await self._navigate(page)
        settle_deadline = self.start + self.options.timeout * SETTLE_SHARE
        outcome = await settle(
            page, self.recorder, settle_deadline, fake_clock=self.options.javascript
        )
        if outcome is Settled.HUNG:
            self._incomplete("settle: the page's scripts did not yield; they were stopped")
            await self._stop_scripts(cdp)
        elif outcome is Settled.DEADLINE:
            self._incomplete("settle: the page was still busy when its share of the time ran out")
        if (
            self.options.interact
            and self.options.javascript
            and outcome in (Settled.QUIET, Settled.STALLED)
            and not page.url.startswith(("chrome-error:", "about:"))
        ):
            deadline = self.start + self.options.timeout * INTERACT_SHARE
            clicked = await self._step("interact", interact(page, self.recorder, deadline))
            self._clicked = clicked or []
        if not self.recorder.crashed and not page.url.startswith(("chrome-error:", "about:")):
            # (Chromium's own error page, or nothing committed: there is no page to read.)
            await self._read_page(page, cdp, context)
        # A page that filled its memory may crash after settle judged it hung (its scripts
        # stopped yielding first), while it is being read.
        if self.recorder.crashed:
            self._renderer_crashed()
        await self._finish_downloads()
        last_wait = min(self.remaining(), 2.0)
        await asyncio.gather(
            self.recorder.wait_for_bodies(last_wait),
            self.recorder.wait_for_certificates(last_wait),
        )
        self.recorder.cancel_body_fetches()
        self.recorder.cancel_certificate_fetches()
        self._main_document_failure()

    async def _navigate(self, page: Page) -> None:
        try:
            await page.goto(
                self.url,
                wait_until="commit",
                timeout=self.remaining() * 1000,
                referer=self.options.referer,
            )
        except PlaywrightError as e:
            # The recorder saw the main document's fate; the message is only a fallback.
            if self.recorder.main_failure is None:
                match = _NET_ERROR.search(str(e))
                if match is None and "Download is starting" not in str(e):
                    if "Timeout" in type(e).__name__ or "timeout" in str(e).lower():
                        self.fail(FailureReason.TIMEOUT, "the target did not answer in time")
                    else:
                        self.fail(FailureReason.NETWORK, str(e).splitlines()[0][:300])
                elif match is not None:
                    self.recorder.main_failure = match.group(0)

    async def _read_page(self, page: Page, cdp: CDPSession, context: BrowserContext) -> None:
        capture = self._capture
        share = max(0.5, self.remaining() / 4)
        # The recorder follows every top-level navigation (blob: included, which Playwright's
        # page.url misses) and same-document ones.
        capture.final_url = self.recorder.main_url or page.url
        # Independent reads go out together: their round trips overlap.
        title, dom, text, scripting, cookies, _ = await asyncio.gather(
            self._step("title", readout.title(page, share)),
            self._step("dom", readout.dom(page, cdp, share)),
            self._step("text", readout.visible_text(page, share)),
            self._globals_and_properties(page, share) if self.options.javascript else _nothing(),
            self._step("cookies", readout.cookies(cdp, share)),
            self._step("favicon", self._favicon(page, context, share)),
        )
        capture.title, capture.dom, capture.text = title, dom, text
        capture.globals, capture.js_properties = scripting or ([], {})
        capture.cookies = cookies or []
        # Last: the screenshot may resize the viewport, which would change what the reads see.
        shot = await self._step(
            "screenshot",
            readout.screenshot(
                page, cdp, max_height=self.settings.screenshot_max_height,
                timeout=max(1.0, self.remaining() / 2),
            ),
        )  # fmt: skip
        if shot is not None:
            png, kind = shot
            digest = _keep(self.recorder.blobs, png)
            capture.screenshot_sha256, capture.screenshot_kind = digest, kind

    async def _globals_and_properties(
        self, page: Page, timeout: float
    ) -> tuple[list[JSGlobal], dict[str, str]]:
        """The page's own globals, then the values of the fingerprints' property chains
        (Wappalyzer's ``js``) that start at one of them or at a browser global. Of ~5,600 chains
        a page can hold only those: sending all of them (126 kB) cost every scan ~60 ms of CPU
        in this process and Playwright's driver. A page with more globals than are listed gets
        every chain read."""
        found = await self._step(
            "globals", readout.js_globals(page, self.baseline_globals, timeout)
        )
        chains = fingerprints.js_chains()
        if found is not None and len(found) < readout.MAX_GLOBALS:
            by_root = fingerprints.js_chains_by_root()
            roots = self._baseline_roots | {g.prop for g in found}
            chains = tuple(c for root in roots & by_root.keys() for c in by_root[root])
        if self._decoy_globals:
            chains = tuple(c for c in chains if c.partition(".")[0] not in self._decoy_globals)
        reading = readout.js_properties(page, chains, timeout) if chains else _nothing()
        values = await self._step("js properties", reading)
        return found or [], values or {}

    async def _favicon(self, page: Page, context: BrowserContext, timeout: float) -> None:
        """The page's icon. Chromium's own favicon request is often recorded already; when it is
        not (Playwright keeps some out of the page), fetch it through the same guard proxy."""
        if not self.options.javascript:
            return
        url = await readout.favicon_url(page, timeout)
        seen = [hop for hop in self.recorder.transactions if hop.url == url]
        for hop in seen:
            if hop.body_sha256 and hop.status == 200:
                self._capture.favicon = Favicon(
                    url=url, sha256=hop.body_sha256, mime_type=hop.mime_type
                )
                return
        if seen or not url.startswith(("http://", "https://")):
            return  # Chromium asked already and got no icon: asking again would not help
        response = await context.request.get(url, timeout=timeout * 1000, max_redirects=3)
        body = await response.body()
        if response.ok and 0 < len(body) <= MAX_FAVICON_BYTES:
            digest = _keep(self.recorder.blobs, body)
            self._capture.favicon = Favicon(
                url=url, sha256=digest, mime_type=response.headers.get("content-type")
            )

    async def _step(self, name: str, awaitable: Awaitable[T]) -> T | None:
        """Run one read of the page; a failure or timeout is recorded, never raised."""
        if self.remaining() <= 0:
            self._incomplete(f"{name}: no time left")
            _discard(awaitable)
            return None
        try:
            return await asyncio.wait_for(awaitable, self.remaining())
        except TimeoutError:
            self._incomplete(f"{name}: timed out")
        except PlaywrightError as e:
            self._incomplete(f"{name}: {str(e).splitlines()[0][:200]}")
        return None

    async def _stop_scripts(self, cdp: CDPSession) -> None:
        # Runtime.terminateExecution interrupts a busy main thread, where any other call would
        # wait behind the endless script forever.
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(cdp.send("Runtime.terminateExecution"), 2.0)

    def _incomplete(self, note: str) -> None:
        self._capture.incomplete.append(note)

    def _renderer_crashed(self) -> None:
        """A renderer that died while the memory bound ended processes died of the bound."""
        if self.memory is not None and self.memory.kills() > self._memory_kills:
            self.fail(
                FailureReason.MEMORY,
                f"the page passed the browser's memory bound ({self.settings.browser_memory_mb} "
                f"MB, {self.memory.kind}); its renderer was ended",
            )
        else:
            self.fail(FailureReason.RENDERER_CRASH, "the page's renderer process crashed")

    # ------------------------------------------------------------------ page events

    def _on_new_page(self, page: Page) -> None:
        if page is self._main_page:
            return
        # Pop-ups are recorded by the opener's Page.windowOpen; they are closed, not followed,
        # so a pop-up storm cannot eat the scan.
        task = asyncio.ensure_future(_close_quietly(page))
        self._popup_tasks.add(task)
        task.add_done_callback(self._popup_tasks.discard)

    async def _on_dialog(self, dialog: PlaywrightDialog) -> None:
        if len(self._dialogs) < MAX_DIALOGS:
            self._dialogs.append(
                Dialog(
                    type=dialog.type,
                    message=dialog.message[:2000],
                    default_value=dialog.default_value or None,
                    url=self.recorder.main_url,
                )
            )
        with contextlib.suppress(PlaywrightError):
            await dialog.dismiss()

    def _on_crash(self, page: Page) -> None:
        self.recorder.crashed = True
        self.recorder.changed.set()

    def _on_download(self, download: PlaywrightDownload) -> None:
        record = Download(url=download.url, suggested_filename=download.suggested_filename)
        self._downloads.append(record)
        task = asyncio.ensure_future(self._save_download(download, record))
        self._download_tasks.add(task)
        task.add_done_callback(self._download_tasks.discard)

    async def _save_download(self, download: PlaywrightDownload, record: Download) -> None:
        """Hash and keep a download under the size cap. It is never opened."""
        cap = self.settings.max_download_bytes
        hop = self._last_hop(download.url)
        declared = _content_length(hop.response_headers) if hop is not None else None
        record.mime_type = hop.mime_type if hop is not None else None
        if declared is not None and declared > cap:
            record.size, record.note = declared, f"larger than {cap} bytes: cancelled"
            await download.cancel()
            return
        try:
            path = await asyncio.wait_for(download.path(), self.remaining())
        except TimeoutError:
            record.note = "still downloading when the scan ended: cancelled"
            await download.cancel()
            return
        except PlaywrightError as e:
            if download.url in self.download_limits.cancelled:
                record.size = self.download_limits.cancelled[download.url]
                record.note = f"larger than {cap} bytes: cancelled while downloading"
            else:
                record.note = f"download failed: {str(e).splitlines()[0][:200]}"
            return
        size = path.stat().st_size
        record.size = size
        if size > cap:
            record.note = f"larger than {cap} bytes: not kept"
            return
        data = path.read_bytes()
        record.sha256 = _keep(self.recorder.blobs, data)
        record.saved = True

    def _last_hop(self, url: str) -> Transaction | None:
        for hop in reversed(self.recorder.transactions):
            if hop.url == url and hop.status is not None:
                return hop
        return None

    async def _finish_downloads(self) -> None:
        if self._download_tasks:
            await asyncio.wait(set(self._download_tasks), timeout=max(0.01, self.remaining()))
        for task in self._download_tasks:
            task.cancel()

    # ------------------------------------------------------------------ result

    def _main_document_failure(self) -> None:
        """A scan fails when its last main-frame document never loaded."""
        error = self.recorder.main_failure
        if error is None:
            return
        documents = [hop for hop in self.recorder.transactions if hop.is_main_frame]
        last = documents[-1] if documents else None
        if last is not None and last.failed == "net::ERR_ABORTED" and self._downloads:
            return  # the navigation became a download: that is the result, not a failure
        guard = None
        if last is not None and error in _GUARD_ERRORS:
            guard = self.proxy.blocked_reason_for(*host_and_port(last.url))
        reason = failure_reason(error, guard)
        target = last.url if last is not None else self.url
        detail = f" ({guard})" if guard else ""
        self._failure = Failure(
            reason=reason, message=f"{target}: {error}{detail}", net_error=error
        )

    def snapshot(self, failure: Failure | None = None) -> RawCapture:
        """The capture as it stands; callable at any time, including after a hard timeout."""
        if failure is not None and self._failure is None:
            self._failure = failure
        capture = self._capture.model_copy()
        recorder = self.recorder
        for hop in recorder.transactions:
            host, port = host_and_port(hop.url)
            if hop.status is not None and not hop.from_cache:
                hop.remote_ip = self.proxy.resolved.get(host.lower())
                hop.remote_port = port
            elif hop.failed in _GUARD_ERRORS:
                hop.blocked = self.proxy.blocked_reason_for(host, port)
        capture.finished_at = datetime.now(UTC)
        capture.transactions = list(recorder.transactions)
        capture.console = list(recorder.console)
        capture.navigations = list(recorder.navigations)
        capture.popups = list(recorder.popups)
        capture.timing = dict(recorder.timing)
        capture.dialogs = list(self._dialogs)
        capture.downloads = list(self._downloads)
        capture.resolved = dict(self.proxy.resolved)
        capture.blocked = list(self.proxy.blocked) + list(self.records.webrtc)
        capture.failure = self._failure
        capture.final_url = capture.final_url or recorder.main_url
        capture.user_agent = self.options.user_agent or _user_agent(recorder.transactions)
        capture.certificates, certificate_notes = recorder.certificate_chains()
        capture.incomplete = list(self._capture.incomplete) + certificate_notes
        capture.decoy_accounts = decoys.decoy_accounts(self.options)
        capture.wallet_calls = list(self.records.wallet_calls)
        capture.clipboard = list(self.records.clipboard)
        if self.proxy.budget_spent:
            capture.incomplete.append(
                f"network: the scan's byte budget ({self.settings.max_scan_bytes} bytes, or the "
                "browser's shared one) was spent; later data was cut and connections refused"
            )
        if self.records.dropped:
            capture.incomplete.append(
                f"decoy records: {self.records.dropped} past the limits were not kept"
            )
        capture.clicked = list(self._clicked)
        capture.blobs = recorder.blobs
        return capture

    async def _close(self, context: BrowserContext) -> None:
        try:
            await asyncio.wait_for(context.close(), CONTEXT_CLOSE_TIMEOUT)
        except (TimeoutError, PlaywrightError):
            self.context_wedged = True


async def _nothing() -> None:
    return None


def _user_agent(transactions: list[Transaction]) -> str | None:
    for hop in transactions:
        for name, value in hop.request_headers.items():
            if name.lower() == "user-agent":
                return value
    return None


def _content_length(headers: dict[str, str]) -> int | None:
    for name, value in headers.items():
        if name.lower() == "content-length" and value.strip().isdigit():
            return int(value)
    return None


def _keep(blobs: dict[str, bytes], data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    blobs.setdefault(digest, data)
    return digest


def _discard(awaitable: Awaitable[Any]) -> None:
    if asyncio.iscoroutine(awaitable):
        awaitable.close()


async def _close_quietly(page: Page) -> None:
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(page.close(), 5)
