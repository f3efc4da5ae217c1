"""A memory bound per browser: a page that allocates without end loses its renderer, not the
worker its host.

V8's heap cap (``--max-old-space-size``) does not see ArrayBuffers, canvases or decoded images:
measured before this module, one page's ArrayBuffers reached 2.8 GB. So the whole process tree of
each browser is bounded:

* ``CgroupBound``: a memory cgroup of its own (cgroup v2 ``memory.max`` or v1
  ``memory.limit_in_bytes``) under the service's own, joined by the launcher script before
  Chromium starts. Over the bound the kernel's OOM killer ends the biggest process in it -- the
  renderer that ate the memory -- and counts the kill in ``memory.events`` / ``memory.oom_control``.
* ``WatchdogBound`` where no cgroup can be made (no root, a read-only cgroupfs): the browser's
  process tree is summed (RSS from ``/proc``) a few times a second and the biggest renderer is
  killed once the sum passes the bound.

An rlimit is not used: ``RLIMIT_AS`` fails Chromium at start (V8 and PartitionAlloc reserve
terabytes of address space they never use), and ``RLIMIT_FSIZE`` also caps shared memory, which
crashed renderers on tall screenshots (both tried on Chromium 156).

The session asks ``kills()`` before and after a scan: a renderer that died while the count rose
died of the bound, and the scan ends with reason ``memory``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import Protocol

from spyglass.errors import BrowserError

log = logging.getLogger("spyglass.capture.memory")

CGROUP_ROOT = Path("/sys/fs/cgroup")
WATCH_INTERVAL = 0.1  # seconds between two looks at the browser's memory
_PAGE = os.sysconf("SC_PAGE_SIZE")


class MemoryBound(Protocol):
    kind: str  # "cgroup" | "watchdog"

    def procs_file(self) -> Path | None:
        """Where the launcher writes its pid to join the bound (None: nothing to join)."""

    def kills(self) -> int:
        """Processes ended for memory so far."""

    async def watch(self, pidfile: Path) -> None:
        """Run for the browser's lifetime (a no-op where the kernel does the watching)."""

    def close(self) -> None: ...


class CgroupBound:
    kind = "cgroup"

    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version

    def __repr__(self) -> str:
        return f"CgroupBound({str(self.path)!r}, v{self.version})"

    @classmethod
    def create(cls, limit_bytes: int, name: str) -> CgroupBound | None:
        """A new cgroup under ours with the limit set, or None where none can be made."""
        for version, parent in _own_cgroups():
            _remove_orphans(parent)
            path = parent / name
            try:
                path.mkdir(exist_ok=True)
                if version == 2:
                    (path / "memory.max").write_text(str(limit_bytes))
                    _write_if_present(path / "memory.swap.max", "0")
                else:
                    (path / "memory.limit_in_bytes").write_text(str(limit_bytes))
                    _write_if_present(path / "memory.memsw.limit_in_bytes", str(limit_bytes))
            except OSError as e:
                log.info("no memory cgroup at %s: %s", path, e)
                with contextlib.suppress(OSError):
                    path.rmdir()
                continue
            return cls(path, version)
        return None

    def procs_file(self) -> Path | None:
        return self.path / "cgroup.procs"

    def kills(self) -> int:
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            text = (self.path / name).read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    async def watch(self, pidfile: Path) -> None:
        return None

    def close(self) -> None:
        # A cgroup goes once its last process has: the browser is closed before this.
        with contextlib.suppress(OSError):
            self.path.rmdir()


class WatchdogBound:
    kind = "watchdog"

    def __init__(self, limit_bytes: int) -> None:
        self.limit = limit_bytes
        self._kills = 0

    def __repr__(self) -> str:
        return f"WatchdogBound({self.limit})"

    def procs_file(self) -> Path | None:
        return None

    def kills(self) -> int:
        return self._kills

    async def watch(self, pidfile: Path) -> None:
        root: int | None = None
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if root is None:
                with contextlib.suppress(OSError, ValueError):
                    root = int(pidfile.read_text())
                continue
            sizes = tree_rss(root)
            if sum(sizes.values()) > self.limit:
                self._kill_biggest_renderer(sizes)

    def _kill_biggest_renderer(self, sizes: dict[int, int]) -> None:
        for pid in sorted(sizes, key=sizes.__getitem__, reverse=True):
            if _is_renderer(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                    self._kills += 1
                    log.warning("renderer %d killed: the browser passed %d bytes", pid, self.limit)
                return

    def close(self) -> None:
        return None


def memory_bound(limit_mb: int, name: str, method: str = "auto") -> MemoryBound:
    """``method``: "auto" (a cgroup where one can be made, else the watchdog), "cgroup" or
    "watchdog"."""
    limit = limit_mb * 1024 * 1024
    if method in ("auto", "cgroup"):
        bound = CgroupBound.create(limit, name)
        if bound is not None:
            return bound
        if method == "cgroup":
            raise BrowserError("no memory cgroup can be made here")
    return WatchdogBound(limit)


PREFIX = "spyglass-browser-"


def cgroup_name(owner: int, serial: str) -> str:
    """``spyglass-browser-<pid of the worker>-<serial>``: the pid tells an orphan."""
    return f"{PREFIX}{owner}-{serial}"


def _remove_orphans(parent: Path) -> None:
    """Cgroups of workers that died without closing their browser (kill -9): empty by now."""
    for path in parent.glob(PREFIX + "*"):
        owner = path.name.removeprefix(PREFIX).partition("-")[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):
                path.rmdir()


def _own_cgroups() -> list[tuple[int, Path]]:
    """This process's memory cgroup folders, v2 first: ``[(2, /sys/fs/cgroup/x), ...]``."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    found: list[tuple[int, Path]] = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        relative = path.lstrip("/")
        if controllers == "" and (CGROUP_ROOT / "cgroup.controllers").exists():
            found.insert(0, (2, CGROUP_ROOT / relative))
        elif controllers == "" and (CGROUP_ROOT / "unified" / "cgroup.controllers").exists():
            found.insert(0, (2, CGROUP_ROOT / "unified" / relative))
        elif "memory" in controllers.split(","):
            found.append((1, CGROUP_ROOT / "memory" / relative))
    return [(v, p) for v, p in found if v == 1 or _v2_has_memory(p)]


def _v2_has_memory(path: Path) -> bool:
    try:
        return "memory" in (path / "cgroup.subtree_control").read_text().split()
    except OSError:
        return False


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        path.write_text(value)


def tree_rss(root: int) -> dict[int, int]:
    """Resident bytes of ``root`` and every process under it: ``{pid: bytes}``."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(statm.split()[1]) * _PAGE
    found: dict[int, int] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in rss and pid not in found:
            found[pid] = rss[pid]
            stack.extend(children.get(pid, ()))
    return found


def _is_renderer(pid: int) -> bool:
    try:
        return b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
