"""A live Spyglass on loopback (live.py): ``spyglass serve`` and ``spyglass worker`` as real
processes, scanning the local test web. Used where only a real process will do: the official
urlscan client, kill -9, restarts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import Live
from tests.testweb import TestWeb


@pytest.fixture
def live(web: TestWeb, tmp_path: Path, database_url: str | None) -> Iterator[Live]:
    running = Live(web=web, data=tmp_path / "data", database_url=database_url)
    yield running
    running.stop_all()
