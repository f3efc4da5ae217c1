"""What the unprivileged, sandboxed browser costs a scan, against the browser as it ran before
issue 13 (root, ``--no-sandbox``).

    .venv/bin/python -m bench.isolation [--rounds 10]    # as root: the "before" side needs it

Two ``BrowserPool``s run side by side on one test web (its own process, on loopback), scans
interleaved A/B then B/A from round to round so that load drifts hit both alike; the only
difference between them is the browser's user and its sandbox (both have the memory bound,
the byte budgets and the launcher). Prints the median and p95 per page and side, the ratio of
the medians, the ratio of the total time, and the browser start time of each side.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time

from bench.capture import CHROMIUM, machine_info, spyglass_settings, testweb_process
from bench.decoy import print_ratios
from spyglass.capture.browser import BrowserPool
from spyglass.capture.sandbox import BrowserUser
from spyglass.settings import Settings

PAGES = {
    "news": ("news.test", "/", True),  # an ordinary page, five hosts
    "shop": ("shop.test", "/", True),  # jQuery, Bootstrap, many scripts
    "kit": ("kit-a.test", "/", False),  # a phishing kit with a form
    "plain": ("plain.test", "/", False),  # one small document
}
SIDES = ("sandboxed", "root, --no-sandbox")
LAUNCHES = 5


def make_pool(settings: Settings, side: str) -> BrowserPool:
    pool = BrowserPool(settings)
    if side != SIDES[0]:
        pool.user = BrowserUser("root", 0, 0, switch=False)
        pool.sandboxed = False
    return pool


async def launch_times(settings: Settings) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    for i in range(LAUNCHES):
        for side in SIDES if i % 2 == 0 else reversed(SIDES):
            pool = make_pool(settings, side)
            start = time.perf_counter()
            await pool.start()
            times[side].append(time.perf_counter() - start)
            await pool.close()
    return times


async def measure(rounds: int) -> tuple[dict[tuple[str, str], list[float]], dict[str, list[float]]]:
    times: dict[tuple[str, str], list[float]] = {}
    with testweb_process() as web:
        settings = spyglass_settings(web)
        launches = await launch_times(settings)
        pools = {side: make_pool(settings, side) for side in SIDES}
        for pool in pools.values():
            await pool.start()
        try:
            for host, path, https in PAGES.values():  # warm-up, not counted
                for pool in pools.values():
                    await pool.capture(web.url(host, path, https=https))
            for round_ in range(rounds):
                order = SIDES if round_ % 2 == 0 else tuple(reversed(SIDES))
                for page, (host, path, https) in PAGES.items():
                    for side in order:
                        start = time.perf_counter()
                        capture = await pools[side].capture(web.url(host, path, https=https))
                        elapsed = time.perf_counter() - start
                        assert capture.failure is None, (side, page, capture.failure)
                        times.setdefault((page, side), []).append(elapsed)
        finally:
            for pool in pools.values():
                await pool.close()
    return times, launches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("run as root: the 'before' side runs the browser as root")
    load = os.getloadavg()[0]
    times, launches = asyncio.run(measure(args.rounds))
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
    print(machine_info(chromium.stdout.strip(), (load, os.getloadavg()[0])) + "\n")
    new, old = SIDES
    print_ratios(times, list(PAGES), list(SIDES), "side")
    totals = {side: sum(sum(times[(page, side)]) for page in PAGES) for side in SIDES}
    print(f"\nTotal scan time ratio (sandboxed / before): {totals[new] / totals[old]:.3f}")
    per_page = [
        statistics.median(times[(page, new)]) / statistics.median(times[(page, old)])
        for page in PAGES
    ]
    print(f"Median of the per-page median ratios: {statistics.median(per_page):.3f}")
    for side in SIDES:
        print(f"Browser start, median of {LAUNCHES} ({side}): "
              f"{statistics.median(launches[side]) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
