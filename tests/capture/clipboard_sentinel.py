"""The analyst's own clipboard, for tests that check a scan never writes it.

Chromium keeps one clipboard for all contexts of a browser. ``sentinel_clipboard(pool)`` opens
a context of the pool's browser with clipboard permissions, writes a sentinel there and yields
a function that says whether the sentinel is still what that clipboard (and the host's own
clipboard tools, where any are installed) holds.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from spyglass.capture.browser import BrowserPool
from tests.testweb import TestWeb

SENTINEL = "sentinel: the analyst's own clipboard"
_READERS = {
    "xclip": ["xclip", "-selection", "clipboard", "-o"],
    "xsel": ["xsel", "--clipboard", "--output"],
    "wl-paste": ["wl-paste", "--no-newline"],
}


@asynccontextmanager
async def sentinel_clipboard(
    pool: BrowserPool, web: TestWeb
) -> AsyncIterator[Callable[[], Awaitable[bool]]]:
    await pool.capture(web.url("plain.test"))  # the browser the scans after this will use
    browser = pool._browser
    assert browser is not None
    launches = pool.launches
    context = await browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        # Served by Playwright itself: the browser reaches no host on its own (host rules).
        await context.route(
            "https://analyst.test/",
            lambda route: route.fulfill(body="<title>notes</title>", content_type="text/html"),
        )
        page = await context.new_page()
        await page.goto("https://analyst.test/")
        await page.evaluate("(text) => navigator.clipboard.writeText(text)", SENTINEL)
        assert await page.evaluate("() => navigator.clipboard.readText()") == SENTINEL
        system_before = _system_clipboard()

        async def untouched() -> bool:
            assert pool.launches == launches  # the same browser, the same clipboard
            await page.bring_to_front()
            held = await page.evaluate("() => navigator.clipboard.readText()")
            return held == SENTINEL and _system_clipboard() == system_before

        yield untouched
    finally:
        await context.close()


def _system_clipboard() -> dict[str, bytes]:
    """What the host's clipboard tools (if any) hold now."""
    held = {}
    for tool, command in _READERS.items():
        if shutil.which(tool):
            result = subprocess.run(command, capture_output=True, timeout=5, check=False)
            held[tool] = result.stdout + result.stderr
    return held
