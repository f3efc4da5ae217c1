"""Jobs: leases, retries, priorities, deduplication, and many threads at once."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from spyglass.models import ClaimedJob, ScanOptions, ScanRequest, ScanStatus
from spyglass.store import Store
from tests.store.conftest import Clock, news_capture, news_report, news_request

CLAIM_DEADLINE = 10.0


def claim_when_expired(store: Store, worker_id: str) -> ClaimedJob:
    """Claim as ``worker_id`` once a short lease has run out, polling against a deadline."""
    deadline = time.monotonic() + CLAIM_DEADLINE
    while time.monotonic() < deadline:
        job = store.claim(worker_id, 60)
        if job is not None:
            return job
        time.sleep(0.01)
    raise AssertionError(f"{worker_id} claimed nothing within {CLAIM_DEADLINE}s")


def test_an_expired_lease_moves_the_job_to_another_worker(store: Store) -> None:
    record, _ = store.submit(news_request(), owner=None)
    first = store.claim("worker-1", 0.01)
    assert first is not None and first.attempt == 1

    second = claim_when_expired(store, "worker-2")
    assert (second.job_id, second.attempt, second.worker_id) == (first.job_id, 2, "worker-2")

    capture = news_capture()
    assert not store.heartbeat(first, 60)
    assert not store.complete(first, news_report(first, capture), capture)
    store.fail(first, "timeout", "worker-1 woke up late", retry=True)
    after_loser = store.get_scan(record.uuid)
    assert after_loser.status == ScanStatus.RUNNING
    assert store.get_report(record.uuid) is None
    assert store.search("domain:news.test", viewer=None).total == 0

    assert store.heartbeat(second, 60)
    assert store.complete(second, news_report(second, capture), capture)
    assert store.get_scan(record.uuid).status == ScanStatus.DONE
    assert store.counts() == {"queued": 0, "running": 0, "done": 1, "failed": 0}


def test_retries_exhausted_fails_the_scan(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    record, _ = store.submit(news_request(), owner=None)
    for attempt in (1, 2, 3):
        job = store.claim(f"worker-{attempt}", 30)
        assert job is not None and job.attempt == attempt
        clock.advance(31)  # the worker died: its lease runs out
    assert store.claim("worker-4", 30) is None

    failed = store.get_scan(record.uuid)
    assert failed.status == ScanStatus.FAILED
    assert failed.failure_reason == "retries_exhausted"
    assert "worker-3" in failed.failure_message
    assert failed.finished_at == clock.now
    assert store.counts() == {"queued": 0, "running": 0, "done": 0, "failed": 1}


def test_fail_with_retry_requeues_until_the_last_attempt(store: Store) -> None:
    record, _ = store.submit(news_request(), owner=None)
    for attempt in (1, 2):
        job = store.claim("worker-1", 60)
        assert job is not None and job.attempt == attempt
        store.fail(job, "browser_crash", "renderer died", retry=True)
        assert store.get_scan(record.uuid).status == ScanStatus.QUEUED
        assert store.counts()["queued"] == 1
    job = store.claim("worker-1", 60)
    assert job is not None and job.attempt == 3
    store.fail(job, "browser_crash", "renderer died again", retry=True)
    failed = store.get_scan(record.uuid)
    assert (failed.status, failed.failure_reason, failed.failure_message) == (
        ScanStatus.FAILED,
        "browser_crash",
        "renderer died again",
    )
    assert store.claim("worker-1", 60) is None


def test_fail_without_retry(store: Store) -> None:
    record, _ = store.submit(news_request(), owner=None)
    job = store.claim("worker-1", 60)
    store.fail(job, "dns", "news.test: NXDOMAIN", retry=False)
    failed = store.get_scan(record.uuid)
    assert (failed.status, failed.failure_reason) == (ScanStatus.FAILED, "dns")
    assert store.counts()["failed"] == 1


def test_highest_priority_first_then_oldest(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    submitted = {}
    for name, priority in [("low", 0), ("high-1", 5), ("mid", 1), ("high-2", 5)]:
        record, _ = store.submit(
            ScanRequest(url=f"http://{name}.test/"), owner=None, priority=priority
        )
        submitted[record.uuid] = name
        clock.advance(1)
    order = [submitted[store.claim("worker-1", 60).scan_uuid] for _ in range(4)]
    assert order == ["high-1", "high-2", "mid", "low"]


def test_dedupe_window_and_force(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    first, deduplicated = store.submit(news_request(), owner="k1", dedupe_window=60)
    assert not deduplicated
    clock.advance(30)
    again, deduplicated = store.submit(news_request(), owner="k1", dedupe_window=60)
    assert deduplicated and again == first
    forced, deduplicated = store.submit(news_request(), owner="k1", dedupe_window=60, force=True)
    assert not deduplicated and forced.uuid != first.uuid
    # Another owner, another visibility or other options are other submissions.
    for request, owner in [
        (news_request(), "k2"),
        (news_request(visibility="private"), "k1"),
        (news_request(options=ScanOptions(user_agent="Mozilla/5.0 (iPhone)")), "k1"),
    ]:
        _, deduplicated = store.submit(request, owner=owner, dedupe_window=60)
        assert not deduplicated, (request, owner)
    # Without a window, nothing is deduplicated.
    plain, deduplicated = store.submit(news_request(), owner="k1")
    assert not deduplicated and plain.uuid not in {first.uuid, forced.uuid}
    clock.advance(61)
    later, deduplicated = store.submit(news_request(), owner="k1", dedupe_window=60)
    assert not deduplicated and later.uuid not in {first.uuid, forced.uuid, plain.uuid}
    assert store.counts()["queued"] == 7


def test_a_failed_scan_is_not_a_duplicate(store: Store) -> None:
    first, _ = store.submit(news_request(), owner=None, dedupe_window=600)
    store.fail(store.claim("worker-1", 60), "dns", "NXDOMAIN", retry=False)
    again, deduplicated = store.submit(news_request(), owner=None, dedupe_window=600)
    assert not deduplicated and again.uuid != first.uuid


SUBMISSIONS = 200
SUBMITTERS = 8
CLAIMERS = 6


def test_concurrent_submissions_and_claimers(store: Store) -> None:
    """Every job is claimed exactly once and none is lost, with submitters and claimers racing
    (on SQLite: no "database is locked")."""
    submitted_all = threading.Event()
    claims: list[tuple[int, str]] = []
    claims_lock = threading.Lock()

    def submit(index: int) -> str:
        record, _ = store.submit(
            ScanRequest(url=f"http://site-{index}.test/"), owner=None, priority=index % 3
        )
        return record.uuid

    def claimer(worker_id: str) -> None:
        while True:
            job = store.claim(worker_id, 300)
            if job is None:
                if submitted_all.is_set() and store.counts()["queued"] == 0:
                    return
                time.sleep(0.002)
                continue
            with claims_lock:
                claims.append((job.job_id, job.scan_uuid))
            report = {"task": {"uuid": job.scan_uuid, "url": job.request.url}, "page": {}}
            assert store.complete(job, report, news_capture())

    with ThreadPoolExecutor(CLAIMERS) as claimers:
        running = [claimers.submit(claimer, f"worker-{n}") for n in range(CLAIMERS)]
        with ThreadPoolExecutor(SUBMITTERS) as submitters:
            uuids = list(submitters.map(submit, range(SUBMISSIONS)))
        submitted_all.set()
        for future in running:
            future.result()

    assert len(set(uuids)) == SUBMISSIONS
    assert Counter(uuid for _, uuid in claims) == Counter(uuids)  # each exactly once
    assert len({job_id for job_id, _ in claims}) == SUBMISSIONS
    assert store.counts() == {"queued": 0, "running": 0, "done": SUBMISSIONS, "failed": 0}
    assert store.search("*", viewer=None, size=0).total == SUBMISSIONS


PROCESSES = 4
PER_PROCESS = 25


def submit_and_claim_in_a_process(data_dir: str, database_url: str | None, index: int) -> list:
    """One process of ``test_processes_share_one_queue``: submit, then claim until idle."""
    store = Store.open(Path(data_dir), database_url)
    try:
        for n in range(PER_PROCESS):
            store.submit(ScanRequest(url=f"http://p{index}-{n}.test/"), owner=None)
        claimed = []
        while (job := store.claim(f"process-{index}", 300)) is not None or (
            store.counts()["queued"] > 0
        ):
            if job is not None:
                claimed.append(job.job_id)
                assert store.complete(job, {"task": {"uuid": job.scan_uuid}}, news_capture())
        return claimed
    finally:
        store.close()


def test_processes_share_one_queue(store: Store, tmp_path: Path, database_url: str | None):
    """Several processes on one database (the embedded default: one SQLite file)."""
    data_dir = str(tmp_path / "data")  # the store fixture's: same SQLite file or same schema
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=spawn) as pool:
        results = pool.map(
            submit_and_claim_in_a_process,
            [data_dir] * PROCESSES,
            [database_url] * PROCESSES,
            range(PROCESSES),
        )
        claimed = [job_id for result in results for job_id in result]
    assert len(claimed) == len(set(claimed)) == PROCESSES * PER_PROCESS
    assert store.counts()["done"] == PROCESSES * PER_PROCESS
