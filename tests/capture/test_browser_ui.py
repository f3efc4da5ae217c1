"""The browser's own UI starts no renderer of its own: headless, nobody sees it, and each one
costs every scan's window CPU (capture/browser.py, ``chromium_args``)."""

from __future__ import annotations

from spyglass.capture.browser import BrowserPool


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
