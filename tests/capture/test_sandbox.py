"""Where Chromium's sandbox cannot start, nothing scans -- unless the operator said so, and then
every report and /healthz say so (``SPYGLASS_ALLOW_UNSANDBOXED``).

A kernel without user namespaces cannot be had in a test: ``no_sandbox_chromium``
(tests/conftest.py) fails the way Chromium does there.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from spyglass import cli
from spyglass.capture.browser import BrowserPool
from spyglass.errors import SandboxUnavailable
from spyglass.settings import Settings
from tests.conftest import report_of
from tests.testweb import TestWeb


async def test_pool_refuses_to_start_without_the_sandbox(
    settings: Settings, no_sandbox_chromium: str
) -> None:
    unsandboxed = settings.model_copy(update={"chromium_path": no_sandbox_chromium})
    with pytest.raises(SandboxUnavailable, match="SPYGLASS_ALLOW_UNSANDBOXED"):
        async with BrowserPool(unsandboxed):
            pass


async def test_allowed_unsandboxed_runs_and_every_report_says_so(
    settings: Settings, web: TestWeb, no_sandbox_chromium: str
) -> None:
    allowed = settings.model_copy(
        update={"chromium_path": no_sandbox_chromium, "allow_unsandboxed": True}
    )
    async with BrowserPool(allowed) as pool:
        capture = await pool.capture(web.url("plain.test"))
    assert capture.failure is None and capture.title == "Plain page"
    assert capture.isolation is not None and capture.isolation.sandbox is False
    assert capture.isolation.uid != 0  # still not root
    assert report_of(capture).meta["isolation"]["sandbox"] is False


def test_scan_command_refuses_then_runs_when_allowed(
    web: TestWeb, no_sandbox_chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPYGLASS_RESOLVE", ",".join(f"{h}:{a}" for h, a in web.pins.items()))
    monkeypatch.setenv("SPYGLASS_ALLOW_NETWORKS", "127.0.0.0/25")
    monkeypatch.setenv("SPYGLASS_PINS_ONLY", "1")
    monkeypatch.setenv("SPYGLASS_CHROMIUM", no_sandbox_chromium)
    refused = CliRunner().invoke(cli.main, ["scan", web.url("plain.test")])
    assert refused.exit_code == SandboxUnavailable.exit_code, refused.output
    assert "sandbox_unavailable" in refused.output
    monkeypatch.setenv("SPYGLASS_ALLOW_UNSANDBOXED", "1")
    allowed = CliRunner().invoke(cli.main, ["scan", web.url("plain.test"), "--json"])
    assert allowed.exit_code == 0, allowed.output
    assert '"sandbox": false' in allowed.output
