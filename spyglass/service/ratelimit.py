"""Per-caller, per-action rate limits in fixed windows, held in memory (one process).

urlscan counts per action (``public``, ``unlisted``, ``private`` submissions, ``retrieve``,
``search``) in fixed windows that reset on the full minute and at midnight UTC, and counts only
successful requests. Here a request reserves a slot up front (so concurrent requests cannot
overshoot) and gives it back when it did not succeed.

A window whose limit is 0 is off: ``RateLimiter({"minute": 0, "day": 100})`` limits per day only.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from spyglass.analyze.timestamps import iso_utc

ACTIONS = ("public", "unlisted", "private", "retrieve", "search")
WINDOW_SECONDS = {"minute": 60, "day": 86400}


@dataclass(frozen=True)
class Subject:
    """Who is counted: an API key (scope ``user``) or, for anonymous callers, an address."""

    scope: str  # user | ip-address
    id: str


@dataclass(frozen=True)
class WindowState:
    """One window of one caller and action, as the ``X-Rate-Limit-*`` headers describe it."""

    action: str
    window: str  # minute | day
    limit: int
    used: int
    reset: float  # epoch seconds when the window ends
    now: float

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def reset_after(self) -> int:
        """Whole seconds until the window resets, at least 1 while it runs."""
        return max(1, math.ceil(self.reset - self.now))

    @property
    def percent(self) -> float:
        return round(100 * self.used / self.limit, 2)

    def headers(self, scope: str) -> dict[str, str]:
        """The ``X-Rate-Limit-*`` headers; ``-Reset`` is ``%Y-%m-%dT%H:%M:%S.%fZ`` with ms."""
        return {
            "X-Rate-Limit-Scope": scope,
            "X-Rate-Limit-Action": self.action,
            "X-Rate-Limit-Window": self.window,
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": iso_utc(self.reset),
            "X-Rate-Limit-Reset-After": str(self.reset_after),
        }

    def quota(self) -> dict[str, object]:
        """This window in ``/api/v1/quotas``' spelling."""
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "percent": self.percent,
            "reset": iso_utc(self.reset),
        }


@dataclass(frozen=True)
class Ticket:
    """A reserved slot: given back with ``RateLimiter.release`` when the request failed."""

    subject: Subject
    action: str
    starts: tuple[tuple[str, float], ...]  # (window, start of the window the slot was taken in)


class RateLimitExceeded(Exception):
    def __init__(self, state: WindowState) -> None:
        super().__init__(f"{state.action}: {state.window} limit of {state.limit} reached")
        self.state = state


class RateLimiter:
    """Fixed-window counters keyed by (subject, action, window)."""

    def __init__(self, limits: Mapping[str, int], clock: Callable[[], float] = time.time) -> None:
        self.limits = {window: limit for window, limit in limits.items() if limit > 0}
        self.clock = clock
        self._counts: dict[tuple[Subject, str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._pruned_at = 0.0

    def __repr__(self) -> str:
        return f"RateLimiter(limits={self.limits!r})"

    def acquire(self, subject: Subject, action: str) -> Ticket:
        """Take one slot in every window, or raise ``RateLimitExceeded`` taking none."""
        with self._lock:
            now = self.clock()
            self._prune(now)
            states = self._states(subject, action, now)
            full = [state for state in states if state.remaining == 0]
            if full:
                raise RateLimitExceeded(max(full, key=lambda state: state.reset))
            for state in states:
                self._counts[(subject, action, state.window)] = (_start(state), state.used + 1)
            return Ticket(subject, action, tuple((s.window, _start(s)) for s in states))

    def release(self, ticket: Ticket) -> None:
        """Give a slot back, unless its window has already rolled over."""
        with self._lock:
            for window, start in ticket.starts:
                key = (ticket.subject, ticket.action, window)
                counted = self._counts.get(key)
                if counted and counted[0] == start and counted[1] > 0:
                    self._counts[key] = (start, counted[1] - 1)

    def states(self, subject: Subject, action: str) -> list[WindowState]:
        """Every limited window of ``action`` for ``subject``, shortest window first."""
        with self._lock:
            return self._states(subject, action, self.clock())

    def closest_to_exhaustion(self, subject: Subject, action: str) -> WindowState | None:
        """The window the headers describe: the smallest share left, the sooner reset on ties."""
        states = self.states(subject, action)
        if not states:
            return None
        return min(states, key=lambda state: (state.remaining / state.limit, state.reset))

    def _states(self, subject: Subject, action: str, now: float) -> list[WindowState]:
        states = []
        for window, limit in self.limits.items():
            length = WINDOW_SECONDS[window]
            start = (now // length) * length  # the full minute / midnight UTC; exact in floats
            counted_start, used = self._counts.get((subject, action, window), (start, 0))
            if counted_start != start:
                used = 0
            states.append(WindowState(action, window, limit, used, start + length, now))
        return states

    def _prune(self, now: float) -> None:
        """Forget windows that have ended, at most once a minute (anonymous callers are many)."""
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        self._counts = {
            key: (start, used)
            for key, (start, used) in self._counts.items()
            if start + WINDOW_SECONDS[key[2]] > now
        }


def _start(state: WindowState) -> float:
    return state.reset - WINDOW_SECONDS[state.window]
