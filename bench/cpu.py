"""CPU time spent by this process and everything it started, by kind of process.

    before = cpu_snapshot({web_pid: "test web"})
    ...  # one scan
    spent = cpu_delta(before, cpu_snapshot({web_pid: "test web"}))
    # {"python (this process)": 0.04, "chromium renderers": 0.21, ...} in seconds

Each process counts its own time plus that of the children it has reaped (``cutime``), so a
renderer that exits during the scan is still counted: its time moves to its parent, the zygote,
which counts as a renderer. Linux only (``/proc``).
"""

from __future__ import annotations

import os

_TICK = os.sysconf("SC_CLK_TCK")


def _read(pid: str) -> tuple[int, float, str | None] | None:
    """(parent pid, CPU seconds incl. reaped children, kind) of one process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = [a for a in f.read().decode(errors="replace").split("\0") if a]
    except OSError:
        return None
    if len(args) == 1:  # Chromium's child processes rewrite theirs as one line
        args = args[0].split(" ")
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / _TICK, _kind(args)


def _kind(args: list[str]) -> str | None:
    """``None`` for a process that has exited (a zombie): its parent is about to count it."""
    if not args:
        return None
    program = os.path.basename(args[0])
    if "chrom" not in program:
        return "playwright driver (node)" if program == "node" else program
    process_type = next((a.removeprefix("--type=") for a in args if a.startswith("--type=")), "")
    if process_type in ("renderer", "zygote"):  # zygotes reap the renderers
        return "chromium renderers"
    if process_type == "utility":
        return "chromium utility (network, storage)"
    if process_type == "gpu-process":
        return "chromium gpu (software)"
    return "chromium browser" if not process_type else f"chromium {process_type}"


PYTHON = "python (this process)"


def cpu_snapshot(
    servers: dict[int, str], skip: frozenset[int] = frozenset()
) -> dict[int, tuple[str, float]]:
    """pid -> (kind, CPU seconds) for this process and its descendants, less the subtrees rooted
    at ``skip`` (the other side's Playwright driver); ``servers`` names children that are not
    the capture's (the test web)."""
    processes = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (info := _read(name)) is not None:
            processes[int(name)] = info
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    me = os.getpid()
    snapshot: dict[int, tuple[str, float]] = {}
    todo = [(me, PYTHON)]
    while todo:
        pid, parent_kind = todo.pop()
        if pid not in processes or pid in skip:
            continue
        _, seconds, kind = processes[pid]
        kind = PYTHON if pid == me else servers.get(pid, kind or parent_kind)
        snapshot[pid] = (kind, seconds)
        todo.extend((child, kind) for child in children.get(pid, []))
    return snapshot


def drivers() -> frozenset[int]:
    """The Playwright drivers (node) this process has started: one per ``async_playwright()``."""
    me = os.getpid()
    found = set()
    for name in os.listdir("/proc"):
        if name.isdigit() and (info := _read(name)) is not None:
            parent, _, kind = info
            if parent == me and kind == "playwright driver (node)":
                found.add(int(name))
    return frozenset(found)


def cpu_delta(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds by kind between two snapshots (a process gone since counts in its parent)."""
    spent: dict[str, float] = {}
    for sign, snapshot in ((-1, before), (1, after)):
        for kind, seconds in snapshot.values():
            spent[kind] = spent.get(kind, 0.0) + sign * seconds
    return spent
