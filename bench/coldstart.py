"""Cold-start benchmark: a fresh ``spyglass scan`` process vs a fresh bare-Playwright process,
and the first scan of a fresh worker vs its later ones.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.coldstart                 # 7 rounds: about 3 minutes on 2 cores
    .venv/bin/python -m bench.coldstart --rounds 3 --worker-scans 4

Everything is served by ``tests.testweb`` on loopback, in a process of its own. The parts:

1. cold processes: ``--rounds`` times, a new ``spyglass scan URL`` process (the CLI, its browser
   started as in production) and a new Python process running ``BARE_SCRIPT`` (import
   Playwright, launch the same Chromium, ``goto`` waiting for ``load``, ``content()``, a full-page
   ``screenshot()``), interleaved A/B, B/A to cancel drift. Wall time from ``fork`` to exit.
   One warm-up process of each kind runs first (the OS's file cache) and is not counted.
   The CPU time of each process tree (Python, driver, browser) is reported too: on a busy
   machine wall time follows it.
2. fresh workers: ``--workers`` new processes, each doing what ``spyglass worker`` does before
   its first scan (reference data preloaded, then one ``BrowserPool``, warmed up), then
   ``--worker-scans`` scans of the page, each timed as capture + ``build_report``; first scan vs
   the later ones.

``--before DIR`` adds a third side to both parts: the same, by the Spyglass of another checkout
(``git worktree add --detach DIR COMMIT``; it runs with this venv, its own ``spyglass`` package
first on ``sys.path``), interleaved with the others. Before/after numbers from one run share
the machine's load, which on a shared machine varies more between runs than the change does.

The report goes to stdout as Markdown (progress to stderr), with the load averages: the machine
may be shared, which skews absolute times more than the interleaved ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.capture import (
    BARE_FLAGS,
    CHROMIUM,
    Web,
    machine_info,
    progress,
    table,
    testweb_process,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SPYGLASS = str(Path(PYTHON).with_name("spyglass"))
PAGE = ("news.test", "/")

# The floor: the least any Playwright capture of the page does, in a process of its own.
BARE_SCRIPT = """
import asyncio, sys
from playwright.async_api import async_playwright

async def main(url, chromium, flags):
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=flags)
        page = await browser.new_page()
        await page.goto(url, wait_until="load")
        await page.content()
        await page.screenshot(full_page=True)
        await browser.close()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
"""


def spyglass_env(web: Web) -> dict[str, str]:
    """The environment ``python -m tests.testweb`` prints for scanning it."""
    return {
        **os.environ,
        "SPYGLASS_RESOLVE": ",".join(f"{host}:{address}" for host, address in web.pins.items()),
        "SPYGLASS_PINS_ONLY": "1",
        "SPYGLASS_ALLOW_NETWORKS": "127.0.0.0/25,::1/128",
        "SPYGLASS_TRUSTED_SPKI": web.spki_hash,
    }


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # CPU seconds of the process and everything it started (browser, driver)


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    before, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return Run(seconds, _children_cpu() - before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every reaped descendant's
    return usage.ru_utime + usage.ru_stime


def checkout_env(env: dict[str, str], checkout: Path | None) -> dict[str, str]:
    """``env`` with ``checkout``'s ``spyglass`` package imported instead of this one's."""
    if checkout is None:
        return env
    return {**env, "PYTHONPATH": str(checkout)}


def cold_processes(web: Web, rounds: int, before: Path | None = None) -> dict[str, list[Run]]:
    """Runs by side: "spyglass", "bare", and "before" when ``before`` is a checkout."""
    url = web.url(*PAGE)
    flags = [*BARE_FLAGS, f"--host-resolver-rules={web.resolver_rules()}",
             f"--ignore-certificate-errors-spki-list={web.spki_hash}"]  # fmt: skip
    sides = {
        "spyglass": lambda: timed([SPYGLASS, "scan", url], spyglass_env(web)),
        "bare": lambda: timed([PYTHON, "-c", BARE_SCRIPT, url, CHROMIUM, *flags]),
    }
    if before is not None:
        # As the venv's ``spyglass`` script did before it ran ``cli.run`` (which an old
        # checkout may not have), from the checkout (first on ``sys.path``).
        old_script = "import sys; from spyglass.cli import main; sys.exit(main())"
        env = checkout_env(spyglass_env(web), before)
        sides["before"] = lambda: timed([PYTHON, "-c", old_script, "scan", url], env, before)
    for run in sides.values():  # warm-up: not counted
        run()
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    names = list(sides)
    for n in range(rounds):
        # Each side takes each place in turn, forwards then backwards: drift cancels out.
        order = names[n % len(names) :] + names[: n % len(names)]
        for name in order if (n // len(names)) % 2 == 0 else reversed(order):
            runs[name].append(sides[name]())
        done = ", ".join(f"{k} {v[-1].wall:.2f} s (CPU {v[-1].cpu:.2f})" for k, v in runs.items())
        progress(f"round {n + 1}/{rounds}: {done}")
    return runs


def fresh_workers(
    web: Web, workers: int, scans: int, checkout: Path | None = None
) -> list[list[float]]:
    """Each worker in a process of its own, run from ``checkout`` (its bench and its Spyglass)
    when one is given."""
    results = []
    for n in range(workers):
        command = [PYTHON, "-m", "bench.coldstart", "--worker-child", str(scans)]
        done = subprocess.run(command, cwd=checkout or ROOT, capture_output=True, text=True,
                              env=checkout_env(dict(os.environ), checkout),
                              input=json.dumps(web.__dict__), check=True)  # fmt: skip
        results.append(json.loads(done.stdout))
        side = "before " if checkout else ""
        progress(f"{side}worker {n + 1}/{workers}: " + ", ".join(f"{s:.2f}" for s in results[-1]))
    return results


async def worker_child(web: Web, scans: int) -> list[float]:
    """What ``spyglass worker`` does before its first scan (``worker.run_workers``), then
    ``scans`` scans, each capture + report."""
    from spyglass.analyze.report import build_report, preload
    from spyglass.capture.browser import BrowserPool
    from spyglass.models import ScanOptions, TaskInfo
    from spyglass.refdata.ipdata import IPData
    from spyglass.refdata.verdicts import VerdictData
    from spyglass.settings import Settings

    settings = Settings(allow_networks=("127.0.0.0/25", "::1/128"), resolve=dict(web.pins),
                        pins_only=True, trusted_spki=(web.spki_hash,))  # fmt: skip
    ip_data = IPData.from_settings(settings)
    verdict_data = VerdictData.from_settings(settings)
    await asyncio.to_thread(preload, ip_data, verdict_data)
    times = []
    async with BrowserPool(settings) as pool:
        if hasattr(pool, "warm_up"):  # (a --before checkout may predate it)
            await pool.warm_up()
        for n in range(scans):
            start = time.perf_counter()
            capture = await pool.capture(web.url(*PAGE), ScanOptions())
            task = TaskInfo(uuid=f"bench-{n}", time=capture.started_at, url=capture.url)
            build_report(capture, task, ip_data, verdict_data)
            times.append(time.perf_counter() - start)
            if capture.failure is not None:
                raise RuntimeError(f"scan failed: {capture.failure}")
    return times


def report(cold: dict[str, list[Run]], workers: dict[str, list[list[float]]]) -> str:
    def medians(runs: list[Run]) -> tuple[float, float]:
        return statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs)

    names = {"spyglass": "spyglass scan", "bare": "bare Playwright",
             "before": "spyglass scan, before"}  # fmt: skip
    rows = [
        [names[side], len(runs), f"{medians(runs)[0]:.2f}", f"{min(r.wall for r in runs):.2f}",
         f"{max(r.wall for r in runs):.2f}", f"{medians(runs)[1]:.2f}"]
        for side, runs in cold.items()
    ]  # fmt: skip
    lines = [table(["cold process", "n", "median s", "min s", "max s", "median CPU s"], rows), ""]
    bare = cold["bare"]
    wall_b, cpu_b = medians(bare)
    for side in ("spyglass", "before"):
        if side not in cold:
            continue
        wall_s, cpu_s = medians(cold[side])
        per_round = [s.wall / b.wall for s, b in zip(cold[side], bare, strict=True)]
        lines.append(
            f"ratio {names[side]}/bare: of the medians {wall_s / wall_b:.2f}; median of the "
            f"per-round ratios {statistics.median(per_round):.2f} (target <= 1.3); "
            f"CPU {cpu_s / cpu_b:.2f}"
        )
    for side, runs in workers.items():
        if not runs:
            continue
        rows = []
        for n, times in enumerate(runs, 1):
            later = statistics.median(times[1:])
            rows.append([n, f"{times[0]:.3f}", f"{later:.3f}", f"{times[0] / later:.2f}"])
        firsts = [times[0] / statistics.median(times[1:]) for times in runs]
        title = "fresh worker" + (", before" if side == "before" else "")
        lines += [
            "",
            table([title, "first scan s", "later scans, median s", "first/later"], rows),
            "",
            f"first/later: median {statistics.median(firsts):.2f} (target <= 1.10)",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="cold processes of each kind")
    parser.add_argument("--workers", type=int, default=3, help="fresh worker processes")
    parser.add_argument("--worker-scans", type=int, default=5, help="scans per fresh worker")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also time the Spyglass of this checkout (an older commit)",
    )
    parser.add_argument("--worker-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_child is not None:  # one fresh worker: the web's details on stdin
        web = Web(**json.loads(sys.stdin.read()))
        print(json.dumps(asyncio.run(worker_child(web, args.worker_child))))
        return
    load_at_start = os.getloadavg()
    before = args.before.resolve() if args.before else None
    with testweb_process() as web:
        cold = cold_processes(web, args.rounds, before)
        workers = {"spyglass": fresh_workers(web, args.workers, args.worker_scans)}
        if before is not None:
            workers["before"] = fresh_workers(web, args.workers, args.worker_scans, before)
    load = (load_at_start[0], os.getloadavg()[0])
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    print(machine_info(chromium.strip(), load))
    at_end = os.getloadavg()
    print("load averages (1, 5, 15 min) at start {:.1f} {:.1f} {:.1f}, at end {:.1f} {:.1f} {:.1f}"
          .format(*load_at_start, *at_end))  # fmt: skip
    if before is not None:
        commit = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=before,
                                capture_output=True, text=True).stdout.strip()  # fmt: skip
        print(f"before: {before} at {commit}")
    print()
    print(report(cold, workers))


if __name__ == "__main__":
    main()
