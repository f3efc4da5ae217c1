"""Fixed-window rate limits: the limiter alone, then through the API (429 and headers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from spyglass.service.ratelimit import RateLimiter, RateLimitExceeded, Subject
from tests.service.conftest import FixedClock, Key, Scans

RESET_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # urlscan-python's strptime format
USER = Subject("user", "k1")
RATE_HEADERS = {
    "x-rate-limit-scope", "x-rate-limit-action", "x-rate-limit-window", "x-rate-limit-limit",
    "x-rate-limit-remaining", "x-rate-limit-reset", "x-rate-limit-reset-after",
}  # fmt: skip


def at(*fields: int) -> float:
    return datetime(*fields, tzinfo=UTC).timestamp()  # type: ignore[misc]


# --------------------------------------------------------------------------- the limiter


def test_minute_window_resets_on_the_full_minute() -> None:
    clock = FixedClock(at(2026, 11, 25, 17, 0, 58))
    limiter = RateLimiter({"minute": 2, "day": 100}, clock=clock)
    limiter.acquire(USER, "search")
    limiter.acquire(USER, "search")
    with pytest.raises(RateLimitExceeded) as raised:
        limiter.acquire(USER, "search")
    assert raised.value.state.window == "minute"
    assert raised.value.state.reset_after == 2
    clock.advance(2)  # 17:01:00: a new minute
    limiter.acquire(USER, "search")
    [minute, day] = limiter.states(USER, "search")
    assert (minute.used, day.used) == (1, 3)


def test_day_window_resets_at_midnight_utc() -> None:
    clock = FixedClock(at(2026, 11, 25, 23, 59, 0))
    limiter = RateLimiter({"minute": 100, "day": 1}, clock=clock)
    limiter.acquire(USER, "public")
    with pytest.raises(RateLimitExceeded) as raised:
        limiter.acquire(USER, "public")
    assert raised.value.state.window == "day"
    assert raised.value.state.headers("user")["X-Rate-Limit-Reset"] == "2026-11-26T00:00:00.000Z"
    clock.advance(60)
    limiter.acquire(USER, "public")


def test_actions_and_subjects_are_counted_apart() -> None:
    limiter = RateLimiter({"minute": 1}, clock=FixedClock())
    limiter.acquire(USER, "search")
    limiter.acquire(USER, "retrieve")
    limiter.acquire(Subject("user", "k2"), "search")
    limiter.acquire(Subject("ip-address", "k1"), "search")
    with pytest.raises(RateLimitExceeded):
        limiter.acquire(USER, "search")


def test_a_refused_request_takes_no_slot_and_release_gives_one_back() -> None:
    clock = FixedClock(at(2026, 11, 25, 17, 0, 30))
    limiter = RateLimiter({"minute": 1, "day": 5}, clock=clock)
    ticket = limiter.acquire(USER, "search")
    with pytest.raises(RateLimitExceeded):
        limiter.acquire(USER, "search")
    assert [s.used for s in limiter.states(USER, "search")] == [1, 1]
    limiter.release(ticket)
    assert [s.used for s in limiter.states(USER, "search")] == [0, 0]
    late = limiter.acquire(USER, "search")
    clock.advance(60)  # the minute rolled over: only the day slot is given back
    limiter.acquire(USER, "search")
    limiter.release(late)
    assert [s.used for s in limiter.states(USER, "search")] == [1, 1]


def test_zero_turns_a_window_off() -> None:
    limiter = RateLimiter({"minute": 0, "day": 2}, clock=FixedClock())
    assert [s.window for s in limiter.states(USER, "search")] == ["day"]
    assert RateLimiter({"minute": 0, "day": 0}).closest_to_exhaustion(USER, "search") is None


def test_headers_describe_the_window_closest_to_exhaustion() -> None:
    clock = FixedClock(at(2026, 11, 25, 17, 0, 30) + 0.25)
    limiter = RateLimiter({"minute": 10, "day": 4}, clock=clock)
    limiter.acquire(USER, "search")
    state = limiter.closest_to_exhaustion(USER, "search")
    assert state is not None
    assert state.headers("user") == {
        "X-Rate-Limit-Scope": "user",
        "X-Rate-Limit-Action": "search",
        "X-Rate-Limit-Window": "day",
        "X-Rate-Limit-Limit": "4",
        "X-Rate-Limit-Remaining": "3",
        "X-Rate-Limit-Reset": "2026-11-26T00:00:00.000Z",
        "X-Rate-Limit-Reset-After": str(6 * 3600 + 59 * 60 + 30),  # 29.75 s rounded up
    }
    datetime.strptime(state.headers("user")["X-Rate-Limit-Reset"], RESET_FORMAT)


def test_old_windows_are_forgotten() -> None:
    clock = FixedClock()
    limiter = RateLimiter({"minute": 5}, clock=clock)
    for address in range(50):
        limiter.acquire(Subject("ip-address", f"10.0.0.{address}"), "search")
    clock.advance(120)
    limiter.acquire(USER, "search")
    assert len(limiter._counts) == 1


# --------------------------------------------------------------------------- through the API


def test_search_over_the_limit_is_429_with_headers(make_client, alice: Key) -> None:
    client = make_client(rate_limit_minute=2)
    for remaining in ("1", "0"):
        response = client.get("/api/v1/search/", headers=alice.headers)
        assert response.status_code == 200
        assert response.headers["x-rate-limit-remaining"] == remaining
    response = client.get("/api/v1/search/", headers=alice.headers)
    assert response.status_code == 429
    body = response.json()
    assert body["message"] == "Rate limit exceeded"
    assert body["status"] == 429
    assert body["errors"][0]["status"] == 429
    headers = response.headers
    assert set(headers) >= RATE_HEADERS
    assert headers["x-rate-limit-scope"] == "user"
    assert headers["x-rate-limit-action"] == "search"
    assert headers["x-rate-limit-window"] == "minute"
    assert headers["x-rate-limit-limit"] == "2"
    assert headers["x-rate-limit-remaining"] == "0"
    reset = datetime.strptime(headers["x-rate-limit-reset"], RESET_FORMAT)
    assert reset == datetime(2026, 11, 25, 17, 1)
    assert headers["x-rate-limit-reset"] == "2026-11-25T17:01:00.000Z"
    assert float(headers["x-rate-limit-reset-after"]) == 30
    # another caller, another budget
    assert client.get("/api/v1/search/").headers["x-rate-limit-scope"] == "ip-address"


def test_budget_returns_with_the_next_minute(make_client, clock: FixedClock, alice: Key) -> None:
    client = make_client(rate_limit_minute=1)
    assert client.get("/api/v1/search/", headers=alice.headers).status_code == 200
    assert client.get("/api/v1/search/", headers=alice.headers).status_code == 429
    clock.advance(30)
    assert client.get("/api/v1/search/", headers=alice.headers).status_code == 200


def test_only_successful_requests_count(make_client, scans: Scans, alice: Key) -> None:
    client = make_client(rate_limit_minute=2)
    pending = scans.submit(alice)
    for _ in range(5):
        response = client.get(f"/api/v1/result/{pending.uuid}/", headers=alice.headers)
        assert response.status_code == 404
        assert response.headers["x-rate-limit-action"] == "retrieve"
        assert response.headers["x-rate-limit-remaining"] == "2"
    for _ in range(3):
        bad = client.get("/api/v1/search/", params={"q": "nosuch:x"}, headers=alice.headers)
        assert bad.status_code == 400
    assert (
        client.get("/api/v1/search/", headers=alice.headers).headers["x-rate-limit-remaining"]
        == "1"
    )


def test_head_polling_does_not_spend_retrieve(make_client, scans: Scans, alice: Key) -> None:
    client = make_client(rate_limit_minute=1)
    done = scans.finish(alice)
    for _ in range(3):
        head = client.head(f"/api/v1/result/{done.uuid}/", headers=alice.headers)
        assert head.status_code == 200
        assert head.headers["x-rate-limit-remaining"] == "1"
    assert client.get(f"/api/v1/result/{done.uuid}/", headers=alice.headers).status_code == 200
    again = client.get(f"/api/v1/result/{done.uuid}/", headers=alice.headers)
    assert again.status_code == 429
    assert client.head(f"/api/v1/result/{done.uuid}/", headers=alice.headers).status_code == 429


def test_submissions_count_per_visibility(make_client, store, alice: Key) -> None:  # type: ignore[no-untyped-def]
    client = make_client(rate_limit_minute=1)
    post = lambda visibility: client.post(  # noqa: E731
        "/api/v1/scan/", json={"url": "http://news.test/", "visibility": visibility},
        headers=alice.headers,
    )  # fmt: skip
    first = post("public")
    assert first.status_code == 200
    assert first.headers["x-rate-limit-action"] == "public"
    assert post("unlisted").status_code == 200
    assert post("private").status_code == 200
    refused = post("public")
    assert refused.status_code == 429
    assert refused.headers["x-rate-limit-action"] == "public"
    assert store.counts()["queued"] == 3


def test_rejected_submission_does_not_count(make_client, alice: Key) -> None:
    client = make_client(rate_limit_minute=1)
    blocked = client.post("/api/v1/scan/", json={"url": "http://10.0.0.1/"}, headers=alice.headers)
    assert blocked.status_code == 400
    assert blocked.headers["x-rate-limit-remaining"] == "1"
    ok = client.post("/api/v1/scan/", json={"url": "http://news.test/"}, headers=alice.headers)
    assert ok.status_code == 200


def test_artifacts_and_quotas_carry_no_rate_headers(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    for path in (f"/screenshots/{record.uuid}.png", f"/dom/{record.uuid}/", "/api/v1/quotas"):
        assert not RATE_HEADERS & set(client.get(path).headers)
