"""Service benchmark: the API and the queue of a live ``spyglass serve``, on SQLite and PostgreSQL.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.service                       # full run, both backends: ~7 minutes
    .venv/bin/python -m bench.service --quick               # smoke run: ~2 minutes
    .venv/bin/python -m bench.service --backend postgresql  # one backend only

Every server is a real ``spyglass serve`` process (``python -m spyglass.cli serve``) on loopback,
started with the ``SPYGLASS_*`` environment tests/e2e use, rate limits raised out of the way.
Scans fetch pages from ``tests.testweb``, in a process of its own (as bench/capture.py runs it);
nothing leaves the machine. Each part gets a fresh store: a temporary data folder (SQLite there)
and, for PostgreSQL, a database ``spyglass_bench_<random>`` on 127.0.0.1:5432 created here and
dropped at the end. The parts, per backend:

1. submissions: ``POST /api/v1/scan/`` against ``serve --workers 0`` (nothing is scanned) from 1
   and 8 concurrent clients (httpx, keep-alive), each level for 10 s or 2,000 submissions,
   whichever comes first;
2. end to end: ``serve --workers K`` for K = 1, 2, 4, a warm-up of K scans, then a batch of the
   page mix (25 scans) submitted at once, timed until ``/healthz`` counts every job finished;
   each result is then fetched once;
3. reads: 10,000 finished scans written through the ``Store`` directly (submit, claim,
   complete, a realistic 27-kB news report each: tests/store/conftest.py's; the first few
   hundred one call at a time and timed, the rest in batched transactions), on PostgreSQL an
   ``ANALYZE`` (what autovacuum does soon after such a load), then ``serve --workers 0`` on
   them and ``GET /api/v1/result/{uuid}/`` of random stored scans, one
   client and 4 concurrent clients, and ``GET /api/v1/search/?q=domain:news.test&size=100``.

Besides wall times, the CPU time of the server (its process tree: uvicorn, and the workers'
Chromium in part 2), of this client process, and of the PostgreSQL backends serving the bench's
database (found by their process titles) is read from /proc for each measured level: on a
2-core machine client, server and database share the CPUs, and this tells where the time goes.
Markdown report on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.capture import CHROMIUM, Web, machine_info, progress, table, testweb_process
from spyglass.models import ClaimedJob, RawCapture, ScanRequest
from spyglass.store import Store, queue
from spyglass.store.db import writer
from tests.store.conftest import news_capture, news_report

REPO = Path(__file__).resolve().parent.parent
SPYGLASS = [sys.executable, "-m", "spyglass.cli"]
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
BACKENDS = ("sqlite", "postgresql")
TEST_NETWORKS = ("127.0.0.0/25", "::1/128")  # the test web's (tests/conftest.py)
START_TIMEOUT = 60.0

# The end-to-end mix: each page of bench/capture.py's mix but the redirect chain.
PAGES: dict[str, tuple[str, str]] = {
    "plain": ("plain.test", "/"),
    "news": ("news.test", "/"),
    "app": ("app.test", "/"),
    "login": ("login.test", "/"),
    "links": ("links.test", "/"),
}
SUBMIT_CLIENTS = (1, 8)
WORKER_LEVELS = (1, 2, 4)
READ_CLIENTS = (1, 4)
SEARCH_QUERY = "domain:news.test"
TEMPLATE_UUID = "0b5e7a1c-0000-4000-8000-00000000beef"  # replaced by each scan's own
FILL_REQUEST = ScanRequest(url="http://news.test/", tags=("news",))
FILL_BATCH = 100  # scans per transaction when filling the store


@dataclass(frozen=True)
class Sizes:
    submit_seconds: float
    submit_limit: int
    batch_passes: int  # the end-to-end batch is PAGES this many times
    worker_levels: tuple[int, ...]
    fill: int
    fill_sample: int  # of which through Store.submit/claim/complete one call at a time
    fill_threads: int
    reads: int
    searches: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(10.0, 2000, 5, WORKER_LEVELS, 10_000, 300, 2, 2000, 200)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(3.0, 300, 2, (1, 4), 1000, 100, 2, 300, 30)


# ---------------------------------------------------------------------------- CPU time

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds including reaped children) of one process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / _TICK


def tree_cpu(root: int) -> float:
    """CPU seconds of ``root`` and its descendants (the server and its Chromium)."""
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (info := _stat(int(name))) is not None:
            parents[int(name)], seconds[int(name)] = info
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += seconds.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def database_cpu(database: str | None) -> float:
    """CPU seconds of the PostgreSQL backends connected to ``database`` (their process title is
    ``postgres: 15/main: USER DATABASE ADDRESS STATE``); 0 for SQLite. A backend that exits
    between two readings takes its time with it: the pools here keep theirs open."""
    if database is None:
        return 0.0
    total = 0.0
    marker = f" {database} ".encode()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                title = f.read()
        except OSError:
            continue
        if title.startswith(b"postgres:") and marker in title:
            info = _stat(int(name))
            total += info[1] if info else 0.0
    return total


@dataclass
class Cpu:
    """CPU seconds spent during a measurement, by side."""

    server: float = 0.0
    database: float = 0.0
    client: float = 0.0


@contextlib.contextmanager
def cpu_spent(server_pid: int, database: str | None) -> Iterator[Cpu]:
    spent = Cpu()
    before = (tree_cpu(server_pid), database_cpu(database), time.process_time())
    yield spent
    spent.server = tree_cpu(server_pid) - before[0]
    spent.database = database_cpu(database) - before[1]
    spent.client = time.process_time() - before[2]


# ---------------------------------------------------------------------------- stores, servers


@dataclass(frozen=True)
class Place:
    """Where one part's store lives: a data folder, and a PostgreSQL database or SQLite."""

    backend: str
    data: Path
    database: str | None  # PostgreSQL database name; None: SQLite in ``data``

    @property
    def database_url(self) -> str | None:
        return POSTGRES_BASE + self.database if self.database else None

    def size(self) -> str:
        """The database's size on disk (SQLite: the file and its WAL)."""
        if self.database is None:
            files = [self.data / name for name in ("spyglass.db", "spyglass.db-wal")]
            return mib(sum(f.stat().st_size for f in files if f.exists()))
        engine = create_engine(POSTGRES_ADMIN)
        try:
            with engine.connect() as connection:
                size = connection.execute(
                    text("SELECT pg_database_size(:name)"), {"name": self.database}
                ).scalar_one()
        finally:
            engine.dispose()
        return mib(size)


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MiB"


@contextlib.contextmanager
def fresh_place(backend: str, label: str) -> Iterator[Place]:
    """A temporary data folder and, for PostgreSQL, a database made for this part; both gone
    afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"spyglass-bench-{label}-"))
    database = None
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        if backend == "postgresql":
            database = f"spyglass_bench_{uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
        yield Place(backend, folder / "data", database)
    finally:
        if database is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(web: Web, place: Place, port: int) -> dict[str, str]:
    """tests/e2e/conftest.py's environment: the test web's pins and CA, nothing else resolves;
    rate limits far out of the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPYGLASS_")}
    env.update(
        SPYGLASS_DATA=str(place.data),
        SPYGLASS_RESOLVE=",".join(f"{host}:{address}" for host, address in web.pins.items()),
        SPYGLASS_ALLOW_NETWORKS=",".join(TEST_NETWORKS),
        SPYGLASS_PINS_ONLY="1",
        SPYGLASS_TRUSTED_SPKI=web.spki_hash,
        SPYGLASS_PUBLIC_URL=f"http://127.0.0.1:{port}",
        SPYGLASS_RATE_LIMIT_MINUTE="10000000",
        SPYGLASS_RATE_LIMIT_DAY="100000000",
    )
    if place.database_url:
        env["SPYGLASS_DATABASE_URL"] = place.database_url
    return env


@dataclass(frozen=True)
class Server:
    pid: int
    base_url: str


@contextlib.contextmanager
def serving(web: Web, place: Place, workers: int) -> Iterator[Server]:
    """``spyglass serve --workers N`` on a free port until the block ends (SIGTERM to its
    process group, which takes its Chromium along). Its output goes to a log file next to the
    data folder, shown if it fails to start."""
    port = free_port()
    log_path = place.data.parent / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*SPYGLASS, "serve", "--port", str(port), "--workers", str(workers)],
            cwd=REPO, env=server_env(web, place, port), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"spyglass serve did not start (exit {process.poll()}):\n{tail}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass  # not listening yet
            time.sleep(0.1)
        yield Server(process.pid, base_url)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def create_key(place: Place) -> str:
    store = Store.open(place.data, place.database_url)
    try:
        return store.create_api_key("bench")[1]
    finally:
        store.close()


def client(server: Server, key: str, connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.base_url,
        headers={"API-Key": key},
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        timeout=60,
    )


# ---------------------------------------------------------------------------- load


@dataclass
class Load:
    """One level of requests: how many, over how long, each one's latency."""

    what: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    cpu: Cpu = field(default_factory=Cpu)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


async def hammer(
    send: Callable[[int], Awaitable[httpx.Response]],
    clients: int,
    limit: int,
    seconds: float,
    load: Load,
) -> None:
    """``clients`` tasks calling ``send(i)`` back to back until ``limit`` calls were made or
    ``seconds`` passed; anything but 200 is an error."""
    issued = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def one_client() -> None:
        nonlocal issued
        while issued < limit and time.perf_counter() < deadline:
            issued += 1
            began = time.perf_counter()
            response = await send(issued)
            load.latencies.append(time.perf_counter() - began)
            load.bytes += len(response.content)
            if response.status_code != 200:
                load.errors += 1

    await asyncio.gather(*(one_client() for _ in range(clients)))
    load.seconds = time.perf_counter() - start


def page_urls(web: Web) -> dict[str, str]:
    return {name: web.url(host, path) for name, (host, path) in PAGES.items()}


# ---------------------------------------------------------------------------- 1. submissions


async def measure_submissions(web: Web, backend: str, sizes: Sizes) -> list[Load]:
    urls = list(page_urls(web).values())
    loads = []
    with fresh_place(backend, "submit") as place:
        key = create_key(place)
        with serving(web, place, workers=0) as server:
            for clients in SUBMIT_CLIENTS:
                async with client(server, key, clients) as http:

                    def send(i: int, http: httpx.AsyncClient = http) -> Awaitable[httpx.Response]:
                        body = {"url": urls[i % len(urls)], "visibility": "public"}
                        return http.post("/api/v1/scan/", json=body)

                    await hammer(send, clients, 50, 60, Load("warm-up", clients))
                    load = Load("POST /api/v1/scan/", clients)
                    with cpu_spent(server.pid, place.database) as load.cpu:
                        await hammer(send, clients, sizes.submit_limit, sizes.submit_seconds, load)
                loads.append(load)
                progress(f"{backend}: submissions, {clients} clients: {load.per_second:.0f}/s")
    return loads


# ---------------------------------------------------------------------------- 2. end to end


@dataclass
class Batch:
    workers: int
    scans: int = 0
    seconds: float = 0.0
    failed: int = 0
    unreadable: int = 0  # results that did not answer 200 afterwards
    turnaround: list[float] = field(default_factory=list)  # submitted -> finished, per scan
    scan_time: list[float] = field(default_factory=list)  # started -> finished, per scan
    cpu: Cpu = field(default_factory=Cpu)

    @property
    def per_minute(self) -> float:
        return self.scans / self.seconds * 60 if self.seconds else 0.0


async def finish(http: httpx.AsyncClient, urls: Sequence[str], expected: int) -> list[str]:
    """Submit ``urls`` and wait until ``/healthz`` counts ``expected`` jobs done or failed."""
    uuids = []
    for url in urls:
        response = await http.post("/api/v1/scan/", json={"url": url, "visibility": "public"})
        response.raise_for_status()
        uuids.append(response.json()["uuid"])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        jobs = (await http.get("/healthz")).json()["jobs"]
        if jobs["done"] + jobs["failed"] >= expected:
            return uuids
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{expected} jobs not finished within 300 s: {jobs}")


def scan_times(place: Place, uuids: Sequence[str]) -> tuple[list[float], list[float], int]:
    """(submitted -> finished, started -> finished, failed) of ``uuids``, from the database."""
    store = Store.open(place.data, place.database_url)
    turnaround, scan_time, failed = [], [], 0
    try:
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT uuid, status, submitted_ms, started_at, finished_at FROM scans"
            ).all()
    finally:
        store.close()
    wanted = set(uuids)
    for uuid, status, submitted_ms, started_at, finished_at in rows:
        if uuid not in wanted:
            continue
        failed += status != "done"
        finished, started = as_epoch(finished_at), as_epoch(started_at)
        turnaround.append(finished - submitted_ms / 1000)
        scan_time.append(finished - started)
    return turnaround, scan_time, failed


def as_epoch(value: Any) -> float:
    """A timestamp column as epoch seconds: SQLite gives naive-UTC text, PostgreSQL datetimes."""
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


async def measure_end_to_end(web: Web, backend: str, sizes: Sizes) -> list[Batch]:
    urls = page_urls(web)
    batch_urls = list(urls.values()) * sizes.batch_passes
    batches = []
    for workers in sizes.worker_levels:
        with fresh_place(backend, f"e2e{workers}") as place:
            key = create_key(place)
            with serving(web, place, workers) as server:
                async with client(server, key, 4) as http:
                    # Warm-up: the browser starts and each worker scans once.
                    await finish(http, [urls["plain"]] * workers, workers)
                    batch = Batch(workers, len(batch_urls))
                    with cpu_spent(server.pid, place.database) as batch.cpu:
                        start = time.perf_counter()
                        uuids = await finish(http, batch_urls, workers + len(batch_urls))
                        batch.seconds = time.perf_counter() - start
                    for uuid in uuids:
                        response = await http.get(f"/api/v1/result/{uuid}/")
                        batch.unreadable += response.status_code != 200
            batch.turnaround, batch.scan_time, batch.failed = scan_times(place, uuids)
        batches.append(batch)
        progress(f"{backend}: {workers} workers: {batch.per_minute:.0f} scans/min")
    return batches


# ---------------------------------------------------------------------------- 3. reads


@dataclass
class Fill:
    scans: int
    batched_seconds: float  # all but the sample, in batched transactions
    threads: int
    calls: dict[str, list[float]]  # Store method -> seconds per call, in the sample
    size: str = "?"


def report_template() -> tuple[str, RawCapture]:
    """The news scenario's report as JSON text, with ``TEMPLATE_UUID`` where each scan's own
    UUID goes, and its capture (whose two blobs every scan shares)."""
    capture = news_capture()
    job = ClaimedJob(
        job_id=0,
        scan_uuid=TEMPLATE_UUID,
        attempt=1,
        worker_id="bench",
        request=FILL_REQUEST,
        submitted_at=capture.started_at,
        owner=None,
    )
    return json.dumps(news_report(job, capture)), capture


def fill_store(place: Place, count: int, sample: int, threads: int) -> Fill:
    """``count`` finished scans. The first ``sample`` go through the Store's own ``submit``,
    ``claim`` and ``complete`` one call (one transaction) at a time, as a worker's do, and each
    call is timed; the rest through the same queue functions, ``FILL_BATCH`` scans per
    transaction, from ``threads`` threads: on PostgreSQL each commit waits for the WAL flush,
    and 10,000 scans a call at a time would take minutes."""
    template, capture = report_template()
    store = Store.open(place.data, place.database_url)
    calls: dict[str, list[float]] = {"submit": [], "claim": [], "complete": []}
    done = 0
    lock = threading.Lock()

    def report_for(job: ClaimedJob) -> dict[str, Any]:
        return json.loads(template.replace(TEMPLATE_UUID, job.scan_uuid))

    def timed(name: str, call: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        result = call()
        calls[name].append(time.perf_counter() - began)
        return result

    def batch(size: int, worker: str) -> None:
        nonlocal done
        now = store.clock()
        with Session(writer(store.engine)) as session, session.begin():
            for _ in range(size):
                queue.submit(session, FILL_REQUEST, owner=None, priority=0, source=None,
                             dedupe_window=0, force=False, now=now)  # fmt: skip
                # This transaction's own rows: invisible (PostgreSQL) or locked out (SQLite)
                # for the other threads until it commits.
                job = queue.claim(session, worker, 600, now=now)
                assert job is not None
                queue.complete(session, job, report_for(job), capture, dom_sha256=None,
                               har_sha256=None, now=now)  # fmt: skip
        with lock:
            before, done = done, done + size
            if before // 2000 != done // 2000:
                progress(f"{place.backend}: filled {done + sample}/{count}")

    def one_thread(quota: int) -> None:
        worker = f"bench-{threading.get_ident()}"
        while quota > 0:
            size = min(FILL_BATCH, quota)
            batch(size, worker)
            quota -= size

    try:
        for _ in range(min(sample, count)):
            timed("submit", lambda: store.submit(FILL_REQUEST, owner=None))
            job = timed("claim", lambda: store.claim("bench-sample", 600))
            report = report_for(job)
            if not timed("complete", lambda job=job, report=report: store.complete(
                    job, report, capture)):  # fmt: skip
                raise RuntimeError(f"lost the lease on {job.scan_uuid}")
        rest = max(0, count - sample)
        start = time.perf_counter()
        quotas = [rest // threads + (i < rest % threads) for i in range(threads)]
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(one_thread, quota) for quota in quotas]:
                future.result()
        seconds = time.perf_counter() - start
    finally:
        store.close()
    return Fill(count, seconds, threads, calls, place.size())


def analyze(place: Place) -> None:
    """Planner statistics for the freshly filled tables, as autovacuum would gather within a
    minute or so of such a load: without them PostgreSQL picks a nested loop over all 10,000
    matches for the search (about 110 ms of database CPU per search instead of about 20)."""
    engine = create_engine(POSTGRES_BASE + place.database, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def stored_uuids(place: Place) -> list[str]:
    store = Store.open(place.data, place.database_url)
    try:
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT uuid FROM scans WHERE status = 'done'")
            return sorted(row[0] for row in rows)
    finally:
        store.close()


async def measure_reads(web: Web, backend: str, sizes: Sizes) -> tuple[Fill, list[Load]]:
    loads = []
    with fresh_place(backend, "reads") as place:
        key = create_key(place)
        threads = sizes.fill_threads if backend == "postgresql" else 1  # SQLite: one writer
        fill = fill_store(place, sizes.fill, sizes.fill_sample, threads)
        progress(f"{backend}: {fill.scans} scans stored")
        if place.database is not None:
            analyze(place)
        uuids = stored_uuids(place)
        picker = random.Random(1)
        with serving(web, place, workers=0) as server:
            for clients in READ_CLIENTS:
                async with client(server, key, clients) as http:

                    def get(_: int, http: httpx.AsyncClient = http) -> Awaitable[httpx.Response]:
                        return http.get(f"/api/v1/result/{picker.choice(uuids)}/")

                    await hammer(get, clients, 100, 60, Load("warm-up", clients))
                    load = Load("GET /api/v1/result/{uuid}/", clients)
                    with cpu_spent(server.pid, place.database) as load.cpu:
                        await hammer(get, clients, sizes.reads, 600, load)
                loads.append(load)
                progress(f"{backend}: result GETs, {clients} clients: {load.per_second:.0f}/s")
            async with client(server, key, 1) as http:

                def find(_: int) -> Awaitable[httpx.Response]:
                    return http.get("/api/v1/search/", params={"q": SEARCH_QUERY, "size": 100})

                await hammer(find, 1, 5, 60, Load("warm-up", 1))
                load = Load(f"GET /api/v1/search/?q={SEARCH_QUERY}&size=100", 1)
                with cpu_spent(server.pid, place.database) as load.cpu:
                    await hammer(find, 1, sizes.searches, 600, load)
                found = (await find(0)).json()
                load.what += f" (total {found['total']}, {len(found['results'])} hits)"
            loads.append(load)
            progress(f"{backend}: searches: {load.per_second:.0f}/s")
    return fill, loads


# ---------------------------------------------------------------------------- report


def pct(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def per(seconds: float, count: int) -> str:
    return f"{seconds / count * 1000:.1f}" if count else "-"


def load_table(results: dict[str, list[Load]], unit: str) -> str:
    headers = ["backend", "request", "clients", "n", "wall s", f"{unit}/s", "p50 ms", "p95 ms",
               "p99 ms", "errors", "KB/resp", "CPU ms/req: server", "database",
               "client"]  # fmt: skip
    rows = []
    for backend, loads in results.items():
        for load in loads:
            n = load.count
            rows.append([backend, load.what, load.clients, n, f"{load.seconds:.1f}",
                         f"**{load.per_second:.0f}**", f"{pct(load.latencies, 50) * 1000:.1f}",
                         f"{pct(load.latencies, 95) * 1000:.1f}",
                         f"{pct(load.latencies, 99) * 1000:.1f}", load.errors,
                         f"{load.bytes / max(n, 1) / 1024:.1f}", per(load.cpu.server, n),
                         per(load.cpu.database, n) if backend == "postgresql" else "(in server)",
                         per(load.cpu.client, n)])  # fmt: skip
    return table(headers, rows)


def batch_table(results: dict[str, list[Batch]]) -> str:
    headers = ["backend", "workers", "scans", "wall s", "scans/min", "turnaround p50 s", "p95 s",
               "scan p50 s", "p95 s", "failed", "unreadable", "server CPU s/scan",
               "database CPU ms/scan"]  # fmt: skip
    rows = []
    for backend, batches in results.items():
        for b in batches:
            rows.append([backend, b.workers, b.scans, f"{b.seconds:.1f}",
                         f"**{b.per_minute:.1f}**", f"{pct(b.turnaround, 50):.2f}",
                         f"{pct(b.turnaround, 95):.2f}", f"{pct(b.scan_time, 50):.2f}",
                         f"{pct(b.scan_time, 95):.2f}", b.failed, b.unreadable,
                         f"{b.cpu.server / b.scans:.2f}",
                         per(b.cpu.database, b.scans) if backend == "postgresql" else "-",
                         ])  # fmt: skip
    return table(headers, rows)


def fill_table(results: dict[str, Fill]) -> str:
    rows = []
    for backend, f in results.items():
        sample = len(f.calls["complete"])
        per_call = [f"{pct(f.calls[name], 50) * 1000:.1f} / {pct(f.calls[name], 95) * 1000:.1f}"
                    for name in ("submit", "claim", "complete")]  # fmt: skip
        batched = f.scans - sample
        rate = f"{batched / f.batched_seconds:.0f}" if f.batched_seconds else "-"
        rows.append([backend, *per_call, sample, batched, f.threads, f"{f.batched_seconds:.1f}",
                     rate, f.size])  # fmt: skip
    headers = ["backend", "submit p50/p95 ms", "claim p50/p95 ms", "complete p50/p95 ms",
               "timed scans", "batched scans", "threads", "batched wall s", "batched scans/s",
               "db size"]  # fmt: skip
    return table(headers, rows)


def postgres_version() -> str:
    engine = create_engine(POSTGRES_ADMIN)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar_one()
    except Exception as e:  # reported, not fatal: the SQLite half runs without it
        return f"unreachable ({type(e).__name__})"
    finally:
        engine.dispose()


def chromium_version() -> str:
    done = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip().removeprefix("Chromium ").split(" ")[0] or "?"


@dataclass
class Results:
    submissions: dict[str, list[Load]] = field(default_factory=dict)
    batches: dict[str, list[Batch]] = field(default_factory=dict)
    fills: dict[str, Fill] = field(default_factory=dict)
    reads: dict[str, list[Load]] = field(default_factory=dict)


def report(results: Results, sizes: Sizes, load: tuple[float, float], args: str) -> str:
    machine = machine_info(chromium_version(), load)
    machine += f"\npostgresql: {postgres_version()} (127.0.0.1:5432)\ncommand: {args}"
    batch = len(PAGES) * sizes.batch_passes
    sections = [
        ("Machine", machine),
        (f"Submissions: POST /api/v1/scan/ to serve --workers 0 ({sizes.submit_seconds:.0f} s "
         f"or {sizes.submit_limit} per level)", load_table(results.submissions, "submissions")),
        (f"End to end: serve --workers K, a batch of {batch} scans ({', '.join(PAGES)}) "
         "submitted at once", batch_table(results.batches)),
        (f"Filling the store (no browser): {sizes.fill_sample} scans one Store call at a time, "
         f"the rest {FILL_BATCH} per transaction", fill_table(results.fills)),
        (f"Reads with {sizes.fill} stored scans (serve --workers 0; PostgreSQL: after ANALYZE)",
         load_table(results.reads, "requests")),
    ]  # fmt: skip
    notes = (
        "CPU ms/req: CPU time per request of the server process tree, of the PostgreSQL "
        "backends serving the bench's database, and of this client process. turnaround: "
        "submitted -> finished, including the wait in the queue; scan: started -> finished."
    )
    body = "\n\n".join(f"## {title}\n\n{text_}" for title, text_ in sections)
    return body + "\n\n" + notes + "\n"


# ---------------------------------------------------------------------------- main


async def run(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    sizes = Sizes.quick() if args.quick else Sizes.full()
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    results = Results()
    with testweb_process() as web:
        for backend in backends:
            progress(f"{backend}: submissions")
            results.submissions[backend] = await measure_submissions(web, backend, sizes)
            progress(f"{backend}: end to end")
            results.batches[backend] = await measure_end_to_end(web, backend, sizes)
            progress(f"{backend}: filling {sizes.fill} scans, then reads")
            results.fills[backend], results.reads[backend] = await measure_reads(
                web, backend, sizes
            )
    load = (load_at_start, os.getloadavg()[0])
    command = " ".join(["python -m bench.service", *sys.argv[1:]])
    print()
    print(report(results, sizes, load, command))
    print(f"(whole run {time.perf_counter() - began:.0f} s)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller batches: ~2 minutes")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    args = parser.parse_args(argv)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
