"""The browser as an attacker's page finds it: an unprivileged user inside Chromium's sandbox,
with none of our secrets, no way to send UDP, and bounds on the disk and memory it can take.

Each test here failed on the code before issue 13 (root, --no-sandbox, a misspelt WebRTC switch,
downloads capped only once finished, the JS heap the only memory cap, page.url blind to blob:).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spyglass.capture.browser import BrowserPool
from spyglass.capture.memory import tree_rss
from spyglass.capture.sandbox import HOME_PREFIX, BrowserHome, browser_user
from spyglass.models import FailureReason, RawCapture, ScanOptions
from spyglass.settings import Settings
from spyglass.store import Store
from tests.conftest import report_of, tiny_png
from tests.testweb import TestWeb
from tests.testweb.hosts import INTERNAL_ADDRESS

SECRETS = {
    "SPYGLASS_DATABASE_URL": "postgresql+psycopg://spyglass:hunter2@127.0.0.1/spyglass",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "DATABASE_URL": "postgresql://app:hunter2@127.0.0.1/app",
    "HTTPS_PROXY": "http://user:pass@127.0.0.1:3128",
}


@dataclass(frozen=True)
class Process:
    """What /proc says of one browser process."""

    uid: list[str]
    seccomp: str
    cmdline: bytes  # Chromium rewrites its children's: one string with spaces
    environment: str
    pid_namespace: str
    net_namespace: str

    @property
    def renderer(self) -> bool:
        return b"--type=renderer" in self.cmdline

    @classmethod
    def read(cls, pid: int) -> Process | None:
        """None for a process that is gone (or a zombie) by the time it is read."""
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            status = {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}
            return cls(
                uid=status["Uid"].split(),
                seccomp=status["Seccomp"],
                cmdline=Path(f"/proc/{pid}/cmdline").read_bytes(),
                environment=Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace"),
                pid_namespace=os.readlink(f"/proc/{pid}/ns/pid"),
                net_namespace=os.readlink(f"/proc/{pid}/ns/net"),
            )
        except OSError:
            return None


def _profile(process: Process) -> Path:
    """The profile folder Playwright gave the browser."""
    for arg in process.cmdline.split(b"\0"):
        if arg.startswith(b"--user-data-dir="):
            return Path(arg.split(b"=", 1)[1].decode())
    raise AssertionError("the browser has no --user-data-dir")


async def _processes_during(pool: BrowserPool, url: str) -> tuple[dict[int, Process], RawCapture]:
    """Scan ``url`` and, while it runs, read every process of the browser, renderers included."""
    assert pool.home is not None
    scan = asyncio.ensure_future(pool.capture(url, ScanOptions(timeout=6)))
    seen: dict[int, Process] = {}
    deadline = time.monotonic() + 5
    while not any(p.renderer for p in seen.values()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        read = {pid: Process.read(pid) for pid in tree_rss(int(pool.home.pidfile.read_text()))}
        seen = {pid: process for pid, process in read.items() if process is not None}
    return seen, await scan


async def test_browser_runs_unprivileged_in_its_sandbox_without_our_secrets(
    settings: Settings, web: TestWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    async with BrowserPool(settings) as pool:
        processes, capture = await _processes_during(pool, web.url("hostile.test", "/hang"))
        assert pool.isolation.sandbox and pool.user.uid != 0
        assert pool.home is not None
        browser = processes[int(pool.home.pidfile.read_text())]
        folders = [pool.home.root, _profile(browser)]
        for folder in [folders[1], pool.home.downloads, pool.home.tmp]:
            assert folder.stat().st_uid == pool.user.uid, folder
    renderers = [process for process in processes.values() if process.renderer]
    assert renderers, "no renderer process seen during the scan"
    for process in processes.values():
        assert process.uid == [str(pool.user.uid)] * 4, process.cmdline[:80]
        assert b"--no-sandbox" not in process.cmdline, process.cmdline[:80]
        for name, value in SECRETS.items():
            assert name not in process.environment and value not in process.environment
        assert "SPYGLASS_" not in process.environment
    for process in renderers:
        assert process.seccomp == "2", process.cmdline[:80]  # seccomp-bpf filter on
        assert process.pid_namespace != os.readlink("/proc/self/ns/pid")
        assert process.net_namespace != os.readlink("/proc/self/ns/net")
    assert not any(folder.exists() for folder in folders)  # gone with the browser
    assert capture.isolation is not None and capture.isolation.sandbox
    assert capture.isolation.uid == pool.user.uid
    assert report_of(capture).meta["isolation"]["sandbox"] is True


def _as_browser_user(pool: BrowserPool, *command: str) -> subprocess.CompletedProcess[str]:
    drop = [
        "setpriv",
        f"--reuid={pool.user.uid}",
        f"--regid={pool.user.gid}",
        "--clear-groups",
    ]
    return subprocess.run([*drop, *command], capture_output=True, text=True, timeout=10)


@pytest.fixture
def open_parent(tmp_path: Path) -> Iterator[Path]:
    """A folder anyone may enter (pytest's own are 0700, which would prove nothing)."""
    parent = tmp_path / "srv"
    parent.mkdir()
    for folder in (tmp_path, parent):
        folder.chmod(0o755)
    yield parent
    tmp_path.chmod(0o700)


async def test_browser_user_cannot_read_the_database_or_a_blob(
    pool: BrowserPool, open_parent: Path
) -> None:
    store = Store.open(open_parent / "data")
    try:
        digest = store.blobs.put(tiny_png())
        database = open_parent / "data" / "spyglass.db"
        blob = next((open_parent / "data" / "blobs").rglob(digest + "*"))
        assert database.exists() and blob.exists()
        for path in (database, blob):
            denied = _as_browser_user(pool, "cat", str(path))
            assert denied.returncode != 0 and "Permission denied" in denied.stderr, path
        listing = _as_browser_user(pool, "ls", str(open_parent / "data"))
        assert listing.returncode != 0 and "Permission denied" in listing.stderr
    finally:
        store.close()


# ---------------------------------------------------------------- WebRTC


@pytest.fixture
def closed_udp() -> Iterator[socket.socket]:
    """A UDP listener on internal.test's address: a closed range the guard must keep closed."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((INTERNAL_ADDRESS, 0))
    listener.setblocking(False)
    yield listener
    listener.close()


def _datagrams(listener: socket.socket) -> list[bytes]:
    received = []
    while True:
        try:
            received.append(listener.recv(65536))
        except BlockingIOError:
            return received


@pytest.mark.parametrize("page", ["/webrtc-stun", "/webrtc-turn", "/webrtc-candidate"])
async def test_webrtc_sends_no_udp_and_is_recorded(
    pool: BrowserPool, web: TestWeb, closed_udp: socket.socket, page: str
) -> None:
    port = closed_udp.getsockname()[1]
    url = web.url("hostile.test", f"{page}?host={INTERNAL_ADDRESS}&port={port}")
    capture = await pool.capture(url, ScanOptions(timeout=8))
    # ICE starts at setLocalDescription / addIceCandidate, well within the settled scan; the
    # first STUN binding request or connectivity check would have arrived by now.
    assert capture.failure is None
    assert _datagrams(closed_udp) == []
    attempts = [b for b in capture.blocked if b.reason == "webrtc"]
    assert any(b.ip == INTERNAL_ADDRESS and b.port == port for b in attempts), capture.blocked
    blocked = report_of(capture).data["blocked"]
    assert any(b["reason"] == "webrtc" and b["port"] == port for b in blocked)


# ---------------------------------------------------------------- downloads and memory


def _disk_use(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        # (a file may finish or go between the listing and the stat)
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size if path.is_file() else 0
    return total


async def test_parallel_chunked_downloads_never_exceed_the_cap_on_disk(
    settings: Settings, web: TestWeb
) -> None:
    cap = 40 * 1024 * 1024
    bounded = settings.model_copy(update={"max_scan_bytes": cap, "max_download_bytes": cap})
    async with BrowserPool(bounded) as pool:
        assert pool.home is not None
        downloads = pool.home.downloads
        scan = asyncio.ensure_future(
            pool.capture(web.url("hostile.test", "/downloads-parallel"), ScanOptions(timeout=8))
        )
        peak = 0
        while not scan.done():
            peak = max(peak, _disk_use(downloads))
            await asyncio.sleep(0.005)
        capture = await scan
        after = await pool.capture(web.url("plain.test"))
    assert len(capture.downloads) >= 2, capture.downloads
    assert 0 < peak <= cap, peak
    assert any("byte budget" in note for note in capture.incomplete), capture.incomplete
    assert not any(d.saved for d in capture.downloads)  # every one was cut short
    assert after.failure is None and after.title == "Plain page"


async def test_download_over_the_cap_is_cancelled_while_it_streams(
    settings: Settings, web: TestWeb
) -> None:
    capped = settings.model_copy(update={"max_download_bytes": 4 * 1024 * 1024})
    async with BrowserPool(capped) as pool:
        capture = await pool.capture(
            web.url("hostile.test", "/download-drip"), ScanOptions(timeout=10)
        )
    (download,) = capture.downloads
    assert not download.saved and download.sha256 is None
    assert download.note and "cancelled while downloading" in download.note
    # The first progress report past 4 MB cancels it: far from the 60 MB the server would send.
    assert download.size is not None and download.size < 40 * 1024 * 1024


@pytest.mark.parametrize("method", ["cgroup", "watchdog"])
async def test_arraybuffer_bomb_ends_as_memory_and_the_next_scan_works(
    settings: Settings, web: TestWeb, method: str
) -> None:
    bounded = settings.model_copy(update={"browser_memory_mb": 1024, "memory_bound": method})
    async with BrowserPool(bounded) as pool:
        assert pool.isolation.memory_bound == method
        bomb = await pool.capture(
            web.url("hostile.test", "/arraybuffer-bomb"), ScanOptions(timeout=15)
        )
        after = await pool.capture(web.url("plain.test"))
    assert bomb.failure is not None and bomb.failure.reason is FailureReason.MEMORY, bomb.failure
    assert "1024 MB" in bomb.failure.message
    report_of(bomb)  # a partial report all the same
    assert after.failure is None and after.title == "Plain page"


# ---------------------------------------------------------------- the page's URL


async def test_final_url_follows_a_top_level_blob_navigation(
    pool: BrowserPool, web: TestWeb
) -> None:
    capture = await pool.capture(web.url("hostile.test", "/blob-navigation"))
    assert capture.final_url is not None
    assert capture.final_url.startswith("blob:http://hostile.test"), capture.final_url
    assert capture.title == "Blob document"
    assert capture.text is not None and "Sign in to continue" in capture.text


def test_a_dead_workers_browser_home_is_removed_by_the_next(tmp_path: Path) -> None:
    """kill -9 leaves a worker's browser folders behind; the next browser home clears them."""
    user = browser_user()
    orphan = tmp_path / f"{HOME_PREFIX}{_gone_pid()}-abc"
    (orphan / "home").mkdir(parents=True)
    alive = tmp_path / f"{HOME_PREFIX}{os.getpid()}-def"
    alive.mkdir()
    made = BrowserHome.create(user, tmp_path)
    try:
        assert not orphan.exists() and alive.exists() and made.root.exists()
    finally:
        made.remove()


def _gone_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
