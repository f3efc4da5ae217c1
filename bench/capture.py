"""Capture benchmark: Spyglass's throughput, its overhead over bare Playwright, and the peer.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.capture              # full run: about 5 minutes on 2 cores
    .venv/bin/python -m bench.capture --quick      # smoke run: about 2 minutes
    .venv/bin/python -m bench.capture --rounds 3 --no-peer

Everything is served by ``tests.testweb`` on loopback, in a process of its own; no browser here
resolves any other name (``--host-resolver-rules`` ends in ``MAP * ~NOTFOUND``). The report goes
to stdout as Markdown (progress to stderr). The parts, in the order they run:

1. overhead: each page of ``PAGES``, ``--rounds`` times, scanned by Spyglass (``BrowserPool``)
   and by a bare Playwright "scan" (new context, new page, ``goto`` waiting for ``load``,
   ``content()``, full-page ``screenshot()``, close), interleaved A/B, B/A to cancel drift, with
   the CPU time of each side's own processes (bench/cpu.py);
2. throughput: per round, a batch of 12 scans through one ``BrowserPool`` by 1, 2 and 4
   concurrent workers, the levels' order alternating from round to round;
3. phases: the mix ``--rounds // 2`` times more, one scan at a time, with Spyglass's steps timed
   by wrappers installed for that part only (bench/phases.py);
4. slow timers: hostile.test's 15-s and 60-s ``setTimeout`` redirects, by Spyglass and bare;
5. the peer: Lookyloo's capture library (PlaywrightCapture 1.43.1) on a few pages, ~30 s each,
   in its own venv (bench/setup-peer makes it on first use, from PyPI), run as bench/peer.py.
   ``--no-peer`` skips it.

Numbers are wall times from ``time.perf_counter()``; one warm-up scan per page and side runs
first and is not counted. The machine's load average is printed: other work on it skews
everything but the interleaved ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from bench.cpu import cpu_delta, cpu_snapshot, drivers
from bench.phases import PhaseClock, report_order
from spyglass.capture.browser import BrowserPool
from spyglass.models import ScanOptions
from spyglass.settings import Settings
from tests.testweb import TestWeb
from tests.testweb.urls import Urls

BENCH = Path(__file__).resolve().parent
PEER_VENV = BENCH / ".venv-peer"
PEER_PYTHON = PEER_VENV / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"

# name -> (host, path): the fixed mix for the overhead and throughput parts.
PAGES: dict[str, tuple[str, str]] = {
    "news": ("news.test", "/"),
    "plain": ("plain.test", "/"),
    "app": ("app.test", "/"),
    "login": ("login.test", "/"),
    "links": ("links.test", "/"),
    "redirect": ("redirect.test", "/start"),
}
# setTimeout redirects to final.test/after-timeout after 15 s and 60 s of page time.
SLOW_PAGES: dict[str, tuple[str, str]] = {
    "slow-redirect": ("hostile.test", "/slow-redirect"),
    "slower-redirect": ("hostile.test", "/slower-redirect"),
}
PEER_PAGES = ["plain", "news", "slow-redirect", "slower-redirect"]
PEER_PAGES_QUICK = ["plain", "slow-redirect"]
PEER_TIMEOUT = 90  # the library's own default capture timeout, seconds
PEER_CAPTURE_LIMIT = 150.0  # what one peer capture may take before the benchmark gives up on it
CONCURRENCY = (1, 2, 4)
# A throughput batch is the mix twice: 12 scans make whole waves at 1, 2 and 4 workers.
BATCH_PASSES = 2
NAVIGATING_LIMIT = 10.0  # how long the bare scan waits for redirects after load to end
BARE_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Sample:
    """One scan's wall time and where it ended."""

    side: str  # "spyglass" | "bare"
    page: str
    seconds: float
    final_url: str | None
    error: str | None = None
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by kind of process


# ---------------------------------------------------------------------------- the test web


@dataclass(frozen=True)
class Web:
    """What the benchmark needs of a ``TestWeb`` that runs in another process."""

    pins: dict[str, str]
    spki_hash: str
    rules: str
    http_port: int
    https_port: int
    pid: int  # the server's process, whose CPU time is the sites', not the capture's

    def url(self, host: str, path: str = "/", https: bool = False) -> str:
        return Urls(self.http_port, self.https_port).url(host, path, https)

    def resolver_rules(self) -> str:
        return self.rules


def _serve(conn: Any) -> None:
    with TestWeb() as web:
        conn.send(Web(web.pins, web.spki_hash, web.resolver_rules(), web.http_port,
                      web.https_port, os.getpid()))  # fmt: skip
        with contextlib.suppress(EOFError):
            conn.recv()  # until the benchmark says stop, or is gone


@contextlib.contextmanager
def testweb_process() -> Iterator[Web]:
    """The test web in a process of its own, as a real site would be: served in this process, its
    handlers would share the GIL with Spyglass's proxy and recorder and be counted against them."""
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(theirs,), name="testweb", daemon=True
    )
    server.start()
    theirs.close()  # so that recv() fails at once if the server dies
    try:
        if not ours.poll(30):
            raise RuntimeError("the test web did not start within 30 s")
        yield ours.recv()
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        server.join(15)
        if server.is_alive():
            server.kill()


# ---------------------------------------------------------------------------- the two scanners


def browser_flags(web: Web) -> list[str]:
    """The bare baseline's (and the peer's) flags: the test hosts map to loopback, nothing else
    resolves, and the test CA's key is trusted."""
    return [
        *BARE_FLAGS,
        "--host-resolver-rules=" + web.resolver_rules(),
        "--ignore-certificate-errors-spki-list=" + web.spki_hash,
    ]


def spyglass_settings(web: Web) -> Settings:
    return Settings(
        allow_networks=("127.0.0.0/25", "::1/128"),
        resolve=dict(web.pins),
        pins_only=True,
        trusted_spki=(web.spki_hash,),
    )


async def spyglass_scan(pool: BrowserPool, page: str, url: str) -> Sample:
    start = time.perf_counter()
    capture = await pool.capture(url, ScanOptions())
    seconds = time.perf_counter() - start
    error = capture.failure.reason.value if capture.failure else None
    if error is None and capture.incomplete:
        error = "incomplete: " + "; ".join(capture.incomplete)
    return Sample("spyglass", page, seconds, capture.final_url, error)


async def bare_scan(browser: Browser, page_name: str, url: str) -> Sample:
    """The floor: what any Playwright capture of the page costs, with nothing recorded."""
    phases: dict[str, float] = {}
    error = None
    final_url = None
    start = mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = now - mark
        mark = now

    context = await browser.new_context()
    try:
        page = await context.new_page()
        lap("new context + page")
        await page.goto(url)
        lap("goto (load)")
        await content_after_redirects(page)
        lap("content()")
        await page.screenshot(full_page=True)
        lap("screenshot(full_page)")
        final_url = page.url
    except PlaywrightError as e:
        error = str(e).splitlines()[0][:120]
    finally:
        await context.close()
        lap("context close")
    return Sample("bare", page_name, time.perf_counter() - start, final_url, error, phases)


async def content_after_redirects(page: Page) -> str:
    """``page.content()``, once the page has stopped navigating: a meta refresh or a script
    redirect right after ``load`` makes it fail ("the page is navigating"), as any capture
    script built on ``goto`` finds out; it then reads the page the redirects end on."""
    deadline = time.monotonic() + NAVIGATING_LIMIT
    while True:
        try:
            return await page.content()
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            await page.wait_for_load_state()


# ---------------------------------------------------------------------------- the parts


@dataclass(frozen=True)
class Sides:
    """The two scanners, each with its own Playwright driver (whose process tree is its CPU)."""

    pool: BrowserPool
    pool_driver: frozenset[int]
    browser: Browser
    bare_driver: frozenset[int]


async def measure_overhead(
    sides: Sides, urls: dict[str, str], rounds: int, web: Web
) -> list[Sample]:
    """Spyglass and bare on each page, in alternating order from one page and round to the next,
    with the CPU time each scan cost its own browser (the other side's is not counted)."""
    servers = {web.pid: "test web (server)"}
    samples = []
    for round_ in range(rounds):
        for index, (page, url) in enumerate(urls.items()):
            pair: list[tuple[Callable[[], Awaitable[Sample]], frozenset[int]]] = [
                (lambda page=page, url=url: spyglass_scan(sides.pool, page, url),
                 sides.bare_driver),
                (lambda page=page, url=url: bare_scan(sides.browser, page, url),
                 sides.pool_driver),
            ]  # fmt: skip
            if (round_ + index) % 2:
                pair.reverse()
            for scan, other_side in pair:
                before = cpu_snapshot(servers, skip=other_side)
                sample = await scan()
                sample.cpu = cpu_delta(before, cpu_snapshot(servers, skip=other_side))
                samples.append(sample)
        progress(f"overhead: round {round_ + 1}/{rounds} done")
    return samples


@dataclass
class Throughput:
    concurrency: int
    scans: int = 0
    seconds: float = 0.0
    failures: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_minute(self) -> float:
        return self.scans / self.seconds * 60


async def measure_throughput(
    pool: BrowserPool, urls: dict[str, str], rounds: int
) -> list[Throughput]:
    """Each round, one batch per concurrency level, the levels in alternating order so that a
    busy spell on the machine does not land on one level only."""
    levels = {concurrency: Throughput(concurrency) for concurrency in CONCURRENCY}
    batch = list(urls.items()) * BATCH_PASSES
    for round_ in range(rounds):
        for concurrency in CONCURRENCY if round_ % 2 == 0 else CONCURRENCY[::-1]:
            level = levels[concurrency]
            start = time.perf_counter()
            samples = await scan_batch(pool, batch, concurrency)
            level.seconds += time.perf_counter() - start
            level.scans += len(samples)
            level.failures += sum(1 for s in samples if s.error)
            level.latencies += [s.seconds for s in samples]
        progress(f"throughput: round {round_ + 1}/{rounds} done")
    return list(levels.values())


async def scan_batch(
    pool: BrowserPool, batch: list[tuple[str, str]], concurrency: int
) -> list[Sample]:
    """Scan ``batch`` with ``concurrency`` workers sharing one queue."""
    queue = list(batch)
    samples: list[Sample] = []

    async def worker() -> None:
        while queue:
            page, url = queue.pop(0)
            samples.append(await spyglass_scan(pool, page, url))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples


async def measure_phases(pool: BrowserPool, urls: dict[str, str], rounds: int) -> list[Sample]:
    clock = PhaseClock()
    samples = []
    with clock.installed():
        for _ in range(rounds):
            for page, url in urls.items():
                clock.begin()
                sample = await spyglass_scan(pool, page, url)
                clock.end()
                sample.phases = clock.scans[-1]
                samples.append(sample)
    return samples


def ensure_peer_venv() -> None:
    if PEER_PYTHON.exists():
        return
    progress("peer: creating bench/.venv-peer (bench/setup-peer)")
    subprocess.run(["sh", str(BENCH / "setup-peer")], check=True)


async def run_peer(web: Web, names: Sequence[str]) -> list[dict[str, Any]]:
    """Lookyloo's capture library on ``names``, one capture after another, in its own venv."""
    ensure_peer_venv()
    urls = all_urls(web)
    job = {
        "chromium": CHROMIUM,
        "flags": browser_flags(web),
        "pages": [{"name": name, "url": urls[name]} for name in names],
        "timeout": PEER_TIMEOUT,
    }
    process = await asyncio.create_subprocess_exec(
        str(PEER_PYTHON),
        str(BENCH / "peer.py"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(job).encode())
    process.stdin.close()
    rows: list[dict[str, Any]] = []
    try:
        for _ in names:
            line = await asyncio.wait_for(process.stdout.readline(), PEER_CAPTURE_LIMIT)
            if not line:
                break
            rows.append(json.loads(line))
            row = rows[-1]
            progress(f"peer: {row['name']} {row.get('seconds', 0):.1f} s -> {row.get('final_url')}")
    except TimeoutError:
        progress(f"peer: a capture took over {PEER_CAPTURE_LIMIT:.0f} s; stopping the peer")
    finally:
        if process.returncode is None:
            process.kill()
        _, stderr = await process.communicate()
    blocked = [line for line in stderr.decode(errors="replace").splitlines() if "blocked:" in line]
    for line in blocked[:5]:
        progress(f"peer stderr: {line}")
    return rows


# ---------------------------------------------------------------------------- numbers and tables


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, ready to paste into BENCHMARKS.md."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in cells]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def short_url(url: str | None, web: Web) -> str:
    if not url:
        return "-"
    for port in (web.http_port, web.https_port):
        url = url.replace(f":{port}/", "/")
    return url


def overhead_report(samples: list[Sample], web: Web) -> str:
    rows = []
    ratios = []
    for page in PAGES:
        spy = [s.seconds for s in samples if s.page == page and s.side == "spyglass"]
        bare = [s.seconds for s in samples if s.page == page and s.side == "bare"]
        ratio = median(spy) / median(bare)
        ratios.append(ratio)
        finals = {s.side: short_url(s.final_url, web) for s in samples if s.page == page}
        errors = sum(1 for s in samples if s.page == page and s.error)
        rows.append([page, len(spy), ms(median(spy)), ms(p90(spy)), ms(median(bare)),
                     ms(p90(bare)), f"{ratio:.2f}", finals.get("spyglass"), finals.get("bare"),
                     errors])  # fmt: skip
    spy = [s.seconds for s in samples if s.side == "spyglass"]
    bare = [s.seconds for s in samples if s.side == "bare"]
    rows.append(["**all**", len(spy), ms(median(spy)), ms(p90(spy)), ms(median(bare)),
                 ms(p90(bare)), f"{median(spy) / median(bare):.2f}", "", "",
                 sum(1 for s in samples if s.error)])  # fmt: skip
    headers = ["page", "n", "Spyglass median ms", "p90", "bare median ms", "p90",
               "ratio", "Spyglass final URL", "bare final URL", "errors"]  # fmt: skip
    plain = [s for s in samples if s.page != "redirect"]
    spy_plain = [s.seconds for s in plain if s.side == "spyglass"]
    bare_plain = [s.seconds for s in plain if s.side == "bare"]
    summary = (
        f"ratio Spyglass/bare: median of per-page median ratios {median(ratios):.2f}; "
        f"overall medians {median(spy) / median(bare):.2f}; "
        f"total time {sum(spy) / sum(bare):.2f}; "
        f"overall medians without the redirect chain {median(spy_plain) / median(bare_plain):.2f} "
        "(target <= 1.25)"
    )
    errors = sorted({f"{s.side} {s.page}: {s.error}" for s in samples if s.error})
    return "\n".join([table(headers, rows), "", summary, *errors])


def cpu_report(samples: list[Sample]) -> str:
    """Mean CPU milliseconds per scan, by kind of process: where each side's work runs."""
    by_side = {side: [s.cpu for s in samples if s.side == side] for side in ("spyglass", "bare")}
    kinds = sorted({kind for s in samples for kind in s.cpu})

    def mean(side: str, kind: str | None) -> float:
        return statistics.fmean(sum(v for k, v in cpu.items() if kind in (None, k))
                                for cpu in by_side[side])  # fmt: skip

    rows = [[kind, ms(mean("spyglass", kind)), ms(mean("bare", kind))] for kind in kinds]
    rows = [row for row in rows if row[1:] != ["0", "0"]]
    rows.sort(key=lambda row: -int(row[1]))
    rows.append(["**all**", ms(mean("spyglass", None)), ms(mean("bare", None))])
    return table(["process", "Spyglass CPU ms/scan", "bare CPU ms/scan"], rows)


def throughput_report(results: list[Throughput], overhead: list[Sample]) -> str:
    rows = [[r.concurrency, r.scans, f"{r.seconds:.1f}", f"{r.per_minute:.1f}",
             ms(median(r.latencies)), ms(p90(r.latencies)), r.failures]
            for r in results]  # fmt: skip
    headers = ["concurrency", "scans", "wall s", "scans/min", "median scan ms", "p90", "failed"]
    cores = len(os.sched_getaffinity(0))
    ceilings = []
    for side in ("spyglass", "bare"):
        cpu = statistics.fmean(sum(s.cpu.values()) for s in overhead if s.side == side)
        ceilings.append(f"{side} {cores * 60 / cpu:.0f}/min ({cpu:.2f} CPU s per scan)")
    ceiling = f"CPU-bound ceiling on {cores} cores: " + ", ".join(ceilings)
    return "\n".join([table(headers, rows), "", ceiling])


def peer_report(overhead: list[Sample], peer: list[dict[str, Any]]) -> str:
    lines = []
    for row in peer:
        if row["name"] not in PAGES or "seconds" not in row:
            continue
        ours = median(
            [s.seconds for s in overhead if s.page == row["name"] and s.side == "spyglass"]
        )
        lines.append(f"{row['name']}: peer {row['seconds']:.1f} s vs Spyglass median "
                     f"{ours:.2f} s ({row['seconds'] / ours:.0f}x)")  # fmt: skip
    return "\n".join(lines)


def phase_report(samples: list[Sample], bare: list[Sample]) -> str:
    seen = {name for s in samples for name in s.phases}
    mean_total = statistics.fmean([s.phases["total"] for s in samples])
    rows = []
    for name in [name for name in report_order() if name in seen]:
        values = [s.phases.get(name, 0.0) for s in samples]
        mean = statistics.fmean(values)
        rows.append([name, ms(median(values)), ms(mean), f"{mean / mean_total:.0%}"])
    spyglass = table(["Spyglass phase", "median ms", "mean ms", "share of mean"], rows)
    bare_names = list(dict.fromkeys(name for s in bare for name in s.phases))
    bare_rows = [[name, ms(median([s.phases.get(name, 0.0) for s in bare])),
                  ms(statistics.fmean([s.phases.get(name, 0.0) for s in bare]))]
                 for name in bare_names]  # fmt: skip
    bare_rows.append(["total", ms(median([s.seconds for s in bare])),
                      ms(statistics.fmean([s.seconds for s in bare]))])  # fmt: skip
    baseline = table(["bare phase", "median ms", "mean ms"], bare_rows)
    note = f"({len(samples)} Spyglass scans one at a time; indented rows: parts of the row above)"
    return "\n".join([spyglass, note, "", baseline])


def slow_report(samples: list[Sample], peer: list[dict[str, Any]], web: Web) -> str:
    rows = []
    for sample in samples:
        rows.append([sample.side, sample.page, f"{sample.seconds:.2f}",
                     short_url(sample.final_url, web), sample.error or ""])  # fmt: skip
    for row in peer:
        seconds = "-"
        if "seconds" in row:
            seconds = f"{row['seconds']:.2f} (launch {row['launch_seconds']:.2f})"
        note = ((row.get("error") or "").splitlines() or [""])[0][:80]
        final_url = short_url(row.get("final_url"), web)
        rows.append(["PlaywrightCapture 1.43.1", row["name"], seconds, final_url, note])
    return table(["capturer", "page", "wall s", "final URL", "note"], rows)


def machine_info(chromium_version: str, load: tuple[float, float]) -> str:
    cpu = "?"
    memory = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    now = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return "\n".join([
        f"date: {now}",
        f"cpus: {len(os.sched_getaffinity(0))} (nproc), {cpu}",
        f"memory: {memory}",
        f"kernel: {platform.release()}",
        f"python: {platform.python_version()}, playwright {metadata.version('playwright')}",
        f"chromium: {chromium_version} ({CHROMIUM})",
        f"load average (1 min) at start {load[0]:.2f}, at end {load[1]:.2f}",
        source_state(),
    ])  # fmt: skip


def source_state() -> str:
    """The Spyglass code measured: the commit, and any uncommitted change to it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True)
        return done.stdout.rstrip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "spyglass").splitlines()]
    state = f"spyglass: commit {git('rev-parse', '--short', 'HEAD') or '?'}"
    return state + (f", uncommitted changes to {', '.join(changed)}" if changed else "")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def all_urls(web: Web) -> dict[str, str]:
    return {name: web.url(host, path) for name, (host, path) in {**PAGES, **SLOW_PAGES}.items()}


# ---------------------------------------------------------------------------- main


@dataclass
class Measured:
    chromium_version: str
    overhead: list[Sample]
    throughput: list[Throughput]
    phases: list[Sample]
    slow: list[Sample]


async def measure(web: Web, rounds: int) -> Measured:
    """Every part but the peer's, with one BrowserPool and one bare browser."""
    urls = all_urls(web)
    mix = {name: urls[name] for name in PAGES}
    async with BrowserPool(spyglass_settings(web)) as pool:
        pool_driver = drivers()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=browser_flags(web)
            )
            sides = Sides(pool, pool_driver, browser, drivers() - pool_driver)
            progress("warm-up")
            for page, url in mix.items():
                await spyglass_scan(pool, page, url)
                await bare_scan(browser, page, url)
            overhead = await measure_overhead(sides, mix, rounds, web)
            throughput = await measure_throughput(pool, mix, rounds)
            phases = await measure_phases(pool, mix, max(1, rounds // 2))
            progress("phases done")
            slow = [await spyglass_scan(pool, name, urls[name]) for name in SLOW_PAGES]
            slow += [await bare_scan(browser, name, urls[name]) for name in SLOW_PAGES]
            return Measured(browser.version, overhead, throughput, phases, slow)


async def run(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    with testweb_process() as web:
        measured = await measure(web, args.rounds)
        peer: list[dict[str, Any]] = []
        if not args.no_peer:
            peer = await run_peer(web, PEER_PAGES_QUICK if args.quick else PEER_PAGES)
    load = (load_at_start, os.getloadavg()[0])
    print()
    print(report(measured, peer, web, args.rounds, load))
    print(f"(whole run {time.perf_counter() - began:.0f} s)")


def report(
    measured: Measured,
    peer: list[dict[str, Any]],
    web: Web,
    rounds: int,
    load: tuple[float, float],
) -> str:
    overhead = measured.overhead
    batch = len(PAGES) * BATCH_PASSES
    sections = [
        ("Machine", machine_info(measured.chromium_version, load)),
        (f"Overhead: Spyglass vs bare Playwright, {rounds} rounds, interleaved",
         overhead_report(overhead, web)),
        ("CPU per scan in the overhead part (each side's own processes)", cpu_report(overhead)),
        (f"Throughput: one BrowserPool, {rounds} rounds x {batch} scans per level, levels "
         "interleaved", throughput_report(measured.throughput, overhead)),
        ("Where a Spyglass scan's time goes (one scan at a time)",
         phase_report(measured.phases, [s for s in overhead if s.side == "bare"])),
        ("Delayed redirects and the peer", slow_report(measured.slow, peer, web)),
    ]  # fmt: skip
    if any(row["name"] in PAGES and "seconds" in row for row in peer):
        sections.append(("Peer vs Spyglass on ordinary pages", peer_report(overhead, peer)))
    return "\n\n".join(f"## {title}\n\n{body}" for title, body in sections) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the page mix (5)")
    parser.add_argument("--quick", action="store_true", help="1 round, 2 peer pages")
    parser.add_argument("--no-peer", action="store_true", help="skip Lookyloo's library")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 1
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
