"""Enrichment benchmark: what the offline enrichers add to building one report.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.enrich              # about a minute
    .venv/bin/python -m bench.enrich --repeat 50

The captures are real: ``BrowserPool`` scans of pages of ``tests.testweb`` (its own process, on
loopback) that give every enricher work: shop.test (jQuery, Bootstrap, WordPress-style markup:
technologies), kit-a.test (a phishing kit: structure hash, favicon, screenshot hash) and news.test
(several hosts over HTTPS: certificates). Each capture is then grown to ``--requests``
transactions (100 by default, the issue's yardstick) by copying its sub-resources under new URLs
on public addresses of many networks (so the AS/country lookups do real work: the test web itself
is all loopback, which the enricher labels without a lookup).

For each capture, ``build_report`` runs ``--repeat`` times with every enricher wrapped in a timer;
the report is the median and p95 of each enricher's time and of their sum, after one warm-up
build (the data files load once per process; their load time is printed apart). Nothing here
touches any network but loopback, and the enrichers touch none at all.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from bench.capture import machine_info, progress, spyglass_settings, table, testweb_process
from spyglass.analyze import report as report_module
from spyglass.analyze.document import lists as lists_module
from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, ScanOptions, TaskInfo

PAGES = {
    "shop": ("shop.test", "/", True),
    "kit": ("kit-a.test", "/", False),
    "news": ("news.test", "/", True),
}

# Public addresses from many networks (v4 and v6), for lookups that find something.
PUBLIC_IPS = [
    "8.8.8.8", "1.1.1.1", "9.9.9.9", "151.101.1.69", "104.16.132.229", "13.107.42.14",
    "17.253.144.10", "23.215.0.136", "31.13.72.36", "52.94.236.248", "64.233.160.0",
    "77.88.55.242", "87.250.250.242", "93.184.215.14", "104.244.42.1", "140.82.112.3",
    "157.240.1.35", "172.217.0.0", "185.199.108.153", "192.0.66.2", "199.232.1.140",
    "203.0.113.9", "212.58.244.22", "217.0.0.1", "2606:4700:4400::ac40:9205",
    "2001:4860:4860::8888", "2a03:2880:f12f:83:face:b00c:0:25de", "2620:1ec:bdf::10",
    "2a00:1450:4001:80b::200e", "2600:9000:2000::1",
]  # fmt: skip

# The enrichers, each timed where its caller looks it up: AS and country, certificates (parsed
# from DER while the lists are built), technologies, pivots; then the verdict step's parts:
# decoding wallet calls, classifying clipboard writes, crypto addresses (text, DOM, scripts)
# matched against the sanctions list, and the engines.
ENRICHERS = {
    "enrich_report": report_module,
    "certificate_list": lists_module,
    "add_technologies": report_module,
    "add_pivots": report_module,
    "add_wallet": report_module,
    "add_clipboard": report_module,
    "add_crypto_addresses": report_module,
    "add_verdicts": report_module,
}


def grow(capture: RawCapture, requests: int) -> RawCapture:
    """A copy of ``capture`` with ``requests`` transactions: its sub-resources repeated under new
    URLs, each copy on the next public address."""
    grown = capture.model_copy(deep=True)
    extra = [t for t in capture.transactions if not t.is_main_frame] or capture.transactions
    index = 0
    while len(grown.transactions) < requests:
        source = extra[index % len(extra)]
        ip = PUBLIC_IPS[index % len(PUBLIC_IPS)]
        grown.transactions.append(
            source.model_copy(
                update={
                    "request_id": f"grown-{index}",
                    "url": f"{source.url}?copy={index}",
                    "remote_ip": f"[{ip}]" if ":" in ip else ip,
                }
            )
        )
        index += 1
    return grown


@contextmanager
def timed(names: dict[str, Any], times: dict[str, list[float]]) -> Iterator[None]:
    """Wrap the enrichers so that each call's wall time lands in ``times``."""
    originals: dict[str, Callable[..., Any]] = {}
    for name, module in names.items():
        original = getattr(module, name)
        originals[name] = original

        def wrapper(*args: Any, _name: str = name, _f: Callable[..., Any] = original) -> Any:
            start = time.perf_counter()
            try:
                return _f(*args)
            finally:
                times.setdefault(_name, []).append(time.perf_counter() - start)

        setattr(module, name, wrapper)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(names[name], name, original)


def task_for(capture: RawCapture) -> TaskInfo:
    return TaskInfo(uuid="bench", time=datetime.now(UTC), url=capture.url)


async def scan_pages(requests: int) -> dict[str, RawCapture]:
    captures: dict[str, RawCapture] = {}
    with testweb_process() as web:
        async with BrowserPool(spyglass_settings(web)) as pool:
            for name, (host, path, https) in PAGES.items():
                capture = await pool.capture(web.url(host, path, https), ScanOptions())
                if capture.failure is not None:
                    raise RuntimeError(f"{name}: {capture.failure}")
                progress(f"{name}: {len(capture.transactions)} transactions scanned")
                captures[name] = grow(capture, requests)
    return captures


def measure(captures: dict[str, RawCapture], repeat: int) -> tuple[str, dict[str, float]]:
    first: dict[str, float] = {}
    rows = []
    for name, capture in captures.items():
        task = task_for(capture)
        start = time.perf_counter()
        report_module.build_report(capture, task)  # loads the data files on the first page
        first[name] = time.perf_counter() - start
        times: dict[str, list[float]] = {}
        totals: list[float] = []
        with timed(ENRICHERS, times):
            for _ in range(repeat):
                start = time.perf_counter()
                report = report_module.build_report(capture, task)
                totals.append(time.perf_counter() - start)
        enrich_sums = [sum(values[i] for values in times.values()) for i in range(repeat)]
        cells = [name, len(capture.transactions), len(report.technologies)]
        for enricher in ENRICHERS:
            values = times.get(enricher)
            cells.append(f"{ms(statistics.median(values))}" if values else "-")
        cells += [ms(statistics.median(enrich_sums)), ms(p95(enrich_sums)),
                  ms(statistics.median(totals))]  # fmt: skip
        rows.append(cells)
    headers = ["capture", "requests", "technologies", *[f"{e} ms" for e in ENRICHERS],
               "enrichment median ms", "p95", "whole build_report median ms"]  # fmt: skip
    return table(headers, rows), first


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def p95(values: Sequence[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)
    load = (_load(),)
    captures = asyncio.run(scan_pages(args.requests))
    progress(f"building each report {args.repeat} times")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, first = measure(captures, args.repeat)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("```")
    print(machine_info("(not used: captures come first)", (load[0], _load())))
    print("```\n")
    print(result)
    print()
    print("First build of each report (includes loading data files on first use): "
          + ", ".join(f"{k} {ms(v)} ms" for k, v in first.items()))  # fmt: skip
    print(f"Peak RSS of this process: {rss_before / 1024:.0f} MiB after the scans, "
          f"{rss_after / 1024:.0f} MiB after enriching")  # fmt: skip


def _load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


if __name__ == "__main__":
    sys.exit(main())
