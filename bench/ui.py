"""Web UI benchmark: the server time of the report page of a 500-request scan, and of search.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.ui                      # both backends: about a minute
    .venv/bin/python -m bench.ui --backend sqlite     # one backend only
    .venv/bin/python -m bench.ui --saved              # no browser: the saved news capture

The scan is the news-like scenario: a real ``BrowserPool`` scan of news.test (``tests.testweb``
in its own process, on loopback, as bench/enrich.py does; ``--saved``: the saved redirect-chain
news capture of tests/analyze/captures.py instead), grown to ``--requests`` transactions (500 by
default, the issue's yardstick) with bench/enrich.py's ``grow`` (sub-resources copied under new
URLs on public addresses of many networks). ``build_report`` makes its report, which is stored
through the ``Store`` (submit, claim, complete) in a fresh store: SQLite in a temporary folder,
and a database ``spyglass_bench_<random>`` on 127.0.0.1:5432 for PostgreSQL, dropped at the end.
``--scans`` more finished scans of the saved news capture (a few hundred) fill the store so that
the home page and search have something to list.

Then ``GET /result/{uuid}/`` is sent in-process (Starlette's TestClient against
``create_app(settings, store)``: no socket, so the time is the server's: routing, the store
read, the view, the template, the response), once to warm up, then ``--repeat`` times; the
page's p50 and p95 are printed with its three parts timed apart, each the same number of times:
the store read (``get_scan`` + ``get_report``, the JSON document decoded), ``report_view`` and
the template render (``ui.render``, which the route calls). ``/`` and ``/search/?q=…`` are timed
the same way for context. Markdown report on stdout, progress on stderr. Nothing here touches any
network but loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from bench.capture import machine_info, progress, spyglass_settings, table, testweb_process
from bench.enrich import grow
from bench.service import BACKENDS, Place, fresh_place
from spyglass.analyze.report import build_report
from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, ScanOptions, ScanRecord, ScanRequest, TaskInfo
from spyglass.service import create_app, ui
from spyglass.service.auth import Caller
from spyglass.service.views import report_view
from spyglass.settings import Settings
from spyglass.store import Store
from tests.store.conftest import news_capture

with warnings.catch_warnings():
    # Starlette 1.x suggests httpx2 for its test client; httpx 0.28 is what we pin.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

TARGET_MS = 300.0  # the bound on the report page's server time
PUBLIC_URL = "http://127.0.0.1:8000"
SEARCHES = {
    "/": "/",
    "/search/?q=domain:news.test (all match)": "/search/?q=domain%3Anews.test",
    "/search/?q=daily (a bare word)": "/search/?q=daily",
    "/search/?q=page.domain:news.test": "/search/?q=page.domain%3Anews.test",
}


# ---------------------------------------------------------------------------- the scan


async def scan_news() -> RawCapture:
    """A real scan of news.test, as bench/enrich.py makes it."""
    with testweb_process() as web:
        async with BrowserPool(spyglass_settings(web)) as pool:
            capture = await pool.capture(web.url("news.test", "/", True), ScanOptions())
    if capture.failure is not None:
        raise RuntimeError(f"news.test: {capture.failure}")
    progress(f"news.test: {len(capture.transactions)} transactions scanned")
    return capture


def store_scan(store: Store, capture: RawCapture, tags: tuple[str, ...]) -> ScanRecord:
    """Submit, claim and complete one scan of ``capture``, as the API and a worker would."""
    record, _ = store.submit(ScanRequest(url=capture.url, tags=tags), owner=None)
    job = store.claim("bench", 60)
    if job is None or job.scan_uuid != record.uuid:
        raise RuntimeError("the queue did not hand out the scan just submitted")
    task = TaskInfo(
        uuid=record.uuid, time=job.submitted_at, url=record.url, visibility=record.visibility,
        method="api", tags=list(record.tags), base_url=PUBLIC_URL,
    )  # fmt: skip
    report = build_report(capture, task).to_json_dict()
    if not store.complete(job, report, capture):
        raise RuntimeError("lost the lease of a benchmark job")
    return record


# ---------------------------------------------------------------------------- timing


def timings(call: Callable[[], Any], repeat: int) -> list[float]:
    call()  # warm-up
    values = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        values.append(time.perf_counter() - start)
    return values


@contextlib.contextmanager
def full_collections() -> Iterator[list[float]]:
    """The duration of each full (generation 2) garbage collection while the block runs."""
    pauses: list[float] = []
    began = [0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - began[0])

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def p95(values: Sequence[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def row(what: str, values: Sequence[float], size: int | str = "") -> list[object]:
    return [what, ms(statistics.median(values)), ms(p95(values)), ms(max(values)), size]


def measure(place: Place, big: RawCapture, fill: int, repeat: int) -> tuple[list, list, float]:
    """Rows for the report page and its parts, rows for the listing pages, the page's p95.
    The page is timed as is, with the full (generation-2) garbage collections that happen during
    those requests timed apart (the process holds some 300,000 objects, as a ``serve`` with
    workers does once the enrichers' data is loaded: each full collection walks them all), and
    again after ``gc.freeze()``."""
    store = Store.open(place.data, place.database_url)
    try:
        started = time.perf_counter()
        saved = news_capture()
        for i in range(fill):
            store_scan(store, saved, ("news", f"fill-{i % 7}"))
        record = store_scan(store, big, ("news", "big"))
        progress(
            f"{place.backend}: {fill + 1} scans stored in {time.perf_counter() - started:.1f} s"
        )
        if place.database_url:
            with store.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
        settings = Settings(public_url=PUBLIC_URL, rate_limit_minute=0, rate_limit_day=0)
        with TestClient(create_app(settings, store)) as client:
            path = f"/result/{record.uuid}/"

            def page(path: str = path) -> int:
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path}: {response.status_code}")
                return len(response.content)

            size = page()
            report = store.get_report(record.uuid)
            assert report is not None
            view = report_view(report)
            caller = Caller(None, "127.0.0.1")
            with full_collections() as pauses:
                page_times = timings(page, repeat)
            gc.freeze()  # what a server could do once started: old objects out of the GC's way
            try:
                frozen = timings(page, repeat)
            finally:
                gc.unfreeze()
            rows = [
                row("GET /result/{uuid}/ (whole page)", page_times, f"{size / 1024:.0f} kB"),
                row(f"  of which full GC pauses ({len(pauses)} in {repeat + 1} requests)",
                    pauses or [0.0]),
                row("  store read (get_scan + get_report)",
                    timings(lambda: (store.get_scan(record.uuid), store.get_report(record.uuid)),
                            repeat)),
                row("  report_view(report)", timings(lambda: report_view(report), repeat)),
                row("  template render (ui.render result.html)",
                    timings(lambda: ui.render("result.html", view=view, record=record,
                                              caller=caller), repeat)),
                row("GET /result/{uuid}/ after gc.freeze()", frozen, f"{size / 1024:.0f} kB"),
            ]  # fmt: skip
            listing = []
            for what, url in SEARCHES.items():
                listing.append(row(what, timings(lambda url=url: page(url), repeat), ""))
                listing[-1][-1] = f"{page(url) / 1024:.0f} kB"
        progress(f"{place.backend}: measured")
        return rows, listing, p95(page_times)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--scans", type=int, default=300, help="other stored scans")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--saved", action="store_true", help="no browser: the saved capture")
    args = parser.parse_args(argv)
    load = _load()
    base = news_capture() if args.saved else asyncio.run(scan_news())
    big = grow(base, args.requests)
    progress(f"capture grown to {len(big.transactions)} transactions")
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    results = {}
    for backend in backends:
        with fresh_place(backend, "ui") as place:
            results[backend] = measure(place, big, args.scans, args.repeat)
    print("```")
    chromium = "(not used: --saved)" if args.saved else "(news.test scanned first)"
    print(machine_info(chromium, (load, _load())))
    print("```\n")
    headers = ["what", "p50 ms", "p95 ms", "max ms", "response"]
    what = "saved news capture" if args.saved else "real news.test scan"
    for backend, (rows, listing, page_p95) in results.items():
        verdict = "met" if page_p95 * 1000 <= TARGET_MS else "NOT met"
        print(f"**{backend}**: report page of a {len(big.transactions)}-request scan ({what}), "
              f"{args.repeat} requests after one warm-up; target <= {TARGET_MS:.0f} ms: "
              f"{verdict} (p95 {ms(page_p95)} ms)\n")  # fmt: skip
        print(table(headers, rows))
        print()
        print(f"With {args.scans + 1} stored scans:\n")
        print(table(headers, listing))
        print()
    print(f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.")


def _load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


if __name__ == "__main__":
    sys.exit(main())
