"""BrowserPool: one Debian Chromium per worker, a fresh context per scan.

Launching a browser per scan (as Lookyloo's capture library does) costs a driver and a browser
start every time; a context is cheap and as isolated for our purposes (own cookies, cache,
storage, proxy). The pool relaunches the browser after a crash, after a scan that wedged it, and
every ``settings.relaunch_every`` scans.

Each browser runs as an unprivileged user inside Chromium's sandbox, with an environment and
folders of its own (``sandbox.py``), under a memory bound (``memory.py``); the scans of one
browser share a byte budget (``proxy.ByteBudget``: its disk budget). Where the sandbox cannot
start, the pool refuses to (``SandboxUnavailable``) unless ``settings.allow_unsandboxed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from types import TracebackType

from playwright.async_api import Browser, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from spyglass import diskcache
from spyglass.capture import baseline
from spyglass.capture.memory import MemoryBound, cgroup_name, memory_bound
from spyglass.capture.proxy import ByteBudget
from spyglass.capture.sandbox import (
    SANDBOX_FAILURE_TEXT,
    BrowserHome,
    browser_environment,
    browser_user,
    write_launcher,
)
from spyglass.capture.session import ScanSession
from spyglass.errors import BrowserError, SandboxUnavailable
from spyglass.models import Failure, FailureReason, Isolation, RawCapture, ScanOptions
from spyglass.netpolicy import check_target
from spyglass.settings import Settings

log = logging.getLogger("spyglass.capture.browser")

# Time the pool grants beyond a scan's own limit (closing the context, last bodies) before it
# declares the browser wedged and kills it.
HARD_LIMIT_GRACE = 10.0
LAUNCH_TIMEOUT = 30.0


def chromium_args(settings: Settings, *, sandbox: bool = True) -> list[str]:
    """The switches of every browser we launch. Each must be one this Chromium knows: an unknown
    switch is silently ignored, and a protection with it (tests/capture/test_switches.py)."""
    args = [
        "--headless=new",
        "--disable-gpu",
        # QUIC is UDP: it would not go through the SOCKS guard proxy.
        "--disable-quic",
        # WebRTC sends UDP (STUN, TURN, peer candidates) that no proxy sees: only proxied TCP.
        "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--no-first-run",
        # Chromium's own background traffic (updates, safe browsing, sync) is not the page's.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--mute-audio",
        "--hide-scrollbars",
        # Small /dev/shm in containers crashes renderers on large pages.
        "--disable-dev-shm-usage",
        # IsolateOrigins, SitePerProcess: keep cross-site iframes in the page's process, so the
        # page's DevTools session records their requests too. The others are Chromium's own
        # calls home (autofill field types for pages with forms, translation, hints), which
        # would otherwise show up in a scan as if the page had made them. WebUIOmnibox*Popup:
        # every window (one per scan's context) would start a renderer of its own for the
        # address bar's drop-downs, which nobody sees headless: ~0.3 s of CPU for the first
        # window (a cold scan's only one), ~0.1 s for later ones.
        "--disable-features=IsolateOrigins,SitePerProcess,AutofillServerCommunication,"
        "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
        "WebUIOmniboxPopup,WebUIOmniboxAimPopup",
        # Chromium resolves no name and reaches no address on its own: every connection must go
        # through the per-scan guard proxy at 127.0.0.1 (which does the resolving).
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--js-flags=--max-old-space-size={settings.renderer_heap_mb}",
    ]
    if not sandbox:
        # Only with SPYGLASS_ALLOW_UNSANDBOXED, where the kernel cannot give Chromium its sandbox.
        args.append("--no-sandbox")
    if settings.trusted_spki:
        args.append("--ignore-certificate-errors-spki-list=" + ",".join(settings.trusted_spki))
    return args


NODE_CACHE_FOLDER = "node-compile-cache"


def use_compile_cache() -> None:
    """Have Node keep the code of Playwright's driver compiled between processes: a driver then
    starts in ~0.27 s instead of ~0.39 s, on every cold scan. The driver inherits this process's
    environment (``NODE_COMPILE_CACHE``, unless already set); Node keys each entry by its
    version and the source's hash, and uses nothing compiled from other code. The folder is
    our private cache folder, which the browser's user cannot write to."""
    if "NODE_COMPILE_CACHE" in os.environ:
        return
    folder = diskcache.private_cache_dir()
    if folder is not None:
        os.environ["NODE_COMPILE_CACHE"] = str(folder / NODE_CACHE_FOLDER)


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
        self.baseline_from_cache = False  # the last launch's baseline came from the disk cache
        self._lock = asyncio.Lock()
        self._active = 0
        self._needs_relaunch = False
        self.user = browser_user(settings.browser_user)
        self.sandboxed = True
        self.budget = ByteBudget(settings.max_browser_bytes)
        self.home: BrowserHome | None = None
        self.memory: MemoryBound | None = None
        self._watch: asyncio.Task[None] | None = None

    @property
    def isolation(self) -> Isolation:
        return Isolation(
            sandbox=self.sandboxed,
            user=self.user.name,
            uid=self.user.uid,
            memory_bound=self.memory.kind if self.memory is not None else "none",
            memory_mb=self.settings.browser_memory_mb,
        )

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
            use_compile_cache()
            self._playwright = await async_playwright().start()
        try:
            await self._launch()
        except BaseException:
            await self.close()  # ``async with`` will not: the driver must not outlive us
            raise

    async def warm_up(self) -> None:
        """Open a blank window and close it. A browser's first window is slower than the next
        ones (its renderer machinery starts): a long-running pool calls this before taking work
        so that its first scan costs what the later ones do. A one-off scan should not: there
        it would only add to the one scan's time."""
        browser = await self._browser_for_scan()
        context = await browser.new_context()
        try:
            await context.new_page()
        finally:
            await context.close()

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
            self._playwright, browser, target, options, self.settings, self._baseline,
            budget=self.budget, memory=self.memory, isolation=self.isolation,
        )  # fmt: skip
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
            self._browser = await self._start_browser()
        except PlaywrightError as e:
            if SANDBOX_FAILURE_TEXT not in str(e) or not self.sandboxed:
                raise BrowserError(
                    f"cannot start Chromium at {self.settings.chromium_path}: "
                    f"{str(e).splitlines()[0]}"
                ) from e
            if not self.settings.allow_unsandboxed:
                raise SandboxUnavailable(
                    "Chromium's sandbox cannot start here (a kernel without user namespaces?); "
                    "refusing to scan without it. Set SPYGLASS_ALLOW_UNSANDBOXED=1 to run "
                    "unsandboxed anyway (reports and /healthz will say so)."
                ) from e
            log.warning("Chromium's sandbox cannot start: running unsandboxed, as allowed")
            self.sandboxed = False
            self._browser = await self._start_browser()
        self.launches += 1
        self._since_launch = 0
        self._needs_relaunch = False
        # From the on-disk cache when this very browser recorded it before (baseline.py).
        recorded = await baseline.baseline_globals(self._browser)
        self._baseline, self.baseline_from_cache = recorded.globals, recorded.from_cache

    async def _start_browser(self) -> Browser:
        """One Chromium: its own folders, memory bound and launcher (see ``sandbox.py``)."""
        assert self._playwright is not None
        self._release_browser_resources()
        self.home = home = BrowserHome.create(self.user)
        self.memory = memory_bound(
            self.settings.browser_memory_mb,
            cgroup_name(os.getpid(), f"{id(self):x}-{self.launches}"),
            self.settings.memory_bound,
        )
        launcher = write_launcher(
            home, self.settings.chromium_path, self.user, self.memory.procs_file()
        )
        # Playwright types env as a dict of str | float | bool (a dict is invariant in its values).
        environment: dict[str, str | float | bool] = dict(browser_environment(home))
        try:
            browser = await self._playwright.chromium.launch(
                executable_path=str(launcher),
                args=chromium_args(self.settings, sandbox=self.sandboxed),
                env=environment,
                downloads_path=str(home.downloads),
                chromium_sandbox=self.sandboxed,
                timeout=LAUNCH_TIMEOUT * 1000,
            )
        except BaseException:
            self._release_browser_resources()
            raise
        self._watch = asyncio.ensure_future(self.memory.watch(home.pidfile))
        return browser

    def _release_browser_resources(self) -> None:
        """The folders, memory bound and watchdog of a browser that is gone."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self.memory is not None:
            self.memory.close()
            self.memory = None
        if self.home is not None:
            self.home.remove()
            self.home = None

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
        self._release_browser_resources()


async def check_browser(settings: Settings) -> Isolation:
    """Start a browser as scans will and stop it: how scans will be isolated, or the reason they
    cannot be (``SandboxUnavailable``, ``BrowserError``) before a service takes any work."""
    async with BrowserPool(settings) as pool:
        return pool.isolation
