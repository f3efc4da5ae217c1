"""``spyglass scan`` end to end, in-process (click's CliRunner), against the local test web."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from spyglass import cli, pipeline
from spyglass.capture.browser import BrowserPool
from spyglass.errors import SpyglassError
from spyglass.models import RawCapture
from spyglass.pipeline import RefData
from spyglass.settings import Settings
from spyglass.store import Store
from tests.conftest import TEST_NETWORKS
from tests.testweb import TestWeb


@pytest.fixture
def env(web: TestWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPYGLASS_RESOLVE", ",".join(f"{h}:{a}" for h, a in web.pins.items()))
    monkeypatch.setenv("SPYGLASS_ALLOW_NETWORKS", ",".join(TEST_NETWORKS))
    monkeypatch.setenv("SPYGLASS_PINS_ONLY", "1")
    monkeypatch.setenv("SPYGLASS_TRUSTED_SPKI", web.spki_hash)


def test_text_report_in_urlscan_order(env: None, web: TestWeb) -> None:
    result = CliRunner().invoke(
        cli.main, ["scan", web.url("news.test"), "--visibility", "unlisted"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"news.test  {web.pins['news.test']}  Unlisted Scan"
    assert lines[2] == f"URL: {web.url('news.test')}"
    assert lines[3].startswith("Submission: On ") and lines[3].endswith(
        "via cli from unknown country — Scanned from unknown country"
    )
    order = [lines.index(h) for h in ("Form analysis 2 forms found in the DOM", "Text Content")]
    assert order == sorted(order)
    assert f"GET {web.url('news.test', '/search', https=True)}" in lines
    assert any(line.startswith("Requests: ") for line in lines)
    assert "\x1b[" not in result.output  # no progress spinner or colour when not on a terminal


def test_json_and_out_folder(env: None, web: TestWeb, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    result = CliRunner().invoke(
        cli.main, ["scan", web.url("app.test"), "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"task", "page", "data", "lists", "stats", "verdicts", "forms", "text"} <= set(document)
    assert document["page"]["status"] == "200"
    assert json.loads((out / "report.json").read_text()) == document
    har = json.loads((out / "capture.har").read_text())
    assert har["log"]["version"] == "1.2" and har["log"]["entries"]
    assert (out / "screenshot.png").read_bytes().startswith(b"\x89PNG")
    assert "spyglassConfig" in (out / "dom.html").read_text()


def test_failed_scan_exits_7_with_the_reason(env: None, web: TestWeb) -> None:
    result = CliRunner().invoke(cli.main, ["scan", web.url("badtls.test", https=True)])
    assert result.exit_code == 7
    assert "Failure: tls:" in result.output


def test_unresolvable_host_exits_5(env: None) -> None:
    result = CliRunner().invoke(cli.main, ["scan", "http://nowhere.invalid/"])
    assert result.exit_code == 5
    assert result.output.startswith("spyglass: dns:")


def test_verdict_reasons_and_the_decoy_switch(env: None, web: TestWeb) -> None:
    url = web.url("login.test")
    result = CliRunner().invoke(cli.main, ["scan", url])
    assert result.exit_code == 0, result.output
    verdict = next(line for line in result.output.splitlines() if line.startswith("Verdict: "))
    assert verdict.startswith("Verdict: malicious (score ") and "phishing" in verdict
    assert "  - form posts passwords to collect.test" in result.output
    plain = CliRunner().invoke(cli.main, ["scan", url, "--json", "--no-decoy", "--no-interact"])
    options = json.loads(plain.output)["task"]["options"]
    assert (options["decoy"], options["interact"]) == (False, False)


def test_a_broken_yara_rule_stops_the_scan_before_it_starts(
    env: None, web: TestWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine.yar").write_text("rule broken { condition: nope }")
    monkeypatch.setenv("SPYGLASS_YARA_RULES", str(tmp_path))
    result = CliRunner().invoke(cli.main, ["scan", web.url("news.test")])
    assert result.exit_code == 2
    assert "mine.yar" in result.output


def test_scanning_imports_no_analysis_before_it_needs_it() -> None:
    """The analysis (~1 s of imports) loads in a thread while the browser starts."""
    code = "import sys, spyglass.cli; print(sorted(m for m in sys.modules if 'analyze' in m))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_reference_data_loads_while_the_page_loads(
    env: None, web: TestWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    capturing = threading.Event()
    loaded_in: list[str] = []
    real_capture, real_preload = BrowserPool.capture, RefData.preload

    async def capture(self: BrowserPool, *args: Any, **kwargs: Any) -> RawCapture:
        capturing.set()
        return await real_capture(self, *args, **kwargs)

    def preload(refdata: RefData) -> None:
        # Sequential loading (data first, then the browser) would never get past this.
        assert capturing.wait(timeout=60), "the page was not being loaded meanwhile"
        real_preload(refdata)
        loaded_in.append(threading.current_thread().name)

    monkeypatch.setattr(BrowserPool, "capture", capture)
    monkeypatch.setattr(RefData, "preload", preload)
    result = CliRunner().invoke(cli.main, ["scan", web.url("news.test"), "--json"])
    assert result.exit_code == 0, result.output
    assert loaded_in == ["spyglass-analysis"]
    assert json.loads(result.output)["meta"]["processors"]["wappa"]["state"] == "done"


def test_the_report_is_built_while_the_browser_closes(
    env: None, web: TestWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = threading.Event()
    real_close, real_finish = BrowserPool.close, pipeline.finish_scan

    async def close(self: BrowserPool) -> None:
        # Building the report after the browser is gone would never get past this.
        assert await asyncio.to_thread(built.wait, 60), "no report built meanwhile"
        await real_close(self)

    def finish_scan(capture: RawCapture, *args: Any) -> pipeline.FinishedScan:
        built.set()
        return real_finish(capture, *args)

    monkeypatch.setattr(BrowserPool, "close", close)
    monkeypatch.setattr(pipeline, "finish_scan", finish_scan)
    url = web.url("news.test")
    result = CliRunner().invoke(cli.main, ["scan", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["page"]["domain"] == "news.test"


def program(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed ``spyglass`` program (pyproject's entry point, ``cli.run``), as a user
    runs it: its own process, its output through pipes."""
    spyglass = Path(sys.executable).with_name("spyglass")
    return subprocess.run([str(spyglass), *args], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_the_program_exits_with_its_output_whole_and_its_code(web: TestWeb) -> None:
    env = {**os.environ, "SPYGLASS_RESOLVE": ",".join(f"{h}:{a}" for h, a in web.pins.items()),
           "SPYGLASS_ALLOW_NETWORKS": ",".join(TEST_NETWORKS), "SPYGLASS_PINS_ONLY": "1",
           "SPYGLASS_TRUSTED_SPKI": web.spki_hash}  # fmt: skip
    done = program("scan", web.url("app.test"), "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["page"]["status"] == "200"  # all of it, flushed
    failed = program("scan", web.url("badtls.test", https=True), env=env)
    assert failed.returncode == 7 and "Failure: tls:" in failed.stdout
    refused = program("scan", "http://nowhere.invalid/", env=env)
    assert refused.returncode == 5 and refused.stderr.startswith("spyglass: dns:")
    usage = program("scan", env=env)
    assert usage.returncode == 2 and "Missing argument" in usage.stderr
    assert program("--version", env=env).returncode == 0


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """What ``_load_analysis`` froze goes back to the collector: this process lives on."""
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.parametrize("broken", [False, True], ids=["loaded", "failed"])
def test_the_collector_is_off_while_the_data_loads_then_leaves_it_alone(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, broken: bool
) -> None:
    """Full collections over the data stalled the browser's event loop (100-160 ms each)."""
    collecting: list[bool] = []
    monkeypatch.setattr(RefData, "preload", lambda refdata: collecting.append(gc.isenabled()))
    if broken:
        (tmp_path / "mine.yar").write_text("rule broken { condition: nope }")
        monkeypatch.setenv("SPYGLASS_YARA_RULES", str(tmp_path))
    gc.unfreeze()
    _, loaded = cli._load_analysis(Settings.from_env())
    if broken:
        with pytest.raises(SpyglassError):
            loaded.result(timeout=60)
    else:
        loaded.result(timeout=60)
        assert collecting == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_keys_list_and_revoke(
    tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPYGLASS_DATA", str(tmp_path))
    if database_url:
        monkeypatch.setenv("SPYGLASS_DATABASE_URL", database_url)
    made = {}
    for name in ("laptop", "ci"):
        created = CliRunner().invoke(cli.main, ["keys", "create", name])
        assert created.exit_code == 0, created.output
        key_id = created.output.split()[3]
        made[key_id] = created.output.splitlines()[-1]
    listed = CliRunner().invoke(cli.main, ["keys", "list"])
    assert listed.exit_code == 0, listed.output
    assert all(key_id in listed.output for key_id in made)
    assert "laptop" in listed.output and "revoked" in listed.output
    assert not any(secret in listed.output for secret in made.values())
    leaked = next(iter(made))
    revoked = CliRunner().invoke(cli.main, ["keys", "revoke", leaked])
    assert revoked.exit_code == 0, revoked.output
    assert f"Revoked API key {leaked} (laptop)" in revoked.output
    again = CliRunner().invoke(cli.main, ["keys", "revoke", leaked])
    assert again.exit_code == 0 and "already revoked" in again.output
    unknown = CliRunner().invoke(cli.main, ["keys", "revoke", "nosuch"])
    assert unknown.exit_code == 2 and "no API key nosuch" in unknown.output
    listed_again = CliRunner().invoke(cli.main, ["keys", "list"]).output.splitlines()
    rows = {key_id: line for line in listed_again for key_id in made if key_id in line}
    kept = next(k for k in made if k != leaked)
    assert rows[leaked].count(" UTC") == 2 and rows[kept].count(" UTC") == 1  # revoked: when
    store = Store.open(tmp_path, database_url)
    try:
        assert store.api_key(made[leaked]) is None
        assert store.api_key(made[kept]) is not None
    finally:
        store.close()
