"""The baseline globals: the window properties a blank page has in this browser. A scan's report
lists the page's globals less these (they are the browser's, not the page's).

Recording them takes a throwaway context and page: 0.65-0.75 s of every cold ``spyglass scan``
(a renderer started for nothing else). What they depend on is fixed for a given browser, so the
list is kept on disk between processes (``diskcache.read_cached``: a folder only this user
can open, each file checked against its SHA-256), under a key made of all of it:

- the running browser's executable, as ``/proc/PID/exe`` has it: path, device, inode, size and
  modification time (an upgrade writes a new file; a browser still running the old one keeps
  the old inode);
- its whole command line, as ``/proc/PID/cmdline`` has it: our switches, Playwright's, and those
  a wrapper adds (Debian's ``/usr/bin/chromium`` adds ``/etc/chromium.d``'s), less the profile
  folder, which is new at every launch;
- its version, and Playwright's (its fake clock is installed before the globals are read);
- the SHA-256 of this file: how the list is recorded.

PID is the one the browser itself reports (DevTools ``SystemInfo.getProcessInfo``), not the
launcher's, so a wrapper that did not ``exec`` would still be seen through. Whatever cannot be
read (no ``/proc``, a process we may not inspect) means no key: the list is recorded as before,
and not stored. A list stored under another key is never used: it is recorded again, and
stored in its place.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from playwright.async_api import Browser
from playwright.async_api import Error as PlaywrightError

from spyglass import diskcache

CACHE_NAME = "baseline-globals.json"
# Chromium's switch for the profile folder: Playwright makes a new one for every launch.
_PROFILE_SWITCH = "--user-data-dir="

log = logging.getLogger("spyglass.capture.baseline")


@dataclass(frozen=True)
class Baseline:
    globals: list[str]
    from_cache: bool


async def baseline_globals(browser: Browser) -> Baseline:
    """The blank page's globals in ``browser``: from the cache when it holds them for exactly
    this browser, else recorded (and stored for the next process)."""
    key = await cache_key(browser)
    if key is not None:
        cached = diskcache.read_cached(CACHE_NAME, key)
        if isinstance(cached, list) and all(isinstance(name, str) for name in cached):
            return Baseline(cached, from_cache=True)
    recorded = await record(browser)
    if key is not None:
        diskcache.write_cached(CACHE_NAME, key, recorded)
    return Baseline(recorded, from_cache=False)


async def record(browser: Browser) -> list[str]:
    """The window properties of a blank page in a default context, with the fake clock that
    every scan's page gets installed (its globals are the browser's too)."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.clock.install()
        names: list[str] = await page.evaluate("() => Object.getOwnPropertyNames(window)")
        return names
    finally:
        await context.close()


async def cache_key(browser: Browser) -> dict[str, Any] | None:
    """What the baseline of ``browser`` depends on (see the module's docstring); None when some
    of it cannot be read."""
    pid = await browser_pid(browser)
    if pid is None:
        return None
    try:
        process = read_process(Path(f"/proc/{pid}"))
    except OSError as e:  # no /proc, or not ours to inspect: recorded, not cached
        log.info("baseline globals not cached: browser process %d: %s", pid, e)
        return None
    return make_key(process, browser.version, metadata.version("playwright"), _this_file())


@dataclass(frozen=True)
class BrowserProcess:
    """What ``/proc`` says of the browser process."""

    exe: str
    exe_id: tuple[int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns
    argv: tuple[str, ...]


def read_process(proc: Path) -> BrowserProcess:
    """``proc``: ``/proc/PID`` of the browser. Raises ``OSError`` when it cannot be read."""
    info = os.stat(proc / "exe")  # the running executable, even if replaced on disk since
    raw = (proc / "cmdline").read_bytes()
    argv = tuple(arg.decode("utf-8", "backslashreplace") for arg in raw.split(b"\0")[:-1])
    if not argv:  # a zombie, or a kernel thread: not a browser we can describe
        raise OSError(f"{proc}/cmdline is empty")
    return BrowserProcess(
        exe=os.readlink(proc / "exe"),
        exe_id=(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns),
        argv=argv,
    )


def make_key(
    process: BrowserProcess, version: str, playwright_version: str, code_sha256: str
) -> dict[str, Any]:
    """The cache key: JSON-comparable, the same for two launches of the same browser with the
    same switches."""
    argv = [_PROFILE_SWITCH if arg.startswith(_PROFILE_SWITCH) else arg for arg in process.argv]
    return {
        "exe": process.exe,
        "exe_id": list(process.exe_id),
        "argv": argv,
        "browser": version,
        "playwright": playwright_version,
        "code": code_sha256,
    }


async def browser_pid(browser: Browser) -> int | None:
    """The browser process's id, as the browser reports it; None when it does not say."""
    try:
        session = await browser.new_browser_cdp_session()
        try:
            info = await session.send("SystemInfo.getProcessInfo")
        finally:
            await session.detach()
    except PlaywrightError as e:
        log.info("baseline globals not cached: no process information: %s", e)
        return None
    pids = [p["id"] for p in info.get("processInfo", []) if p.get("type") == "browser"]
    return pids[0] if len(pids) == 1 else None


@functools.cache
def _this_file() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
