"""A live Spyglass on loopback: ``spyglass serve`` and ``spyglass worker`` as real processes,
scanning the local test web. Used where only a real process will do: the official urlscan
client, kill -9, restarts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_NETWORKS
from tests.testweb import TestWeb

SPYGLASS = [sys.executable, "-m", "spyglass.cli"]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Live:
    """One data folder shared by the processes started from it (SQLite in the folder)."""

    web: TestWeb
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


@pytest.fixture
def live(web: TestWeb, tmp_path: Path, database_url: str | None) -> Iterator[Live]:
    running = Live(web=web, data=tmp_path / "data", database_url=database_url)
    yield running
    running.stop_all()
