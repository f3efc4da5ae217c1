"""The settle rule: when has a page finished doing what it will do?

Fixed sleeps are slow on fast pages and too short on slow ones, so we wait on events, bounded:

1. wait until the main document has loaded and the network has been quiet for ``QUIET`` seconds
   (requests with no news for ``STALE_REQUEST`` seconds, such as a long poll or a hung resource,
   do not count) -- or until nothing at all has happened for ``STALL`` seconds (a page that never
   finishes loading, or a script stuck in a loop);
2. then, if the page has set timers, run its fake clock ``FAST_FORWARD_MS`` ahead, so
   ``setTimeout`` redirects and delayed payloads fire now instead of in real time (the clock was
   installed before navigation);
3. if that started anything (a request, a navigation), go back to 1 for the new state.

Everything is bounded by ``deadline`` (``time.monotonic()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from enum import StrEnum

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from spyglass.capture.recorder import Recorder

QUIET = 0.05
STALL = 2.0
FAST_FORWARD_MS = 61_000  # a minute of page time: fires 15-s and 60-s timers alike
FAST_FORWARD_TIMEOUT = 3.0
MAX_ROUNDS = 20
_POLL = 0.05


class Settled(StrEnum):
    QUIET = "quiet"  # loaded and quiet
    STALLED = "stalled"  # nothing happened for STALL seconds without a finished load
    HUNG = "hung"  # the page's main thread did not answer (an endless script)
    CRASHED = "crashed"
    DEADLINE = "deadline"


async def settle(page: Page, recorder: Recorder, deadline: float, *, fake_clock: bool) -> Settled:
    forwarded_document = -1
    outcome = Settled.DEADLINE
    for _ in range(MAX_ROUNDS):
        outcome = await wait_quiet(recorder, deadline)
        if outcome in (Settled.DEADLINE, Settled.CRASHED):
            return outcome
        if fake_clock and forwarded_document != recorder.documents:
            forwarded_document = recorder.documents
            # Both calls need the page's main thread: they are also the probe for a hung page.
            timers = await pending_timers(page, deadline)
            if timers is None or (timers != 0 and not await fast_forward(page, deadline)):
                return Settled.CRASHED if recorder.crashed else Settled.HUNG
            if timers == 0:
                return outcome
            # A timer's navigation or fetch reaches DevTools a few ms after run_for returns:
            # wait one more quiet window before believing nothing happened.
            recorder.touch()
            continue
        elif outcome is Settled.STALLED and fake_clock and not await responsive(page, deadline):
            return Settled.CRASHED if recorder.crashed else Settled.HUNG
        return outcome
    return outcome


async def wait_quiet(recorder: Recorder, deadline: float) -> Settled:
    while True:
        now = time.monotonic()
        if recorder.crashed:
            return Settled.CRASHED
        if now >= deadline:
            return Settled.DEADLINE
        idle = now - recorder.last_activity
        loaded = recorder.load_fired and not recorder.navigation_pending
        if loaded and idle >= QUIET and recorder.busy_requests(now) == 0:
            return Settled.QUIET
        if idle >= STALL:
            return Settled.STALLED
        recorder.changed.clear()
        with contextlib.suppress(TimeoutError):  # then re-check the clock-based conditions
            await asyncio.wait_for(recorder.changed.wait(), min(_POLL, deadline - now))


# Playwright's fake clock keeps its timers in ``globalThis.__pwClock.controller`` (playwright
# 1.65, 2026-11). Not a public API: when it is missing the answer is -1 and we fast-forward
# anyway, which is only slower.
_PENDING_TIMERS_JS = """() => {
  const controller = globalThis.__pwClock && globalThis.__pwClock.controller;
  return controller && controller.countTimers ? controller.countTimers() : -1;
}"""


async def pending_timers(page: Page, deadline: float) -> int | None:
    """How many timers the page has set (-1: unknown); ``None`` when it did not answer."""
    try:
        return await asyncio.wait_for(
            page.evaluate(_PENDING_TIMERS_JS), min(1.0, max(0.01, deadline - time.monotonic()))
        )
    except TimeoutError:
        return None
    except PlaywrightError:
        return -1  # navigating: the context went away mid-call


async def responsive(page: Page, deadline: float) -> bool:
    """Does the page's main thread still answer?"""
    try:
        await asyncio.wait_for(page.evaluate("1"), min(1.0, max(0.01, deadline - time.monotonic())))
    except TimeoutError:
        return False
    except PlaywrightError:
        pass  # navigating: the page answered in its own way
    return True


async def fast_forward(page: Page, deadline: float) -> bool:
    """Run the page's timers a minute ahead; ``False`` when the page did not answer in time."""
    budget = min(FAST_FORWARD_TIMEOUT, deadline - time.monotonic())
    if budget <= 0:
        return True
    try:
        await asyncio.wait_for(page.clock.run_for(FAST_FORWARD_MS), budget)
    except TimeoutError:
        return False
    except PlaywrightError:
        pass  # a timer navigated away mid-run and destroyed the context: that is the point
    return True
