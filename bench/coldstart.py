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
   its first scan (reference data preloaded, then one ``BrowserPool``), then ``--worker-scans``
   scans of the page, each timed as capture + ``build_report``; first scan vs the later ones.

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


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    before, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return Run(seconds, _children_cpu() - before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every reaped descendant's
    return usage.ru_utime + usage.ru_stime


def cold_processes(web: Web, rounds: int) -> tuple[list[Run], list[Run]]:
    url = web.url(*PAGE)
    flags = [*BARE_FLAGS, f"--host-resolver-rules={web.resolver_rules()}",
             f"--ignore-certificate-errors-spki-list={web.spki_hash}"]  # fmt: skip
    sides = {
        "spyglass": lambda: timed([SPYGLASS, "scan", url], spyglass_env(web)),
        "bare": lambda: timed([PYTHON, "-c", BARE_SCRIPT, url, CHROMIUM, *flags]),
    }
    for run in sides.values():  # warm-up: not counted
        run()
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    for n in range(rounds):
        order = list(sides) if n % 2 == 0 else list(reversed(sides))
        for name in order:
            runs[name].append(sides[name]())
        done = ", ".join(f"{k} {v[-1].wall:.2f} s (CPU {v[-1].cpu:.2f})" for k, v in runs.items())
        progress(f"round {n + 1}/{rounds}: {done}")
    return runs["spyglass"], runs["bare"]


def fresh_workers(web: Web, workers: int, scans: int) -> list[list[float]]:
    results = []
    for n in range(workers):
        command = [PYTHON, "-m", "bench.coldstart", "--worker-child", str(scans)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              input=json.dumps(web.__dict__), check=True)  # fmt: skip
        results.append(json.loads(done.stdout))
        progress(f"worker {n + 1}/{workers}: " + ", ".join(f"{s:.2f}" for s in results[-1]))
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
        for n in range(scans):
            start = time.perf_counter()
            capture = await pool.capture(web.url(*PAGE), ScanOptions())
            task = TaskInfo(uuid=f"bench-{n}", time=capture.started_at, url=capture.url)
            build_report(capture, task, ip_data, verdict_data)
            times.append(time.perf_counter() - start)
            if capture.failure is not None:
                raise RuntimeError(f"scan failed: {capture.failure}")
    return times


def report(spyglass: list[Run], bare: list[Run], workers: list[list[float]]) -> str:
    def medians(runs: list[Run]) -> tuple[float, float]:
        return statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs)

    rows = [
        [name, len(runs), f"{medians(runs)[0]:.2f}", f"{min(r.wall for r in runs):.2f}",
         f"{max(r.wall for r in runs):.2f}", f"{medians(runs)[1]:.2f}"]
        for name, runs in (("spyglass scan", spyglass), ("bare Playwright", bare))
    ]  # fmt: skip
    (wall_s, cpu_s), (wall_b, cpu_b) = medians(spyglass), medians(bare)
    per_round = [s.wall / b.wall for s, b in zip(spyglass, bare, strict=True)]
    lines = [
        table(["cold process", "n", "median s", "min s", "max s", "median CPU s"], rows),
        "",
        f"ratio spyglass/bare: of the medians {wall_s / wall_b:.2f}; median of the per-round "
        f"ratios {statistics.median(per_round):.2f} (target <= 1.3); CPU {cpu_s / cpu_b:.2f}",
    ]
    if workers:
        rows = []
        for n, times in enumerate(workers, 1):
            later = statistics.median(times[1:])
            rows.append([n, f"{times[0]:.3f}", f"{later:.3f}", f"{times[0] / later:.2f}"])
        firsts = [times[0] / statistics.median(times[1:]) for times in workers]
        lines += [
            "",
            table(["fresh worker", "first scan s", "later scans, median s", "first/later"], rows),
            "",
            f"first/later: median {statistics.median(firsts):.2f} (target <= 1.10)",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="cold processes of each kind")
    parser.add_argument("--workers", type=int, default=3, help="fresh worker processes")
    parser.add_argument("--worker-scans", type=int, default=5, help="scans per fresh worker")
    parser.add_argument("--worker-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_child is not None:  # one fresh worker: the web's details on stdin
        web = Web(**json.loads(sys.stdin.read()))
        print(json.dumps(asyncio.run(worker_child(web, args.worker_child))))
        return
    load_at_start = os.getloadavg()
    with testweb_process() as web:
        spyglass, bare = cold_processes(web, args.rounds)
        workers = fresh_workers(web, args.workers, args.worker_scans) if args.workers else []
    load = (load_at_start[0], os.getloadavg()[0])
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    print(machine_info(chromium.strip(), load))
    at_end = os.getloadavg()
    print("load averages (1, 5, 15 min) at start {:.1f} {:.1f} {:.1f}, at end {:.1f} {:.1f} {:.1f}"
          .format(*load_at_start, *at_end))  # fmt: skip
    print()
    print(report(spyglass, bare, workers))


if __name__ == "__main__":
    main()
