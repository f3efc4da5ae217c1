"""What is read off a settled page: DOM, visible text, title, JS globals, cookies, screenshot.

Each function is bounded by a timeout because a hostile page can stall any of them
(``page.content()`` and full-page screenshots are known to hang). The session records a step that
failed as incomplete and moves on.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any, Literal

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from spyglass.models import Cookie, JSGlobal

MAX_GLOBALS = 500
MAX_TEXT_CHARS = 2_000_000
# Pages taller than this many screenshot heights are "giant" (see screenshot()).
GIANT_PAGE_FACTOR = 3

_GLOBALS_JS = """
([baseline, limit]) => {
  const known = new Set(baseline);
  const found = [];
  for (const prop of Object.getOwnPropertyNames(window)) {
    if (known.has(prop) || prop.startsWith('__pw') || prop.startsWith('__playwright')) continue;
    let type;
    try { type = typeof window[prop]; } catch (e) { type = 'inaccessible'; }
    found.push({prop, type});
    if (found.length >= limit) break;
  }
  return found;
}
"""

_TEXT_JS = """() => document.body ? document.body.innerText
  : (document.documentElement ? document.documentElement.textContent : '')"""
_SIZE_JS = """() => { const root = document.documentElement;
  return root ? [root.scrollWidth, root.scrollHeight] : [0, 0]; }"""
_ICON_JS = """() => {
  const link = document.querySelector('link[rel~="icon" i], link[rel="shortcut icon" i]');
  return link ? link.href : new URL('/favicon.ico', location.href).href; }"""


async def baseline_globals(page: Page) -> list[str]:
    """The window properties a blank page has in this browser: not the page's own."""
    return await page.evaluate("() => Object.getOwnPropertyNames(window)")


async def dom(page: Page, cdp: CDPSession, timeout: float) -> str:
    try:
        return await asyncio.wait_for(page.content(), timeout)
    except (TimeoutError, PlaywrightError):
        # page.content() waits on the page's JS world; DOM.getOuterHTML does not.
        document = await asyncio.wait_for(cdp.send("DOM.getDocument", {"depth": 0}), timeout)
        result = await asyncio.wait_for(
            cdp.send("DOM.getOuterHTML", {"nodeId": document["root"]["nodeId"]}), timeout
        )
        return result["outerHTML"]


async def visible_text(page: Page, timeout: float) -> str:
    text = await asyncio.wait_for(page.evaluate(_TEXT_JS), timeout)
    return (text or "")[:MAX_TEXT_CHARS]


async def title(page: Page, timeout: float) -> str:
    return await asyncio.wait_for(page.title(), timeout)


async def js_globals(page: Page, baseline: list[str], timeout: float) -> list[JSGlobal]:
    found = await asyncio.wait_for(page.evaluate(_GLOBALS_JS, [baseline, MAX_GLOBALS]), timeout)
    return [JSGlobal(**item) for item in found]


async def cookies(cdp: CDPSession, timeout: float) -> list[Cookie]:
    result = await asyncio.wait_for(cdp.send("Network.getAllCookies"), timeout)
    return [Cookie.model_validate(c) for c in result.get("cookies", [])]


async def favicon_url(page: Page, timeout: float) -> str:
    return await asyncio.wait_for(page.evaluate(_ICON_JS), timeout)


async def screenshot(
    page: Page, cdp: CDPSession, *, max_height: int, timeout: float
) -> tuple[bytes, Literal["full_page", "viewport"]]:
    """A PNG of the page down to ``max_height``, by the first rung of the ladder that works in time.

    1. an ordinary page: Playwright's full-page screenshot clipped to ``max_height``;
    2. a giant page (a few MB of text is ~700,000 px): grow the viewport to ``max_height`` and
       capture it -- full-page capture of such a page takes Chromium tens of seconds;
    3. the viewport straight from DevTools, which waits for neither fonts nor animations.

    The viewport is left resized: the screenshot is the last thing read off the page.
    """
    share = timeout / 3
    viewport = page.viewport_size or {"width": 1280, "height": 720}
    try:
        width, height = await asyncio.wait_for(page.evaluate(_SIZE_JS), share)
        if height > viewport["height"] and height <= GIANT_PAGE_FACTOR * max_height:
            clip = {"x": 0, "y": 0, "width": max(1, min(width, viewport["width"])),
                    "height": min(height, max_height)}  # fmt: skip
            png = await page.screenshot(full_page=True, clip=clip, timeout=share * 1000)
            return png, "full_page"
        if height > viewport["height"]:
            await asyncio.wait_for(
                page.set_viewport_size({"width": viewport["width"], "height": max_height}), share
            )
            return await _devtools_png(cdp, share), "full_page"
    except (TimeoutError, PlaywrightError):
        pass  # next rung
    return await _devtools_png(cdp, share), "viewport"


async def _devtools_png(cdp: CDPSession, timeout: float) -> bytes:
    result: dict[str, Any] = await asyncio.wait_for(
        cdp.send("Page.captureScreenshot", {"format": "png"}), timeout
    )
    return base64.b64decode(result["data"])
