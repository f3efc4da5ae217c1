"""Durability benchmark: bursts of submissions to a live ``spyglass serve``, on SQLite and
PostgreSQL, timed, and checked for lost or doubled jobs.

Run from the repository root, with the project's venv:

    .venv/bin/python -m bench.durability                      # 200 per burst, both backends
    .venv/bin/python -m bench.durability --submissions 40     # the size tests/e2e runs
    .venv/bin/python -m bench.durability --backend sqlite     # one backend only

The servers and workers are real processes started by tests/e2e/live.py's ``Live`` (the
environment and burst the tests use: tests/e2e/test_durability.py runs a small burst in the
suite, this runs it at full size). Pages come from ``tests.testweb`` in a process of its own;
nothing leaves the machine. Each part gets a fresh store (bench/service.py's ``fresh_place``: a
temporary data folder, and for PostgreSQL a database on 127.0.0.1:5432 dropped at the end).
The parts, per backend:

1. burst: ``serve --workers 4``, every submission sent at once from 20 clients;
2. kill -9: ``serve --workers 0`` and two ``spyglass worker --workers 2`` processes, lease 10 s;
   once half the burst is done one worker process is killed with SIGKILL (its Chromium along)
   and a fresh one started; its jobs are taken over when their leases run out.

Each part waits until no job is queued or running, reads every report once and checks that each
submission has exactly one report of its URL and every job is done. Markdown on stdout, progress
on stderr; the exit status is 1 when a job was lost or doubled.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.capture import Web, machine_info, progress, table, testweb_process
from bench.service import BACKENDS, chromium_version, fresh_place, postgres_version
from tests.e2e.live import Burst, Live, burst

SERVE_WORKERS = 4
CLIENTS = 20
KILL_LEASE_SECONDS = 10
TIMEOUT = 900.0  # per part; the suite's 200-submission burst took ~200 s on a busy 2-core box


@dataclass(frozen=True)
class Part:
    backend: str
    name: str
    burst: Burst


def run_burst(web: Web, backend: str, count: int) -> Burst:
    """Part 1: every submission at once to ``serve --workers 4``."""
    with fresh_place(backend, "durability") as place:
        live = Live(web=web, data=place.data, database_url=place.database_url)
        try:
            key = live.create_key()
            live.serve(workers=SERVE_WORKERS)
            return burst(live, key, _urls(web, count), clients=CLIENTS, timeout=TIMEOUT)
        finally:
            live.stop_all()


def run_kill(web: Web, backend: str, count: int) -> Burst:
    """Part 2: two worker processes, one killed -9 halfway through the burst."""
    with fresh_place(backend, "durability-kill") as place:
        live = Live(web=web, data=place.data, database_url=place.database_url)
        live.extra_env["SPYGLASS_LEASE_SECONDS"] = str(KILL_LEASE_SECONDS)
        try:
            key = live.create_key()
            live.serve(workers=0)
            doomed = live.worker(SERVE_WORKERS // 2)
            live.worker(SERVE_WORKERS // 2)

            def kill_halfway() -> None:
                half = count // 2
                live.wait_for(lambda: live.jobs().get("done", 0) >= half, TIMEOUT, "half the jobs")
                progress(f"  kill -9 of worker {doomed.pid} at {live.jobs()}")
                live.stop(doomed, signal.SIGKILL)
                live.worker(SERVE_WORKERS // 2)

            urls = _urls(web, count)
            return burst(live, key, urls, clients=CLIENTS, timeout=TIMEOUT, midway=kill_halfway)
        finally:
            live.stop_all()


def _urls(web: Web, count: int) -> list[str]:
    return [web.url("plain.test", f"/?n={n}") for n in range(count)]


def parts_table(parts: Sequence[Part]) -> str:
    rows = [
        [
            part.backend,
            part.name,
            len(part.burst.urls),
            f"{part.burst.submit_seconds:.1f}",
            f"{len(part.burst.urls) / part.burst.submit_seconds:.0f}",
            f"{part.burst.finish_seconds:.1f}",
            f"{len(part.burst.urls) / part.burst.finish_seconds:.2f}",
            sum(1 for attempt in part.burst.attempts if attempt > 1),
            "; ".join(part.burst.problems()) or "none",
        ]
        for part in parts
    ]
    headers = [
        "backend", "part", "submissions", "submit s", "submissions/s", "all finished s",
        "scans/s", "taken over", "lost or doubled",
    ]  # fmt: skip
    return table(headers, rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200, help="per burst (default 200)")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 part")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    parts: list[Part] = []
    with testweb_process() as web:
        for backend in backends:
            progress(f"{backend}: burst of {args.submissions}")
            parts.append(Part(backend, "burst", run_burst(web, backend, args.submissions)))
            if not args.no_kill:
                progress(f"{backend}: burst of {args.submissions}, a worker killed -9 halfway")
                parts.append(Part(backend, "kill -9", run_kill(web, backend, args.submissions)))
    machine = machine_info(chromium_version(), (load_at_start, os.getloadavg()[0]))
    machine += f"\npostgresql: {postgres_version()} (127.0.0.1:5432)"
    machine += f"\ncommand: python -m bench.durability {' '.join(sys.argv[1:])}".rstrip()
    print(f"\n## Machine\n\n{machine}\n\n## Bursts\n\n{parts_table(parts)}\n")
    print(
        f"submit s: first submission -> last accepted ({CLIENTS} clients); all finished s: "
        "first submission -> no job queued or running; taken over: jobs finished on a second "
        "attempt (after a lease ran out)."
    )
    print(f"(whole run {time.perf_counter() - began:.0f} s)")
    if any(part.burst.problems() for part in parts):
        sys.exit(1)


if __name__ == "__main__":
    main()
