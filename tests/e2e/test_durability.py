"""Nothing is lost: a worker killed mid-scan, a restart with jobs queued, a burst of
submissions (bench/durability.py runs the burst at full size)."""

from __future__ import annotations

import signal

from tests.e2e.live import Live, burst
from tests.testweb import TestWeb

# Enough for four workers to race for the queue many times over; 200 take minutes per backend.
BURST = 40


def test_killed_worker_job_completes_on_another(live: Live, web: TestWeb) -> None:
    live.extra_env["SPYGLASS_LEASE_SECONDS"] = "3"
    key = live.create_key()
    live.serve(workers=0)
    doomed = live.worker()
    uuid = live.submit(key, web.url("hostile.test", "/hang-resource"))
    live.wait_for(lambda: live.jobs().get("running", 0) == 1, 60, "the worker to take the job")
    live.stop(doomed, signal.SIGKILL)

    live.worker()
    result = live.result(key, uuid)
    assert result["task"]["uuid"] == uuid
    assert result["page"]["url"] == web.url("hostile.test", "/hang-resource")
    assert live.jobs().get("done") == 1 and live.jobs().get("running", 0) == 0
    assert live.attempts() == [2]  # taken over after the lease ran out, finished once


def test_restart_with_queued_jobs(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    first = live.serve(workers=0)
    uuids = [live.submit(key, web.url("plain.test", f"/?n={n}")) for n in range(5)]
    live.stop(first)

    live.serve(workers=2)
    for uuid in uuids:
        assert live.result(key, uuid)["task"]["uuid"] == uuid
    assert live.jobs().get("done") == 5


def test_concurrent_submissions_none_lost_none_doubled(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    live.serve(workers=4)
    urls = [web.url("plain.test", f"/?n={n}") for n in range(BURST)]
    done = burst(live, key, urls, timeout=200)
    assert done.problems() == []
    assert done.attempts == [1] * BURST  # nobody's lease ran out: each scanned once
