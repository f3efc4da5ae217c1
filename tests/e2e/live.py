"""A live Spyglass on loopback: ``spyglass serve`` and ``spyglass worker`` as real processes,
scanning the local test web, and a burst of submissions against it. Shared by tests/e2e (through
its conftest's ``live`` fixture) and bench/durability.py, which runs the same burst at full size."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from tests.testweb.hosts import TEST_NETWORKS

SPYGLASS = [sys.executable, "-m", "spyglass.cli"]
START_TIMEOUT = 60.0


class Served(Protocol):
    """What a live Spyglass needs of the test web: a ``TestWeb`` in this process, or
    bench/capture.py's handle on one in another process."""

    @property
    def pins(self) -> dict[str, str]: ...

    @property
    def spki_hash(self) -> str: ...


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Live:
    """One data folder shared by the processes started from it (SQLite in the folder)."""

    web: Served
    data: Path
    database_url: str | None = None  # None: SQLite in the data folder
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SPYGLASS_DATA=str(self.data),
            SPYGLASS_RESOLVE=",".join(f"{h}:{a}" for h, a in self.web.pins.items()),
            SPYGLASS_ALLOW_NETWORKS=",".join(TEST_NETWORKS),
            SPYGLASS_PINS_ONLY="1",
            SPYGLASS_TRUSTED_SPKI=self.web.spki_hash,
            SPYGLASS_PUBLIC_URL=self.base_url,
            SPYGLASS_RATE_LIMIT_MINUTE="100000",
            SPYGLASS_RATE_LIMIT_DAY="1000000",
        )
        if self.database_url:
            env["SPYGLASS_DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def attempts(self) -> list[int]:
        """Each job's attempt number, read straight from the database."""
        from spyglass.store import Store

        store = Store.open(self.data, self.database_url)
        try:
            with store.engine.connect() as connection:
                return [row[0] for row in connection.exec_driver_sql("SELECT attempt FROM jobs")]
        finally:
            store.close()

    def create_key(self) -> str:
        out = subprocess.run(
            [*SPYGLASS, "keys", "create", "tests"],
            env=self.env(), check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return out.stdout.strip().splitlines()[-1]

    def serve(self, workers: int) -> subprocess.Popen[bytes]:
        process = self._start(["serve", "--port", str(self.port), "--workers", str(workers)])
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"spyglass serve exited with {process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return process
            except httpx.HTTPError:
                pass  # not listening yet
            time.sleep(0.1)
        raise RuntimeError("spyglass serve did not answer /healthz in time")

    def worker(self, workers: int = 1) -> subprocess.Popen[bytes]:
        return self._start(["worker", "--workers", str(workers)])

    def submit(self, key: str, url: str) -> str:
        """A public scan of ``url`` through the API: its uuid."""
        response = httpx.post(
            f"{self.base_url}/api/v1/scan/", json={"url": url, "visibility": "public"},
            headers={"API-Key": key}, timeout=30,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return response.json()["uuid"]

    def result(self, key: str, uuid: str, wait: float = 60) -> dict[str, Any]:
        """The scan's report, waiting up to ``wait`` seconds for it to finish."""
        response = httpx.get(
            f"{self.base_url}/api/v1/result/{uuid}/", params={"wait": wait},
            headers={"API-Key": key}, timeout=wait + 30,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return response.json()

    def jobs(self) -> dict[str, int]:
        return httpx.get(f"{self.base_url}/healthz", timeout=5).json()["jobs"]

    def wait_for(self, condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    def _start(self, args: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [*SPYGLASS, *args], env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,  # kill -9 of the group takes its Chromium along
        )  # fmt: skip
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            self.stop(process)


@dataclass(frozen=True)
class Burst:
    """What a burst of concurrent submissions came to, once no job was left queued or running."""

    urls: list[str]
    uuids: list[str]
    reports: list[dict[str, Any]]
    jobs: dict[str, int]
    attempts: list[int]  # each job's attempt number: above 1 where a job was taken over
    submit_seconds: float  # first submission -> last accepted
    finish_seconds: float  # first submission -> no job queued or running

    def problems(self) -> list[str]:
        """Every way a job was lost or doubled; empty when none was."""
        found = []
        if len(set(self.uuids)) != len(self.urls):
            found.append(f"{len(self.urls)} submissions got {len(set(self.uuids))} distinct uuids")
        if sorted(r["task"]["uuid"] for r in self.reports) != sorted(self.uuids):
            found.append("the reports' uuids are not the submitted scans'")
        if sorted(r["task"]["url"] for r in self.reports) != sorted(self.urls):
            found.append("the reports' URLs are not the submitted URLs")
        if self.jobs.get("done") != len(self.urls):
            found.append(f"{self.jobs.get('done', 0)} of {len(self.urls)} jobs done: {self.jobs}")
        if any(self.jobs.get(state, 0) for state in ("failed", "queued", "running")):
            found.append(f"jobs left failed, queued or running: {self.jobs}")
        return found


def burst(
    live: Live,
    key: str,
    urls: Sequence[str],
    *,
    clients: int = 20,
    timeout: float = 400.0,
    midway: Callable[[], None] | None = None,
) -> Burst:
    """Submit every URL at once from ``clients`` threads, call ``midway`` (a kill, say), wait
    until no job of the store is queued or running, then read every report once."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        uuids = list(pool.map(lambda url: live.submit(key, url), urls))
    submitted = time.monotonic()
    if midway is not None:
        midway()

    def settled() -> bool:
        jobs = live.jobs()
        return jobs.get("done", 0) + jobs.get("failed", 0) >= len(urls) and not (
            jobs.get("queued", 0) or jobs.get("running", 0)
        )

    live.wait_for(settled, timeout, f"{len(urls)} scans to finish")
    finished = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        reports = list(pool.map(lambda uuid: live.result(key, uuid, wait=0), uuids))
    return Burst(
        urls=list(urls),
        uuids=uuids,
        reports=reports,
        jobs=live.jobs(),
        attempts=live.attempts(),
        submit_seconds=submitted - started,
        finish_seconds=finished - started,
    )
