"""The baseline globals' disk cache (capture/baseline.py): the next process reads what the first
recorded, for the same browser only; anything that changed in what the list depends on has it
recorded again. A stale list would hide a page's globals from its report."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from spyglass import diskcache
from spyglass.capture import baseline
from spyglass.capture.baseline import BrowserProcess, make_key
from spyglass.capture.browser import BrowserPool
from spyglass.settings import Settings
from tests.testweb import TestWeb

PROCESS = BrowserProcess(
    exe="/usr/lib/chromium/chromium",
    exe_id=(65024, 13402156, 296807256, 1796271701000000000),
    argv=("/usr/lib/chromium/chromium", "--headless=new", "--user-data-dir=/tmp/profile-a"),
)
KEY_ARGS: dict[str, Any] = {
    "version": "156.0.8078.129",
    "playwright_version": "1.65.2",
    "code_sha256": "0" * 64,
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, as a new machine has it: empty."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "spyglass" / baseline.CACHE_NAME


# --------------------------------------------------------------------------- the key


def test_the_key_ignores_only_the_profile_folder_of_each_launch() -> None:
    other_launch = dataclasses.replace(
        PROCESS, argv=(*PROCESS.argv[:-1], "--user-data-dir=/tmp/profile-b")
    )
    assert make_key(other_launch, **KEY_ARGS) == make_key(PROCESS, **KEY_ARGS)


@pytest.mark.parametrize(
    "change",
    [
        {"process": dataclasses.replace(PROCESS, exe="/opt/chromium/chrome")},
        # an upgrade: a new file (inode), another size or modification time
        {"process": dataclasses.replace(PROCESS, exe_id=(65024, 1, 296807256, 1796271701 * 10**9))},
        {"process": dataclasses.replace(PROCESS, exe_id=(65024, 13402156, 1, 1796271701 * 10**9))},
        {"process": dataclasses.replace(PROCESS, exe_id=(65024, 13402156, 296807256, 1))},
        # a switch more (ours, Playwright's or a wrapper's), or one less
        {"process": dataclasses.replace(PROCESS, argv=(*PROCESS.argv, "--enable-features=X"))},
        {"process": dataclasses.replace(PROCESS, argv=PROCESS.argv[:1] + PROCESS.argv[2:])},
        {"version": "157.0.1.1"},
        {"playwright_version": "1.66.0"},
        {"code_sha256": "1" * 64},  # baseline.py changed: the way the list is made
    ],
    ids=["exe", "inode", "size", "mtime", "switch-added", "switch-removed", "browser-version",
         "playwright", "code"],
)  # fmt: skip
def test_the_key_changes_with_everything_the_list_depends_on(change: dict[str, Any]) -> None:
    args = {"process": PROCESS, **KEY_ARGS}
    assert make_key(**{**args, **change}) != make_key(**args)  # type: ignore[arg-type]


def test_a_process_is_read_from_proc() -> None:
    process = baseline.read_process(Path(f"/proc/{os.getpid()}"))
    assert Path(process.exe).samefile(f"/proc/{os.getpid()}/exe")
    assert process.exe_id[1] == os.stat(f"/proc/{os.getpid()}/exe").st_ino
    cmdline = Path(f"/proc/{os.getpid()}/cmdline").read_bytes().split(b"\0")[:-1]
    assert process.argv == tuple(arg.decode() for arg in cmdline) and process.argv


# --------------------------------------------------------------------------- with a browser


async def launch(settings: Settings) -> tuple[list[str], bool]:
    async with BrowserPool(settings) as pool:
        return pool._baseline, pool.baseline_from_cache


async def test_the_next_launch_reads_what_the_first_recorded(
    settings: Settings, cache: Path
) -> None:
    recorded, from_cache = await launch(settings)
    assert not from_cache and cache.is_file()
    assert "document" in recorded and "fetch" in recorded
    assert cache.parent.stat().st_mode & 0o777 == 0o700  # the browser's user cannot plant one

    cached, from_cache = await launch(settings)
    assert from_cache
    assert cached == recorded


def plant(cache: Path, key_change: dict[str, Any], globals_: list[str]) -> None:
    """Rewrite the stored list as one made with another key: a list from before an upgrade."""
    header = json.loads(cache.read_bytes().partition(b"\n")[0])
    diskcache.write_cached(cache.name, {**header["key"], **key_change}, globals_)


# Lists made before an upgrade of the browser, of Playwright, of baseline.py; by another binary.
KEY_CHANGES = [{"browser": "155.0.0.0"}, {"playwright": "1.0.0"}, {"code": "f" * 64},
               {"exe_id": [1, 2, 3, 4]}]  # fmt: skip


async def test_a_list_stored_under_another_key_is_recorded_again(
    settings: Settings, cache: Path
) -> None:
    recorded, _ = await launch(settings)
    planted = [name for name in recorded if name != "fetch"]  # would hide a page's own fetch
    for key_change in KEY_CHANGES:
        plant(cache, key_change, planted)
        again, from_cache = await launch(settings)
        assert not from_cache, key_change
        assert again == recorded
    _, from_cache = await launch(settings)  # and stored under the right key in its place
    assert from_cache


async def test_other_switches_have_the_list_recorded_again(settings: Settings, cache: Path) -> None:
    await launch(settings)
    other = settings.model_copy(update={"renderer_heap_mb": settings.renderer_heap_mb + 1})
    _, from_cache = await launch(other)
    assert not from_cache


async def test_a_browser_we_cannot_describe_is_not_cached(
    settings: Settings, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(proc: Path) -> BrowserProcess:
        raise PermissionError(f"{proc}/exe")

    monkeypatch.setattr(baseline, "read_process", unreadable)
    recorded, from_cache = await launch(settings)
    assert not from_cache and "document" in recorded
    assert not cache.exists()


async def test_a_scan_reports_the_same_globals_with_a_cached_list(
    settings: Settings, cache: Path, web: TestWeb
) -> None:
    seen = []
    for _ in range(2):  # recorded, then from the cache
        async with BrowserPool(settings) as pool:
            capture = await pool.capture(web.url("app.test"))
            seen.append((pool.baseline_from_cache, [g.model_dump() for g in capture.globals]))
    assert [from_cache for from_cache, _ in seen] == [False, True]
    assert seen[0][1] == seen[1][1]
    assert {"spyglassConfig", "trackVisitor", "appVersion"} <= {g["prop"] for g in seen[1][1]}
