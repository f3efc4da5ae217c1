"""``spyglass serve`` where Chromium's sandbox cannot start: it refuses to, or, when the operator
allows it, /healthz says the browser runs unsandboxed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spyglass.errors import SandboxUnavailable
from tests.e2e.conftest import Live
from tests.testweb import TestWeb


@pytest.fixture
def unsandboxable(web: TestWeb, tmp_path: Path, no_sandbox_chromium: str) -> Iterator[Live]:
    running = Live(web=web, data=tmp_path / "data")
    running.extra_env["SPYGLASS_CHROMIUM"] = no_sandbox_chromium
    yield running
    running.stop_all()


def test_serve_refuses_to_start_without_the_sandbox(unsandboxable: Live) -> None:
    with pytest.raises(RuntimeError, match=f"exited with {SandboxUnavailable.exit_code}"):
        unsandboxable.serve(workers=1)
    stderr = unsandboxable.processes[-1].stderr
    assert stderr is not None and b"SPYGLASS_ALLOW_UNSANDBOXED" in stderr.read()


def test_serve_allowed_unsandboxed_says_so_in_healthz(unsandboxable: Live) -> None:
    unsandboxable.extra_env["SPYGLASS_ALLOW_UNSANDBOXED"] = "1"
    unsandboxable.serve(workers=1)
    health = httpx.get(f"{unsandboxable.base_url}/healthz", timeout=5).json()
    assert health["browser"]["sandbox"] is False and health["allowUnsandboxed"] is True
    assert any("without Chromium's sandbox" in warning for warning in health["warnings"])
