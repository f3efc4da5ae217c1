"""API keys and visibility: every endpoint, every visibility, owner / other key / no key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.models import ScanRecord, ScanStatus
from spyglass.service.auth import BAD_KEY_FORMAT, NO_KEY, UNKNOWN_KEY, Caller, can_view
from spyglass.store import ApiKeyRecord, Store
from tests.service.conftest import Key, Scans, article_sha, sha256

UNKNOWN_SECRET = "5b0c7c57-1df1-4b8a-9f1e-2d6cbb1d6a4e"


def scan_body() -> dict[str, str]:
    return {"url": "http://news.test/"}


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize("header", ["API-Key", "api-key", "API-KEY", "Api-Key"])
def test_api_key_header_any_case(client: TestClient, alice: Key, header: str) -> None:
    response = client.post("/api/v1/scan/", json=scan_body(), headers={header: alice.secret})
    assert response.status_code == 200


def test_missing_key_on_submission_is_401(client: TestClient, store: Store) -> None:
    response = client.post("/api/v1/scan/", json=scan_body())
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == NO_KEY
    assert body["message"] == (
        'No API key supplied. Please supply a valid API key in the "api-key" HTTP header.'
    )
    assert body["status"] == 401
    assert store.counts()["queued"] == 0


def test_x_api_key_is_not_an_api_key(client: TestClient, alice: Key) -> None:
    response = client.post("/api/v1/scan/", json=scan_body(), headers={"X-API-Key": alice.secret})
    assert response.status_code == 401
    assert response.json()["message"] == NO_KEY


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/scan/"), ("GET", "/api/v1/search/"), ("GET", "/api/v1/quotas")],
)
@pytest.mark.parametrize("secret", ["secret", "5b0c7c571df14b8a9f1e2d6cbb1d6a4e", "' OR 1=1 --"])
def test_malformed_key_is_400(client: TestClient, method: str, path: str, secret: str) -> None:
    response = client.request(method, path, json=scan_body(), headers={"API-Key": secret})
    assert response.status_code == 400
    assert response.json()["message"] == BAD_KEY_FORMAT == "Invalid API key format"


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/scan/"), ("GET", "/api/v1/search/")]
)
def test_unknown_key_is_401(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json=scan_body(), headers={"API-Key": UNKNOWN_SECRET})
    assert response.status_code == 401
    assert (
        response.json()["message"] == UNKNOWN_KEY == "API key supplied but not found in database!"
    )


def test_key_in_upper_case_is_still_the_key(client: TestClient, alice: Key) -> None:
    """The secret is compared as given: an upper-cased secret is another (unknown) key."""
    assert alice.secret != alice.secret.upper()
    response = client.get("/api/v1/search/", headers={"API-Key": alice.secret.upper()})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/api/v1/result/{}/", "/screenshots/{}.png", "/dom/{}/", "/har/{}/", "/api/v1/search/",
     "/api/v1/quotas", "/user/quotas/"],
)  # fmt: skip
def test_without_anonymous_read_every_read_needs_a_key(
    make_client, scans: Scans, alice: Key, path: str
) -> None:
    client = make_client(anonymous_read=False)
    record = scans.finish(alice)
    response = client.get(path.format(record.uuid))
    assert response.status_code == 401
    assert response.json()["message"] == NO_KEY
    assert client.get(path.format(record.uuid), headers=alice.headers).status_code == 200


def test_without_anonymous_read_bodies_need_a_key(make_client, scans: Scans, alice: Key) -> None:
    client = make_client(anonymous_read=False)
    sha = article_sha(scans.finish(alice))
    assert client.get(f"/responses/{sha}/").status_code == 401
    assert client.get(f"/responses/{sha}/", headers=alice.headers).status_code == 200


def test_health_and_discovery_need_no_key(make_client) -> None:
    client = make_client(anonymous_read=False)
    for path in ("/healthz", "/api/v1/availableCountries", "/api/v1/userAgents", "/docs"):
        assert client.get(path).status_code == 200


# --------------------------------------------------------------------------- visibility

SEES_BY_UUID = {  # who reads a scan by its UUID (result, HEAD, screenshot, DOM, HAR)
    "public": {"owner", "other", "anonymous"},
    "unlisted": {"owner", "other", "anonymous"},
    "private": {"owner"},
}
FINDS = {  # who finds it without its UUID (search, response bodies by hash)
    "public": {"owner", "other", "anonymous"},
    "unlisted": {"owner"},
    "private": {"owner"},
}
BY_UUID = [
    ("GET", "/api/v1/result/{uuid}/"),
    ("GET", "/api/v1/result/{uuid}"),
    ("HEAD", "/api/v1/result/{uuid}/"),
    ("GET", "/screenshots/{uuid}.png"),
    ("GET", "/dom/{uuid}/"),
    ("GET", "/har/{uuid}/"),
]


def headers_of(who: str, alice: Key, bob: Key) -> dict[str, Any]:
    return {"owner": alice.headers, "other": bob.headers, "anonymous": {}}[who]


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
@pytest.mark.parametrize(("method", "path"), BY_UUID)
def test_visibility_by_uuid(
    client: TestClient,
    scans: Scans,
    alice: Key,
    bob: Key,
    method: str,
    path: str,
    visibility: str,
    who: str,
) -> None:
    record = scans.finish(alice, visibility)  # type: ignore[arg-type]
    response = client.request(
        method, path.format(uuid=record.uuid), headers=headers_of(who, alice, bob)
    )
    if who in SEES_BY_UUID[visibility]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        if method != "HEAD":
            assert response.json()["message"] == "No such scan submission"


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_visibility_of_pending_scans(
    client: TestClient, scans: Scans, alice: Key, bob: Key, visibility: str, who: str
) -> None:
    """A pending private scan is "no such scan" to others, not "not finished": its existence
    is not revealed."""
    record = scans.submit(alice, visibility)  # type: ignore[arg-type]
    response = client.get(f"/api/v1/result/{record.uuid}/", headers=headers_of(who, alice, bob))
    assert response.status_code == 404
    expected = (
        "Scan is not finished yet"
        if who in SEES_BY_UUID[visibility]
        else ("No such scan submission")
    )
    assert response.json()["message"] == expected


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_visibility_in_search(
    client: TestClient, scans: Scans, alice: Key, bob: Key, visibility: str, who: str
) -> None:
    record = scans.finish(alice, visibility)  # type: ignore[arg-type]
    hits = client.get("/api/v1/search/", headers=headers_of(who, alice, bob)).json()["results"]
    assert (record.uuid in [hit["_id"] for hit in hits]) == (who in FINDS[visibility])
    count = client.get(
        "/api/v1/search/", params={"q": "domain:news.test", "size": 0},
        headers=headers_of(who, alice, bob),
    ).json()["total"]  # fmt: skip
    assert count == (1 if who in FINDS[visibility] else 0)


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_visibility_of_response_bodies(
    client: TestClient, scans: Scans, alice: Key, bob: Key, visibility: str, who: str
) -> None:
    record = scans.finish(alice, visibility)  # type: ignore[arg-type]
    response = client.get(f"/responses/{article_sha(record)}/", headers=headers_of(who, alice, bob))
    assert response.status_code == (200 if who in FINDS[visibility] else 404)


def test_a_body_shared_with_a_public_scan_is_public(
    client: TestClient, scans: Scans, alice: Key, bob: Key
) -> None:
    body = b"<html>the same page</html>"
    scans.finish(alice, "private", article=body)
    assert client.get(f"/responses/{sha256(body)}/", headers=bob.headers).status_code == 404
    scans.finish(bob, "public", article=body)
    assert client.get(f"/responses/{sha256(body)}/").status_code == 200


def test_private_scan_without_owner_is_nobodys(
    client: TestClient, scans: Scans, alice: Key
) -> None:
    """A private scan from the CLI (no key) is not served to any key."""
    record = scans.finish(None, "private")
    assert client.get(f"/api/v1/result/{record.uuid}/", headers=alice.headers).status_code == 404


def test_can_view() -> None:
    key = ApiKeyRecord(id="k1", name="k", created_at=datetime.now(UTC))

    def record(visibility: str, owner: str | None) -> ScanRecord:
        return ScanRecord(
            uuid="u", url="http://x/", visibility=visibility, owner=owner,  # type: ignore[arg-type]
            status=ScanStatus.DONE, submitted_at=datetime.now(UTC),
        )  # fmt: skip

    owner, anonymous = Caller(key, "1.2.3.4"), Caller(None, "1.2.3.4")
    assert can_view(record("private", "k1"), owner)
    assert not can_view(record("private", "k2"), owner)
    assert not can_view(record("private", None), anonymous)
    assert can_view(record("unlisted", "k2"), anonymous)
    assert can_view(record("public", None), anonymous)
