"""BrowserPool: one Debian Chromium per worker, a fresh context per scan.

Launching a browser per scan (as Lookyloo's capture library does) costs a driver and a browser
start every time; a context is cheap and as isolated for our purposes (own cookies, cache,
storage, proxy). The pool relaunches the browser after a crash, after a scan that wedged it, and
every ``settings.relaunch_every`` scans.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from playwright.async_api import Browser, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from spyglass.capture import artifacts
from spyglass.capture.guard import check_target
from spyglass.capture.session import ScanSession
from spyglass.errors import BrowserError
from spyglass.models import Failure, FailureReason, RawCapture, ScanOptions
from spyglass.settings import Settings

# Time the pool grants beyond a scan's own limit (closing the context, last bodies) before it
# declares the browser wedged and kills it.
HARD_LIMIT_GRACE = 10.0
LAUNCH_TIMEOUT = 30.0


def chromium_args(settings: Settings) -> list[str]:
    args = [
        "--headless=new",
        # As root in a container Chromium's own sandbox cannot start; isolation comes from a
        # throwaway context and the guard proxy.
        "--no-sandbox",
        "--disable-gpu",
        # QUIC is UDP: it would not go through the SOCKS guard proxy.
        "--disable-quic",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--no-first-run",
        # Chromium's own background traffic (updates, safe browsing, sync) is not the page's.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-client-side-phishing-detection",
        "--disable-domain-reliability",
        "--mute-audio",
        "--hide-scrollbars",
        # Small /dev/shm in containers crashes renderers on large pages.
        "--disable-dev-shm-usage",
        # IsolateOrigins, site-per-process: keep cross-site iframes in the page's process, so the
        # page's DevTools session records their requests too. The others are Chromium's own
        # calls home (autofill field types for pages with forms, translation, hints), which
        # would otherwise show up in a scan as if the page had made them.
        "--disable-features=IsolateOrigins,site-per-process,AutofillServerCommunication,"
        "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
        # Chromium resolves no name and reaches no address on its own: every connection must go
        # through the per-scan guard proxy at 127.0.0.1 (which does the resolving).
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--js-flags=--max-old-space-size={settings.renderer_heap_mb}",
    ]
    if settings.trusted_spki:
        args.append("--ignore-certificate-errors-spki-list=" + ",".join(settings.trusted_spki))
    return args


class BrowserPool:
    """``async with BrowserPool(settings) as pool: capture = await pool.capture(url, options)``.

    Captures may run concurrently: each gets its own context in the one browser.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.scans = 0
        self.launches = 0
        self._since_launch = 0
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._baseline: list[str] = []
        self._lock = asyncio.Lock()
        self._active = 0
        self._needs_relaunch = False

    async def __aenter__(self) -> BrowserPool:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        await self._launch()

    async def close(self) -> None:
        await self._close_browser()
        if self._playwright is not None:
            with contextlib.suppress(Exception):  # the driver may already be gone
                await self._playwright.stop()
            self._playwright = None

    async def capture(self, url: str, options: ScanOptions | None = None) -> RawCapture:
        """Scan ``url``. Input and policy errors raise before any page is opened; anything the
        page does ends up in the returned capture (``failure``, ``incomplete``)."""
        options = options or ScanOptions()
        target = await check_target(url, options, self.settings)
        browser = await self._browser_for_scan()
        assert self._playwright is not None
        session = ScanSession(
            self._playwright, browser, target, options, self.settings, self._baseline
        )
        self._active += 1
        try:
            return await asyncio.wait_for(session.run(), options.timeout + HARD_LIMIT_GRACE)
        except TimeoutError:
            self._needs_relaunch = True
            return session.snapshot(
                Failure(reason=FailureReason.TIMEOUT, message="the scan overran its time limit")
            )
        except PlaywrightError as e:
            if browser.is_connected():
                raise BrowserError(f"the browser failed during the scan: {e}") from e
            self._needs_relaunch = True
            return session.snapshot(
                Failure(reason=FailureReason.BROWSER_CRASH, message="the browser process died")
            )
        finally:
            self._active -= 1
            self.scans += 1
            self._since_launch += 1
            if session.context_wedged:
                self._needs_relaunch = True

    async def _browser_for_scan(self) -> Browser:
        async with self._lock:
            stale = self._needs_relaunch or self._since_launch >= self.settings.relaunch_every
            if (
                self._browser is None
                or not self._browser.is_connected()
                or (stale and self._active == 0)
            ):
                await self._launch()
            assert self._browser is not None
            return self._browser

    async def _launch(self) -> None:
        await self._close_browser()
        assert self._playwright is not None
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.settings.chromium_path,
                args=chromium_args(self.settings),
                timeout=LAUNCH_TIMEOUT * 1000,
            )
        except PlaywrightError as e:
            raise BrowserError(
                f"cannot start Chromium at {self.settings.chromium_path}: {str(e).splitlines()[0]}"
            ) from e
        self.launches += 1
        self._since_launch = 0
        self._needs_relaunch = False
        context = await self._browser.new_context()
        try:
            page = await context.new_page()
            await page.clock.install()  # a scan's page has the fake clock's globals too
            self._baseline = await artifacts.baseline_globals(page)
        finally:
            await context.close()

    async def _close_browser(self) -> None:
        browser, self._browser = self._browser, None
        if browser is None:
            return
        try:
            await asyncio.wait_for(browser.close(), 10)
        except (TimeoutError, PlaywrightError):
            # A wedged browser does not close politely; restarting the driver kills it.
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await self._playwright.stop()
                self._playwright = await async_playwright().start()
