"""Screenshots, DOM, HAR and response bodies: content, types, and the headers that keep hostile
content inert in a browser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spyglass.store import Store
from tests.service.conftest import Scans, article_sha, sha256, tiny_png

ARTIFACT_PATHS = ["/screenshots/{}.png", "/dom/{}/", "/dom/{}", "/har/{}/", "/har/{}"]


def assert_inert(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"


def test_screenshot_is_the_png(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    for path in (f"/screenshots/{record.uuid}.png", f"/screenshots/{record.uuid}.png/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.content == tiny_png()
        assert_inert(response)


def test_dom_is_served_as_text_never_html(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    response = client.get(f"/dom/{record.uuid}/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "<form" in response.text and "slide-search__form" in response.text
    assert_inert(response)


def test_har_is_json(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    response = client.get(f"/har/{record.uuid}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    har = response.json()
    assert har["log"]["version"] == "1.2"
    assert har["log"]["entries"]
    assert_inert(response)


@pytest.mark.parametrize("path", ARTIFACT_PATHS)
def test_artifacts_of_a_pending_scan_are_404(client: TestClient, scans: Scans, path: str) -> None:
    record = scans.submit()
    response = client.get(path.format(record.uuid))
    assert response.status_code == 404
    assert response.json()["message"] == "Scan is not finished yet"
    assert_inert(response)


@pytest.mark.parametrize("path", ARTIFACT_PATHS)
def test_artifacts_of_an_unknown_scan_are_404(client: TestClient, path: str) -> None:
    response = client.get(path.format("0d9b5a52-8f6c-4a6e-9d65-6f1f1d0c6c2b"))
    assert response.status_code == 404
    assert response.json()["message"] == "No such scan submission"


@pytest.mark.parametrize("path", ["/screenshots/{}.png", "/dom/{}/", "/har/{}/"])
def test_a_failed_scan_has_no_artifacts(client: TestClient, scans: Scans, path: str) -> None:
    record = scans.fail()
    response = client.get(path.format(record.uuid))
    assert response.status_code == 404
    assert response.json()["message"].startswith("No ")
    assert response.json()["message"].endswith(" for this scan")


def test_head_on_artifacts(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    head = client.head(f"/screenshots/{record.uuid}.png")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(tiny_png()))
    assert client.head(f"/dom/{scans.submit().uuid}/").status_code == 404


def test_response_body_by_hash(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    sha = article_sha(record)
    for path in (f"/responses/{sha}/", f"/responses/{sha}", f"/responses/{sha.upper()}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.text == f"<html>{record.uuid}</html>"
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert_inert(response)


def test_binary_response_body_is_octet_stream(client: TestClient, scans: Scans) -> None:
    body = b"\x89PNG\r\n\x1a\n\xff\xfe binary"
    scans.finish(article=body)
    response = client.get(f"/responses/{sha256(body)}/")
    assert response.status_code == 200
    assert response.content == body
    assert response.headers["content-type"] == "application/octet-stream"
    assert_inert(response)


def test_hostile_html_body_stays_text(client: TestClient, scans: Scans) -> None:
    body = b"<script>fetch('/api/v1/quotas').then(r=>r.text()).then(alert)</script>"
    scans.finish(article=body)
    response = client.get(f"/responses/{sha256(body)}/")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert_inert(response)


@pytest.mark.parametrize("sha", ["0" * 64, "abc", "g" * 64, "0" * 65])
def test_unknown_or_malformed_hash_is_404(client: TestClient, sha: str) -> None:
    response = client.get(f"/responses/{sha}/")
    assert response.status_code == 404
    assert "message" in response.json()
    assert_inert(response)


def test_screenshot_and_dom_blobs_are_not_served_as_responses(
    client: TestClient, store: Store, scans: Scans
) -> None:
    """Only response bodies a scan loaded are reachable by hash, not every blob in the store."""
    record = scans.finish()
    for sha in (record.screenshot_sha256, record.dom_sha256, record.har_sha256):
        assert sha is not None and store.blobs.has(sha)
        assert client.get(f"/responses/{sha}/").status_code == 404


def test_downloads_are_never_served_raw(client: TestClient, store: Store, scans: Scans) -> None:
    """A saved download may be malware: it is findable (download:) but /responses/ refuses it."""
    record = scans.finish()
    report = store.get_report(record.uuid)
    assert report is not None
    (download,) = report["meta"]["processors"]["download"]["data"]
    sha = download["sha256"]
    assert store.search(f"download:{sha}", viewer=None).total == 1
    assert store.search(f"hash:{sha}", viewer=None).total == 0
    assert client.get(f"/responses/{sha}/").status_code == 404
