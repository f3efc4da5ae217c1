"""Where a Spyglass scan's time goes: named phases timed by wrapping Spyglass's own functions.

The wrappers live only in this process, only inside ``with PhaseClock().installed():``, and change
no behaviour; spyglass/ itself is untouched. Meant for scans run one at a time: with concurrent
scans, phases of different scans would be credited to the same one.

    clock = PhaseClock()
    with clock.installed():
        clock.begin()
        await pool.capture(url, options)
        clock.end()
    clock.scans  # [{"navigate": 0.05, "settle": 0.41, ..., "total": 0.92}]
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api._generated import Clock

from spyglass.capture import browser, proxy, readout, recorder, session, settle

# (owner, attribute, phase). Owners are the modules or classes the caller looks the name up in:
# session.py calls ``settle(...)`` by its imported name, so it is patched in ``session``.
# "setup:" phases count only before the navigation starts (evaluate is used by the reads too).
# A phase named "... (1st)" times a scan's first call; its later calls add up as "... (later)".
# The reads may run concurrently: their rows can add up to more than "read page (total)".
TIMED: list[tuple[Any, str, str]] = [
    (browser, "check_target", "check target (pins, policy)"),
    (proxy.GuardProxy, "__aenter__", "guard proxy start"),
    (Browser, "new_context", "new context"),
    (BrowserContext, "new_page", "  setup: new page"),
    (BrowserContext, "new_cdp_session", "  setup: new CDP session"),
    (Page, "evaluate", "  setup: evaluate"),
    (Clock, "install", "  setup: clock install"),
    (session.ScanSession, "_navigate", "goto (commit)"),
    (session, "settle", "settle (total)"),
    (settle, "wait_quiet", "  settle: wait quiet (1st)"),
    (settle, "fast_forward", "  settle: fast-forward 61 s"),
    (session.ScanSession, "_read_page", "read page (total)"),
    (readout, "title", "  read: title"),
    (readout, "dom", "  read: dom"),
    (readout, "visible_text", "  read: text"),
    (readout, "js_globals", "  read: globals"),
    (readout, "cookies", "  read: cookies"),
    (readout, "screenshot", "  read: screenshot"),
    (session.ScanSession, "_favicon", "  read: favicon"),
    (recorder.Recorder, "wait_for_bodies", "wait for bodies"),
    (session.ScanSession, "_close", "context close"),
    (proxy.GuardProxy, "__aexit__", "guard proxy stop"),
]
# Not a function of its own: from the start of ScanSession._scan to the start of the navigation
# (new page, CDP session, Network/Page/Runtime/Log.enable, user agent, clock install).
PAGE_SETUP = "page setup (total)"
SETUP_REST = "  setup: the rest (frame tree, *.enable)"
_SCAN, _NAVIGATE = (session.ScanSession, "_scan"), (session.ScanSession, "_navigate")


class PhaseClock:
    def __init__(self) -> None:
        self.scans: list[dict[str, float]] = []
        self._current: dict[str, float] = {}
        self._marks: dict[str, float] = {}
        self._start = 0.0

    def begin(self) -> None:
        self._current, self._marks = {}, {}
        self._start = time.perf_counter()

    def end(self) -> None:
        current = self._current
        if "scan" in self._marks and "navigate" in self._marks:
            setup = self._marks["navigate"] - self._marks["scan"]
            parts = sum(spent for phase, spent in current.items() if "setup:" in phase)
            current[SETUP_REST] = setup - parts
            current[PAGE_SETUP] = setup
        current["total"] = time.perf_counter() - self._start
        self.scans.append(current)

    @contextlib.contextmanager
    def installed(self) -> Iterator[PhaseClock]:
        originals = [(owner, name, getattr(owner, name)) for owner, name, _ in TIMED]
        originals.append((*_SCAN, getattr(*_SCAN)))
        try:
            for owner, name, phase in TIMED:
                mark = "navigate" if (owner, name) == _NAVIGATE else None
                setattr(owner, name, self._timed(getattr(owner, name), phase, mark))
            setattr(*_SCAN, self._timed(getattr(*_SCAN), None, "scan"))
            yield self
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)

    def _add(self, phase: str, spent: float) -> None:
        if "setup:" in phase and "navigate" in self._marks:
            return
        if phase.endswith("(1st)") and phase in self._current:
            phase = phase.removesuffix("(1st)") + "(later)"
        self._current[phase] = self._current.get(phase, 0.0) + spent

    def _timed(
        self, function: Callable[..., Any], phase: str | None, mark: str | None
    ) -> Callable[..., Any]:
        @functools.wraps(function)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            if mark is not None:
                self._marks.setdefault(mark, start)
            try:
                return await function(*args, **kwargs)
            finally:
                if phase is not None:
                    self._add(phase, time.perf_counter() - start)

        return timed


def report_order() -> list[str]:
    """Phase names in the order a scan goes through them, each total before its parts."""
    order = []
    for _, _, phase in TIMED:
        if phase.startswith("  setup:") and PAGE_SETUP not in order:
            order.append(PAGE_SETUP)
        order.append(phase)
        if phase.endswith("(1st)"):
            order.append(phase.removesuffix("(1st)") + "(later)")
    order.insert(order.index("goto (commit)"), SETUP_REST)
    return [*order, "total"]
