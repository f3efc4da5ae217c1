"""The worker in-process: a job goes claim -> capture -> analyse -> store -> webhook; a job
whose target the guard refuses fails with that reason instead of being retried."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from spyglass.capture.browser import BrowserPool
from spyglass.models import ScanRecord, ScanRequest, ScanStatus
from spyglass.settings import Settings
from spyglass.store import Store
from spyglass.worker import Worker
from tests.conftest import TEST_NETWORKS
from tests.test_webhooks import receiver
from tests.testweb import TestWeb


@pytest.fixture
async def hook() -> AsyncIterator[tuple[str, list[dict]]]:
    """A webhook receiver on loopback: (its URL, the JSON bodies it received)."""
    async with receiver() as (port, received):
        yield f"http://127.0.0.1:{port}/hook", received


async def scan_one(
    settings: Settings, pool: BrowserPool, store: Store, request: ScanRequest, owner: str | None
) -> ScanRecord:
    """Submit ``request``, let one worker take and process it; the scan's record afterwards."""
    record, _ = await asyncio.to_thread(store.submit, request, owner=owner)
    worker = Worker(settings, store, pool)
    job = await asyncio.to_thread(store.claim, worker.id, 60)
    assert job is not None and job.scan_uuid == record.uuid
    await worker.process(job)
    scan = await asyncio.to_thread(store.get_scan, record.uuid)
    assert scan is not None
    return scan


async def test_job_is_scanned_stored_and_announced(
    settings: Settings, pool: BrowserPool, store: Store, web: TestWeb, hook: tuple[str, list[dict]]
) -> None:
    url, received = hook
    request = ScanRequest(url=web.url("plain.test"), webhook_url=url, tags=("worker",))
    hooks_open = settings.model_copy(update={"webhook_allow_networks": TEST_NETWORKS})
    scan = await scan_one(hooks_open, pool, store, request, owner="k1")
    assert scan.status is ScanStatus.DONE
    assert scan.screenshot_sha256 and store.blobs.has(scan.screenshot_sha256)
    assert scan.dom_sha256 and b"Plain page" in (store.blobs.get(scan.dom_sha256) or b"")
    har = json.loads(store.blobs.get(scan.har_sha256 or "") or b"{}")
    assert har["log"]["entries"]
    report = store.get_report(scan.uuid)
    assert report is not None and report["task"]["uuid"] == scan.uuid
    assert report["task"]["tags"] == ["worker"] and report["task"]["source"] == "k1"
    assert [body["uuid"] for body in received] == [scan.uuid]
    assert received[0]["api"].endswith(f"/api/v1/result/{scan.uuid}/")


async def test_webhook_into_a_closed_range_is_not_called(
    settings: Settings, pool: BrowserPool, store: Store, web: TestWeb
) -> None:
    internal = web.url("internal.test", "/hook")  # 127.0.0.200: outside the opened ranges
    request = ScanRequest(url=web.url("plain.test"), webhook_url=internal)
    scan = await scan_one(settings, pool, store, request, owner=None)
    assert scan.status is ScanStatus.DONE
    assert web.hits_for("internal.test") == []


async def test_target_refused_at_scan_time_fails_without_retry(
    settings: Settings, pool: BrowserPool, store: Store, web: TestWeb
) -> None:
    # Accepted earlier (say the name resolved elsewhere then); now it points into a closed range.
    scan = await scan_one(settings, pool, store, ScanRequest(url=web.url("internal.test")), None)
    assert scan.status is ScanStatus.FAILED
    assert scan.failure_reason == "blocked_address"
    assert await asyncio.to_thread(store.claim, "another-worker", 60) is None  # no retry
    assert web.hits_for("internal.test") == []
