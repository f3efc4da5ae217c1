"""Looking a scan up for a caller, and ``?wait=`` long-polling against a monotonic deadline."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from spyglass.service import scans as scans_module
from tests.service.conftest import Key, Scans


def test_wait_answers_as_soon_as_the_scan_finishes(
    client: TestClient, scans: Scans, alice: Key
) -> None:
    record = scans.submit(alice)
    finisher = threading.Timer(0.5, scans.complete, args=(record,))
    started = time.monotonic()
    finisher.start()
    try:
        response = client.get(f"/api/v1/result/{record.uuid}/?wait=20", headers=alice.headers)
    finally:
        finisher.join()
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["task"]["uuid"] == record.uuid
    assert 0.4 < elapsed < 5


def test_wait_gives_up_at_its_deadline(client: TestClient, scans: Scans) -> None:
    record = scans.submit()
    started = time.monotonic()
    response = client.get(f"/api/v1/result/{record.uuid}/", params={"wait": 0.6})
    elapsed = time.monotonic() - started
    assert response.status_code == 404
    assert response.json()["message"] == "Scan is not finished yet"
    assert 0.5 < elapsed < 3


def test_head_waits_too(client: TestClient, scans: Scans) -> None:
    record = scans.submit()
    finisher = threading.Timer(0.3, scans.complete, args=(record,))
    finisher.start()
    try:
        head = client.head(f"/api/v1/result/{record.uuid}/?wait=20")
    finally:
        finisher.join()
    assert head.status_code == 200


def test_wait_on_a_scan_the_caller_may_not_see_answers_at_once(
    client: TestClient, scans: Scans, alice: Key, bob: Key
) -> None:
    record = scans.submit(alice, "private")
    started = time.monotonic()
    response = client.get(f"/api/v1/result/{record.uuid}/?wait=30", headers=bob.headers)
    assert response.status_code == 404
    assert response.json()["message"] == "No such scan submission"
    assert time.monotonic() - started < 2


def test_wait_is_capped() -> None:
    assert scans_module.MAX_WAIT == 60
    assert scans_module.POLL_INTERVAL <= 0.5
