"""What a browser pool does to start fast: Node's compile cache for Playwright's driver, no
renderer for the browser's own UI, a warm-up window for long-running pools (worker.py). The
baseline globals' cache has its own tests (test_baseline.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from spyglass.capture import browser
from spyglass.capture.browser import BrowserPool
from tests.testweb import TestWeb

# --------------------------------------------------------------------------- Node's compile cache


def test_the_driver_is_compiled_into_the_private_cache_folder(tmp_path: Path) -> None:
    code = (
        "import asyncio\n"
        "from playwright.async_api import async_playwright\n"
        "from spyglass.capture.browser import use_compile_cache\n"
        "async def main():\n"
        "    use_compile_cache()\n"
        "    await (await async_playwright().start()).stop()\n"
        "asyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NODE_COMPILE_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    folder = tmp_path / "spyglass"
    assert folder.stat().st_mode & 0o777 == 0o700  # the browser's user cannot plant code
    assert list((folder / browser.NODE_CACHE_FOLDER).iterdir())  # Node wrote its cache


def test_a_compile_cache_set_by_the_user_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("NODE_COMPILE_CACHE", "/elsewhere")
    browser.use_compile_cache()
    assert os.environ["NODE_COMPILE_CACHE"] == "/elsewhere"


def test_no_compile_cache_without_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spyglass").write_text("a file where the folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    browser.use_compile_cache()
    assert "NODE_COMPILE_CACHE" not in os.environ


# --------------------------------------------------------------------------- the browser's UI


async def test_a_window_has_no_address_bar_webui(pool: BrowserPool) -> None:
    """Chromium 156 makes the address bar's drop-downs WebUI pages (``chrome://omnibox-popup.
    top-chrome/``), one renderer per window, unless WebUIOmniboxPopup and WebUIOmniboxAimPopup
    are off: a renamed feature would bring them back silently."""
    assert pool._browser is not None
    session = await pool._browser.new_browser_cdp_session()
    try:
        seen: list[str] = []
        context = await pool._browser.new_context()
        try:
            page = await context.new_page()
            await page.goto("about:blank")  # a window like a scan's (no proxy: nothing else)
            targets = (await session.send("Target.getTargets"))["targetInfos"]
            seen = [t["url"] for t in targets if t["type"] != "page"]
        finally:
            await context.close()
    finally:
        await session.detach()
    assert not [url for url in seen if url.startswith("chrome://")]


# --------------------------------------------------------------------------- warm-up


async def test_warm_up_leaves_nothing_open_and_counts_no_scan(
    pool: BrowserPool, web: TestWeb
) -> None:
    assert pool._browser is not None
    scans, launches, contexts = pool.scans, pool.launches, len(pool._browser.contexts)
    await pool.warm_up()
    assert (pool.scans, pool.launches, len(pool._browser.contexts)) == (scans, launches, contexts)
    after = await pool.capture(web.url("plain.test"))
    assert after.failure is None and after.title == "Plain page"
