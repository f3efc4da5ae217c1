"""Nothing is lost: a worker killed mid-scan, a restart with jobs queued, a burst of
submissions."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.e2e.conftest import Live
from tests.testweb import TestWeb


def _submit(live: Live, key: str, url: str) -> str:
    response = httpx.post(
        f"{live.base_url}/api/v1/scan/", json={"url": url, "visibility": "public"},
        headers={"API-Key": key}, timeout=30,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["uuid"]


def _result(live: Live, key: str, uuid: str, wait: float = 60) -> dict:
    response = httpx.get(
        f"{live.base_url}/api/v1/result/{uuid}/", params={"wait": wait},
        headers={"API-Key": key}, timeout=wait + 30,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def test_killed_worker_job_completes_on_another(live: Live, web: TestWeb) -> None:
    live.extra_env["SPYGLASS_LEASE_SECONDS"] = "3"
    key = live.create_key()
    live.serve(workers=0)
    doomed = live.worker()
    uuid = _submit(live, key, web.url("hostile.test", "/hang-resource"))
    live.wait_for(lambda: live.jobs().get("running", 0) == 1, 60, "the worker to take the job")
    live.stop(doomed, signal.SIGKILL)

    live.worker()
    result = _result(live, key, uuid)
    assert result["task"]["uuid"] == uuid
    assert result["page"]["url"] == web.url("hostile.test", "/hang-resource")
    assert live.jobs().get("done") == 1 and live.jobs().get("running", 0) == 0
    assert live.attempts() == [2]  # taken over after the lease ran out, finished once


def test_restart_with_queued_jobs(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    first = live.serve(workers=0)
    uuids = [_submit(live, key, web.url("plain.test", f"/?n={n}")) for n in range(5)]
    live.stop(first)

    live.serve(workers=2)
    for uuid in uuids:
        assert _result(live, key, uuid)["task"]["uuid"] == uuid
    assert live.jobs().get("done") == 5


def test_200_concurrent_submissions_none_lost_none_doubled(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    live.serve(workers=4)
    urls = [web.url("plain.test", f"/?n={n}") for n in range(200)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        uuids = list(pool.map(lambda url: _submit(live, key, url), urls))
    assert len(set(uuids)) == 200
    live.wait_for(lambda: live.jobs().get("done", 0) == 200, 400, "200 finished scans")
    with ThreadPoolExecutor(max_workers=10) as pool:
        reports = list(pool.map(lambda uuid: _result(live, key, uuid, wait=0), uuids))
    assert sorted(r["task"]["uuid"] for r in reports) == sorted(uuids)
    assert sorted(r["task"]["url"] for r in reports) == sorted(urls)
    jobs = live.jobs()
    assert jobs.get("done") == 200
    assert jobs.get("failed", 0) == jobs.get("queued", 0) == jobs.get("running", 0) == 0
