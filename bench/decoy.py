"""What the decoy wallets, clipboard recording and lure clicks cost a scan.

    .venv/bin/python -m bench.decoy [--rounds 10]

Scans pages of the test web (its own process, on loopback) through one ``BrowserPool``, rounds
interleaved so that load drifts hit every variant alike: default options (init script with
decoy wallets, clicks), ``decoy=False`` (the init script records the clipboard only) and
``decoy=False, interact=False``. Prints the median and p95 wall time per page and variant and
the ratio of the medians to the last variant.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time

from bench.capture import CHROMIUM, machine_info, spyglass_settings, testweb_process
from spyglass.capture.browser import BrowserPool
from spyglass.models import ScanOptions
from tests.testweb.corpus import samples

_CORPUS = {sample.name: sample for sample in samples()}
_DRAINER = _CORPUS["drainer-approve-max"]  # talks to the decoy, asks for an approval
_LURE = _CORPUS["lure-recaptcha-click"]  # the scanner clicks "I'm not a robot"
PAGES = {
    "news": ("news.test", "/", True),  # an ordinary page, five hosts
    "shop": ("shop.test", "/", True),  # jQuery, Bootstrap, many scripts
    "drainer": (_DRAINER.host, _DRAINER.path, _DRAINER.https),
    "lure": (_LURE.host, _LURE.path, _LURE.https),
}
VARIANTS = {
    "default": ScanOptions(),
    "no decoy": ScanOptions(decoy=False),
    "no decoy, no clicks": ScanOptions(decoy=False, interact=False),
}


async def measure(rounds: int) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    with testweb_process() as web:
        async with BrowserPool(spyglass_settings(web)) as pool:
            for _ in range(rounds):
                for page, (host, path, https) in PAGES.items():
                    for variant, options in VARIANTS.items():
                        start = time.perf_counter()
                        await pool.capture(web.url(host, path, https=https), options)
                        times.setdefault((page, variant), []).append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    times = asyncio.run(measure(args.rounds))
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
    print(machine_info(chromium.stdout.strip(), (load, os.getloadavg()[0])) + "\n")
    print_ratios(times, list(PAGES), list(VARIANTS), "variant")


def print_ratios(
    times: dict[tuple[str, str], list[float]], pages: list[str], variants: list[str], kind: str
) -> None:
    """A Markdown table: median and p95 per page and variant, and each median's ratio to the
    last variant's."""
    base = variants[-1]
    print(f"| page | {kind} | median ms | p95 ms | median / '{base}' |")
    print("|---|---|---|---|---|")
    for page in pages:
        reference = statistics.median(times[(page, base)])
        for variant in variants:
            values = sorted(times[(page, variant)])
            median = statistics.median(values)
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            print(f"| {page} | {variant} | {median * 1000:.0f} | {p95 * 1000:.0f} | "
                  f"{median / reference:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
