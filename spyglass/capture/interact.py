"""Click what a lure asks the visitor to click, once the page has settled.

Drainers often wait for "Connect wallet" or "Claim" before they ask the wallet anything, and
paste-and-run pages put their command in the clipboard only when "I'm not a robot" or "Copy" is
clicked. Only such controls are clicked: buttons, ARIA buttons and checkboxes, and links that lead
nowhere (``#``, ``javascript:``) whose label asks for it; never a form's submit button where the
form has fields to fill, never a link to another page. After each click the page may run again
(the settle rule, its fake clock included).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from playwright.async_api import ElementHandle, Frame, Page
from playwright.async_api import Error as PlaywrightError

from spyglass.capture.recorder import Recorder
from spyglass.capture.settle import settle

MAX_CLICKS = 4
MAX_FRAMES = 6
CLICK_TIMEOUT = 1.5
FIND_TIMEOUT = 1.0

# Runs in the page (its main world: visibility and labels are the page's). Returns the
# candidates in document order as [element, label] pairs.
_FIND_JS = r"""
() => {
  const WANTED = new RegExp('\\b(connect|claim|airdrop|mint|verify|verification|not a robot'
    + "|(i am|i['\\u2019]m|you are|are you) (a )?human|human verification"
    + '|copy|fix|wallet|eligib\\w*|continue)\\b', 'i');
  const CONTINUE = /\bcontinue\b/i;
  const clean = (text) => String(text || '').replace(/\s+/g, ' ').trim();
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && style.opacity !== '0';
  };
  const checkboxLike = (el) => {
    if (el.matches('input[type=checkbox], [role=checkbox]')) return true;
    const name = (el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '');
    if (!/checkbox|captcha/i.test(name)) return false;
    const box = el.getBoundingClientRect();
    return box.width <= 120 && box.height <= 120;
  };
  // A checkbox's value is "on" unless set: its label is its <label> or what is next to it.
  const ownLabel = (el) => clean(el.getAttribute('aria-label') || el.innerText
    || (el.type === 'checkbox' ? '' : el.value) || el.getAttribute('title') || '');
  const nearbyLabel = (el) => {
    if (el.labels && el.labels.length) return clean(el.labels[0].innerText);
    const next = el.nextElementSibling;
    if (next && clean(next.innerText) && clean(next.innerText).length <= 120) {
      return clean(next.innerText);
    }
    let node = el.parentElement;
    for (let i = 0; node && i < 3; i++, node = node.parentElement) {
      const text = clean(node.innerText);
      if (text && text.length <= 120) return text;
    }
    return '';
  };
  const fillable = (form) => form && form.querySelector(
    'input:not([type]), input[type=text], input[type=password], input[type=email], '
    + 'input[type=tel], input[type=number], textarea');
  const selector = 'button, [role=button], [role=checkbox], input[type=button], '
    + 'input[type=submit], input[type=checkbox], a, div, span';
  const found = [];
  const taken = [];
  for (const el of document.querySelectorAll(selector)) {
    if (found.length >= 20) break;
    const tag = el.tagName.toLowerCase();
    const checkbox = checkboxLike(el);
    if ((tag === 'div' || tag === 'span') && !checkbox && !el.matches('[role=button]')) continue;
    if (tag === 'a') {
      const href = (el.getAttribute('href') || '').trim();
      if (href && !href.startsWith('#') && !/^javascript:/i.test(href)) continue;
    }
    if (el.disabled || taken.some((outer) => outer.contains(el)) || !visible(el)) continue;
    const type = (el.getAttribute('type') || 'submit').toLowerCase();
    const submit = (tag === 'button' && type === 'submit')
      || (tag === 'input' && el.type === 'submit');
    if (submit && fillable(el.form)) continue;
    let label = ownLabel(el);
    if (checkbox && !label) label = nearbyLabel(el);
    if (!label || label.length > 60 || !WANTED.test(label)) continue;
    // "Continue" alone is every cookie banner's; only a wallet's continue counts.
    if (CONTINUE.test(label) && !/wallet|verif|human|robot/i.test(label)) continue;
    taken.push(el);
    found.push([el, tag + ': ' + label]);
  }
  return found;
}
"""


@dataclass
class _Target:
    element: ElementHandle
    label: str
    key: str


async def interact(page: Page, recorder: Recorder, deadline: float) -> list[str]:
    """Click up to ``MAX_CLICKS`` lure controls, letting the page run after each; returns what
    was clicked (``"button: Connect Wallet"``). Bounded by ``deadline`` (``time.monotonic()``)."""
    clicked: list[str] = []
    seen: set[str] = set()
    while len(clicked) < MAX_CLICKS and time.monotonic() < deadline:
        target = await _next_target(page, seen, deadline)
        if target is None:
            break
        seen.add(target.key)
        if await _click(target.element, deadline):
            clicked.append(target.label)
            await settle(page, recorder, deadline, fake_clock=True)
    return clicked


async def _next_target(page: Page, seen: set[str], deadline: float) -> _Target | None:
    for frame in page.frames[:MAX_FRAMES]:
        if frame.is_detached():
            continue
        for target in await _candidates(frame, deadline):
            if target.key not in seen:
                return target
    return None


async def _candidates(frame: Frame, deadline: float) -> list[_Target]:
    budget = min(FIND_TIMEOUT, deadline - time.monotonic())
    if budget <= 0:
        return []
    try:
        found = await asyncio.wait_for(frame.evaluate_handle(_FIND_JS), budget)
        pairs = await asyncio.wait_for(found.get_properties(), budget)
        targets = []
        for index, pair in enumerate(pairs.values()):
            element = (await pair.get_property("0")).as_element()
            label = str(await (await pair.get_property("1")).json_value())
            if element is not None:
                targets.append(_Target(element, label, f"{frame.url} {index} {label}"))
        return targets
    except (TimeoutError, PlaywrightError):
        return []  # a frame that navigated away or a page that does not answer: nothing to click


async def _click(element: ElementHandle, deadline: float) -> bool:
    """A real click (trusted events, user activation); a synthetic one when something covers
    the element, as lures' overlays often do."""
    budget = min(CLICK_TIMEOUT, deadline - time.monotonic())
    if budget <= 0:
        return False
    try:
        await element.click(timeout=budget * 1000, no_wait_after=True)
        return True
    except PlaywrightError:
        pass  # covered, moving or gone: try without the actionability checks
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(element.dispatch_event("click"), max(0.1, budget))
        return True
    return False
