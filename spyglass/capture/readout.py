"""What is read off a settled page: DOM, visible text, title, JS globals, the values of
fingerprint property chains, cookies, screenshot.

Each function is bounded by a timeout because a hostile page can stall any of them
(``page.content()`` and full-page screenshots are known to hang). The session records a step that
failed as incomplete and moves on.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
from collections.abc import Sequence
from typing import Any, Literal

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from spyglass.models import Cookie, JSGlobal

MAX_GLOBALS = 500
MAX_JS_VALUE_CHARS = 200
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

# Runs in the page's own world (the values live there), so everything the page defined can
# fight back: each chain is read under its own try, no object is converted to text (toString
# could be the page's), and the result is checked again in Python. Wappalyzer follows own
# properties only; inherited ones are followed too unless they come from Object's or
# Function's prototype: Bootstrap 5 keeps VERSION on a base class (bootstrap.Alert.VERSION).
_JS_PROPERTIES_JS = """
(groups, maxChars) => {
  const found = {};
  const own = Object.prototype.hasOwnProperty;
  const builtin = (key) => key in Object.prototype || key in Function.prototype;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];  // [global, "" for the global itself or ".rest" of a chain, ...]
    try {
      if (!(group[0] in window)) continue;
    } catch (e) {
      continue;  // a global whose very presence check throws
    }
    for (let i = 1; i < group.length; i++) {
      const chain = group[0] + group[i];
      try {
        const keys = chain.split('.');
        let value = window;
        let exists = true;
        for (let k = 0; k < keys.length; k++) {
          const kind = typeof value;
          const key = keys[k];
          if (value === null || (kind !== 'object' && kind !== 'function') || !(key in value)
              || (!own.call(value, key) && builtin(key))) { exists = false; break; }
          value = value[key];
        }
        if (!exists || value === undefined) continue;
        const kind = typeof value;
        if (kind === 'string') found[chain] = value.slice(0, maxChars);
        else if (kind === 'number' || kind === 'boolean' || kind === 'bigint')
          found[chain] = String(value).slice(0, maxChars);
        else found[chain] = '';  // an object or function that exists
      } catch (e) {
        // a throwing getter or Proxy trap: this chain is not read
      }
    }
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


async def dom(page: Page, cdp: CDPSession, timeout: float) -> str:
    try:
        return await asyncio.wait_for(page.content(), timeout)
    except (TimeoutError, PlaywrightError):
        # page.content() waits on the page's JS world; DOM.getOuterHTML does not.
        document = await asyncio.wait_for(cdp.send("DOM.getDocument", {"depth": 0}), timeout)
        result = await asyncio.wait_for(
            cdp.send("DOM.getOuterHTML", {"nodeId": document["root"]["nodeId"]}), timeout
        )
        html: str = result["outerHTML"]
        return html


async def visible_text(page: Page, timeout: float) -> str:
    text = await asyncio.wait_for(page.evaluate(_TEXT_JS), timeout)
    return (text or "")[:MAX_TEXT_CHARS]


async def title(page: Page, timeout: float) -> str:
    return await asyncio.wait_for(page.title(), timeout)


async def js_globals(page: Page, baseline: list[str], timeout: float) -> list[JSGlobal]:
    found = await asyncio.wait_for(page.evaluate(_GLOBALS_JS, [baseline, MAX_GLOBALS]), timeout)
    return [JSGlobal(**item) for item in found]


async def js_properties(page: Page, chains: Sequence[str], timeout: float) -> dict[str, str]:
    """The values the page holds for fingerprint property chains (``"jQuery.fn.jquery"`` ->
    ``"3.7.1"``, ``""`` for an object), in one evaluation; only the chains that exist."""
    if not chains:
        return {}
    found = await asyncio.wait_for(page.evaluate(_js_properties_call(tuple(chains))), timeout)
    if not isinstance(found, dict):
        return {}
    asked = set(chains)
    return {
        chain: value[:MAX_JS_VALUE_CHARS]
        for chain, value in found.items()
        if chain in asked and isinstance(value, str)
    }


@functools.lru_cache(maxsize=4)
def _js_properties_call(chains: tuple[str, ...]) -> str:
    """The reading as one expression, the chains written into it grouped by their global.

    Not an argument: Playwright's serialisation of 5,000 strings costs hundreds of
    milliseconds per call, the page's own parsing of the same JSON about one.
    """
    groups: dict[str, list[str]] = {}
    for chain in chains:
        root, dot, rest = chain.partition(".")
        groups.setdefault(root, [root]).append(dot + rest)
    literal = json.dumps(list(groups.values()), separators=(",", ":"))
    return f"({_JS_PROPERTIES_JS.strip()})({literal}, {MAX_JS_VALUE_CHARS})"


async def cookies(cdp: CDPSession, timeout: float) -> list[Cookie]:
    result = await asyncio.wait_for(cdp.send("Network.getAllCookies"), timeout)
    return [Cookie.model_validate(c) for c in result.get("cookies", [])]


async def favicon_url(page: Page, timeout: float) -> str:
    return await asyncio.wait_for(page.evaluate(_ICON_JS), timeout)


async def screenshot(
    page: Page, cdp: CDPSession, *, max_height: int, timeout: float
) -> tuple[bytes, Literal["full_page", "viewport"]]:
    """A PNG of the page down to ``max_height``, by the first rung of the ladder that works in time.

    1. an ordinary page: the whole page (``captureBeyondViewport``) clipped to ``max_height``;
    2. a giant page (a few MB of text is ~700,000 px): grow the viewport to ``max_height`` and
       capture it -- full-page capture of such a page takes Chromium tens of seconds;
    3. the viewport as it is.

    Straight from DevTools with ``optimizeForSpeed`` (Playwright's screenshot cannot ask for it):
    on the test web's pages Chromium encodes in half the time (news page, 1280x2000: 103 ms
    instead of 205 ms) for a file 1.4-1.9 times larger, which also decodes in half the time
    (the screenshot hash in ``analyze/detect/identifiers.py``). The viewport is left resized:
    the screenshot is the last thing read off the page.
    """
    share = timeout / 3
    viewport = page.viewport_size or {"width": 1280, "height": 720}
    try:
        width, height = await asyncio.wait_for(page.evaluate(_SIZE_JS), share)
        if height > viewport["height"] and height <= GIANT_PAGE_FACTOR * max_height:
            clip = {"x": 0, "y": 0, "width": max(1, min(width, viewport["width"])),
                    "height": min(height, max_height), "scale": 1}  # fmt: skip
            return await _devtools_png(cdp, share, clip), "full_page"
        if height > viewport["height"]:
            await asyncio.wait_for(
                page.set_viewport_size({"width": viewport["width"], "height": max_height}), share
            )
            return await _devtools_png(cdp, share), "full_page"
    except (TimeoutError, PlaywrightError):
        pass  # next rung
    return await _devtools_png(cdp, share), "viewport"


async def _devtools_png(
    cdp: CDPSession, timeout: float, clip: dict[str, float] | None = None
) -> bytes:
    params: dict[str, Any] = {"format": "png", "optimizeForSpeed": True}
    if clip is not None:
        params |= {"clip": clip, "captureBeyondViewport": True}
    result: dict[str, Any] = await asyncio.wait_for(
        cdp.send("Page.captureScreenshot", params), timeout
    )
    return base64.b64decode(result["data"])
