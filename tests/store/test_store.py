"""The Store round trip: submit -> claim -> complete, and what each step leaves behind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from spyglass.models import ScanStatus
from spyglass.store import Store
from spyglass.store.db import ApiKey
from spyglass.store.keys import LAST_USED_EVERY
from tests.store.conftest import (
    ARTICLE_HTML,
    Clock,
    news_capture,
    news_report,
    news_request,
    sha256,
    tiny_png,
)


def test_submit_claim_complete(store: Store) -> None:
    record, deduplicated = store.submit(news_request(visibility="unlisted"), owner="k1")
    assert not deduplicated
    assert record.status == ScanStatus.QUEUED
    assert record.owner == "k1" and record.visibility == "unlisted" and record.tags == ["news"]
    assert store.get_scan(record.uuid) == record
    assert store.get_report(record.uuid) is None
    assert store.counts() == {"queued": 1, "running": 0, "done": 0, "failed": 0}

    job = store.claim("worker-1", 60)
    assert job is not None
    assert (job.scan_uuid, job.attempt, job.worker_id, job.owner) == (
        record.uuid,
        1,
        "worker-1",
        "k1",
    )
    assert job.request == news_request(visibility="unlisted")
    assert job.submitted_at == record.submitted_at
    assert store.get_scan(record.uuid).status == ScanStatus.RUNNING
    assert store.claim("worker-2", 60) is None
    assert store.heartbeat(job, 60)

    capture = news_capture()
    report = news_report(job, capture)
    har = b'{"log": {"version": "1.2", "entries": []}}'
    assert store.complete(job, report, capture, dom=ARTICLE_HTML, har=har)

    done = store.get_scan(record.uuid)
    assert done.status == ScanStatus.DONE
    assert done.finished_at is not None and done.finished_at >= done.submitted_at
    assert done.screenshot_sha256 == sha256(tiny_png())
    assert done.dom_sha256 == sha256(ARTICLE_HTML) and done.har_sha256 == sha256(har)
    assert done.summary["page"]["domain"] == "daily.example"
    assert done.summary["task"]["uuid"] == record.uuid
    assert "options" not in done.summary["task"]
    assert done.summary["stats"]["uniqIPs"] == 4
    assert "resourceStats" not in done.summary["stats"]
    assert store.get_report(record.uuid) == report
    assert store.blobs.get(done.screenshot_sha256) == tiny_png()
    assert store.blobs.get(sha256(har)) == har
    assert store.blobs.get(sha256(ARTICLE_HTML)) == ARTICLE_HTML
    assert store.counts() == {"queued": 0, "running": 0, "done": 1, "failed": 0}
    # Finished means finished: the holder cannot finish, fail or extend it again.
    assert not store.complete(job, report, capture)
    assert not store.heartbeat(job, 60)
    store.fail(job, "timeout", "too late", retry=True)
    assert store.get_scan(record.uuid) == done


def test_unknown_scan(store: Store) -> None:
    assert store.get_scan("00000000-0000-4000-8000-000000000000") is None
    assert store.get_report("00000000-0000-4000-8000-000000000000") is None


def test_api_keys(store: Store) -> None:
    key_id, secret = store.create_api_key("analyst laptop")
    assert len(key_id) == 8 and int(key_id, 16) >= 0
    key = store.api_key(secret)
    assert key is not None and (key.id, key.name) == (key_id, "analyst laptop")
    assert key.created_at.tzinfo is not None
    assert store.api_key("not-a-secret") is None
    assert store.api_key(secret.upper()) is None
    with store.engine.connect() as connection:
        stored = connection.execute(select(ApiKey.secret_sha256)).scalars().all()
    assert secret not in stored and sha256(secret.encode()) in stored
    other_id, other_secret = store.create_api_key("ci")
    assert other_id != key_id and other_secret != secret


def test_disabled_api_key(store: Store) -> None:
    key_id, secret = store.create_api_key("revoked")
    with store.engine.begin() as connection:
        connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(disabled=True))
    assert store.api_key(secret) is None


def test_listing_keys_shows_no_secret(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    first_id, first_secret = store.create_api_key("analyst laptop")
    clock.advance(60)
    second_id, _ = store.create_api_key("ci")
    listed = store.api_keys()
    assert [(k.id, k.name) for k in listed] == [(first_id, "analyst laptop"), (second_id, "ci")]
    assert listed[0].created_at == clock.now - timedelta(seconds=60)
    assert all(k.last_used_at is None and k.revoked_at is None for k in listed)
    assert first_secret not in repr(listed)


def test_a_key_in_use_has_a_last_used_time(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    key_id, secret = store.create_api_key("ci")
    assert store.api_key(secret) is not None
    used = {k.id: k.last_used_at for k in store.api_keys()}
    assert used[key_id] == clock.now
    clock.advance(1)  # written at most once a minute: a busy key costs no write per call
    store.api_key(secret)
    assert {k.id: k.last_used_at for k in store.api_keys()}[key_id] == clock.now - timedelta(
        seconds=1
    )
    clock.advance(LAST_USED_EVERY.total_seconds())
    store.api_key(secret)
    assert {k.id: k.last_used_at for k in store.api_keys()}[key_id] == clock.now


def test_revoking_a_key(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    key_id, secret = store.create_api_key("leaked")
    other_id, other_secret = store.create_api_key("kept")
    revoked = store.revoke_api_key(key_id)
    assert revoked is not None and revoked.revoked_at == clock.now
    assert store.api_key(secret) is None and store.api_key(other_secret) is not None
    clock.advance(60)
    again = store.revoke_api_key(key_id)  # revoking again keeps the first time
    assert again is not None and again.revoked_at == revoked.revoked_at
    assert store.revoke_api_key("nosuchid") is None
    listed = {k.id: k.revoked_at for k in store.api_keys()}
    assert listed == {key_id: revoked.revoked_at, other_id: None}
