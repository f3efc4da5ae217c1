"""Shared fixtures: one local test web and one browser pool for the whole session.

Nothing here skips: a missing Chromium or a test web that cannot bind is a failure, in CI and
everywhere else.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from spyglass.analyze.report import build_report
from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, Report, TaskInfo
from spyglass.settings import Settings
from tests.testweb import TestWeb

# The test web lives in 127.0.0.0/25 and on ::1; internal.test (127.0.0.200) stands for an
# internal service and stays outside every range the tests open.
TEST_NETWORKS = ("127.0.0.0/25", "::1/128")


@pytest.fixture(scope="session")
def web() -> Iterator[TestWeb]:
    with TestWeb() as running:
        yield running


@pytest.fixture(scope="session")
def settings(web: TestWeb) -> Settings:
    return Settings(
        allow_networks=TEST_NETWORKS,
        resolve=dict(web.pins),
        pins_only=True,  # nothing but the test web ever resolves
        trusted_spki=(web.spki_hash,),
    )


@pytest.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[BrowserPool]:
    async with BrowserPool(settings) as running:
        yield running


def report_of(capture: RawCapture) -> Report:
    task = TaskInfo(
        uuid="00000000-0000-4000-8000-000000000000", time=datetime.now(UTC), url=capture.url
    )
    return build_report(capture, task)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
