"""POST /api/v1/scan/: what is accepted, what answers 400, and that a 400 queues nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spyglass.models import ScanOptions
from spyglass.service import create_app
from spyglass.service.error_bodies import APIError
from spyglass.service.submission import ScanSubmission, checked_webhook
from spyglass.settings import Settings
from spyglass.store import Store
from spyglass.worker import Worker
from tests.service.conftest import PINS, PUBLIC_URL, Key, news_capture


def submit(client: TestClient, key: Key, **body: object) -> dict:
    response = client.post("/api/v1/scan/", json=body, headers=key.headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("path", ["/api/v1/scan/", "/api/v1/scan"])
def test_submission_answers_urlscan_shape(
    client: TestClient, store: Store, alice: Key, path: str
) -> None:
    response = client.post(
        path,
        json={"url": "news.test/a b", "visibility": "unlisted", "tags": ["phishing"],
              "customagent": "Mozilla/5.0 test", "country": "DE"},
        headers=alice.headers,
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    uuid = body["uuid"]
    assert body == {
        "message": "Submission successful",
        "uuid": uuid,
        "result": f"{PUBLIC_URL}/result/{uuid}/",
        "api": f"{PUBLIC_URL}/api/v1/result/{uuid}/",
        "visibility": "unlisted",
        "url": "http://news.test/a%20b",
        "options": {"useragent": "Mozilla/5.0 test"},
        "country": "xx",
    }
    record = store.get_scan(uuid)
    assert record is not None
    assert (record.owner, record.source, record.visibility) == (alice.id, alice.id, "unlisted")
    assert record.tags == ["phishing"]
    job = store.claim("w1", 60)
    assert job is not None and job.scan_uuid == uuid
    assert job.request.options == ScanOptions(user_agent="Mozilla/5.0 test")
    assert job.request.country == "de"
    assert job.request.method == "api"


def test_decoy_and_interaction_can_be_switched_off_per_scan(
    client: TestClient, store: Store, alice: Key
) -> None:
    body = submit(client, alice, url="http://news.test/", decoy=False, interact=False)
    assert body["options"] == {"decoy": False, "interact": False}
    job = store.claim("w1", 60)
    assert job is not None
    assert job.request.options == ScanOptions(decoy=False, interact=False)
    assert submit(client, alice, url="http://news.test/b")["options"] == {}
    job = store.claim("w1", 60)
    assert job is not None and job.request.options.decoy and job.request.options.interact


def test_country_answered_is_where_the_scanner_runs(make_client, alice: Key) -> None:
    client = make_client(scanner_country="NL")
    assert submit(client, alice, url="http://news.test/")["country"] == "nl"


def test_visibility_defaults_public_and_legacy_public_on(client: TestClient, alice: Key) -> None:
    assert submit(client, alice, url="http://news.test/1")["visibility"] == "public"
    assert submit(client, alice, url="http://news.test/2", public="on")["visibility"] == "public"
    assert submit(client, alice, url="http://news.test/3", public="off")["visibility"] == "private"
    chosen = submit(client, alice, url="http://news.test/4", public="on", visibility="unlisted")
    assert chosen["visibility"] == "unlisted"


def test_extra_fields_are_ignored(client: TestClient, alice: Key) -> None:
    body = submit(client, alice, url="http://news.test/", overrideSafety="yes", frobnicate=1)
    assert body["message"] == "Submission successful"


def test_webhook_is_recorded_normalised(client: TestClient, store: Store, alice: Key) -> None:
    submit(client, alice, url="http://news.test/", webhook="hooks.example/done")
    job = store.claim("w1", 60)
    assert job is not None and job.request.webhook_url == "http://hooks.example/done"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"url": "http://news.test/", "customagent": "\\ud800"}',
        b'{"url": "http://news.test/", "tags": ["a\\u0000b"]}',
        b'{"url": "http://news.test/\\udfff"}',
    ],
)
def test_text_no_database_holds_is_a_validation_error(
    client: TestClient, store: Store, alice: Key, raw: bytes
) -> None:
    """JSON can carry a lone surrogate or NUL; UTF-8 and PostgreSQL cannot (was a 500)."""
    before = store.counts()
    headers = {**alice.headers, "Content-Type": "application/json"}
    response = client.post("/api/v1/scan/", content=raw, headers=headers)
    assert response.status_code == 400, response.text
    assert "without NUL characters or lone surrogates" in response.json()["message"]
    assert store.counts() == before


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, '"url" is required'),
        ({"url": 5}, '"url" must be a string'),
        ({"url": "http://news.test/", "visibility": "secret"}, '"visibility" must be one of'),
        ({"url": "http://news.test/", "tags": [f"t{i}" for i in range(11)]},
         '"tags" must contain less than or equal to 10 items'),
        ({"url": "http://news.test/", "tags": ["x" * 30]},
         '"tags[0]" length must be less than or equal to 29 characters long'),
        ({"url": "http://news.test/", "tags": "phishing"}, '"tags" must be an array'),
        ({"url": "http://news.test/", "country": "Germany"}, '"country" must be an ISO 3166-1'),
        ({"url": "http://news.test/", "customagent": "a\r\nX-Evil: 1"},
         '"customagent" must not contain control characters'),
        ({"url": "http://news.test/", "force": "maybe"}, '"force" must be a boolean'),
    ],
)  # fmt: skip
def test_invalid_bodies_answer_validation_errors(
    client: TestClient, store: Store, alice: Key, body: dict, problem: str
) -> None:
    before = store.counts()
    response = client.post("/api/v1/scan/", json=body, headers=alice.headers)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "validationerror" and error["type"] == "body"
    assert error["status"] == 400
    assert error["message"].startswith("ValidationError: ")
    assert problem in error["message"]
    assert error["errors"][0]["title"] == "Field Validation Error"
    assert store.counts() == before


def test_body_that_is_not_json_is_a_validation_error(client: TestClient, alice: Key) -> None:
    response = client.post(
        "/api/v1/scan/",
        content=b"{not json",
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("ValidationError")


@pytest.mark.parametrize(
    ("url", "message", "description"),
    [
        ("http://", "Invalid URL", "URL has no host"),
        ("   ", "Invalid URL", "empty URL"),
        ("file:///etc/passwd", "Scheme not supported", "'file'"),
        ("javascript:alert(1)", "Scheme not supported", "'javascript'"),
        ("ftp://news.test/", "Scheme not supported", "'ftp'"),
        ("http://10.0.0.1/", "Blocked address", "private range"),
        ("http://169.254.169.254/latest/meta-data/", "Blocked address", "link_local range"),
        ("http://127.0.0.1:8000/healthz", "Blocked address", "loopback range"),
        ("http://[::ffff:10.0.0.1]/", "Blocked address", "private range"),
        ("http://unknown.test/", "DNS Error - Could not resolve domain",
         "The domain unknown.test could not be resolved to a valid IPv4/IPv6 address. "
         "We won't try to load it in the browser."),
    ],
)  # fmt: skip
def test_unscannable_targets_answer_400_and_queue_nothing(
    client: TestClient, store: Store, alice: Key, url: str, message: str, description: str
) -> None:
    before = store.counts()
    response = client.post("/api/v1/scan/", json={"url": url}, headers=alice.headers)
    assert response.status_code == 400
    error = response.json()
    assert error["message"] == message
    assert error["status"] == 400
    assert description in error["description"]
    assert error["errors"] == [{"title": message, "detail": error["description"], "status": 400}]
    assert store.counts() == before
    assert store.claim("w1", 60) is None


@pytest.mark.parametrize(
    ("url", "host", "category"),
    [
        ("http://internal.test\\@news.test/", "internal.test", "loopback"),
        ("http://10.0.0.1:80\\@news.test:80/", "10.0.0.1", "private"),
        ("http://[::ffff:10.0.0.1]\\@news.test/", "::ffff:a00:1", "private"),
        ("http://169.254.169.254\\news.test/latest/meta-data/", "169.254.169.254", "link_local"),
        ("http://0xa9.254.43518/", "169.254.169.254", "link_local"),
        ("http://167772161/", "10.0.0.1", "private"),
    ],
)  # fmt: skip
def test_closed_host_written_for_another_parser_answers_400(
    make_client, store: Store, alice: Key, url: str, host: str, category: str
) -> None:
    # The host refused is the one a browser would open (WHATWG URL), not urllib's news.test.
    client = make_client(resolve={**PINS, "internal.test": "127.0.0.200"})
    response = client.post("/api/v1/scan/", json={"url": url}, headers=alice.headers)
    assert response.status_code == 400
    error = response.json()
    assert error["message"] == "Blocked address"
    assert error["description"].startswith(f"Refusing to scan {host}: ")
    assert f"({category} range" in error["description"]
    assert store.claim("w1", 60) is None


def test_open_host_written_before_a_backslash_is_the_one_scanned(
    client: TestClient, store: Store, alice: Key
) -> None:
    body = submit(client, alice, url="http://news.test\\@10.0.0.1/")
    assert body["url"] == "http://news.test/@10.0.0.1/"
    job = store.claim("w1", 60)
    assert job is not None and job.request.url == "http://news.test/@10.0.0.1/"


def test_allowed_network_opens_a_closed_range(make_client, alice: Key) -> None:
    client = make_client(allow_networks=("10.0.0.0/8",))
    assert submit(client, alice, url="http://10.0.0.1/")["url"] == "http://10.0.0.1/"


@pytest.mark.parametrize("webhook", ["file:///tmp/x", "javascript:alert(1)", "http://"])
def test_webhook_must_be_http(client: TestClient, store: Store, alice: Key, webhook: str) -> None:
    before = store.counts()
    response = client.post(
        "/api/v1/scan/", json={"url": "http://news.test/", "webhook": webhook},
        headers=alice.headers,
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid webhook URL"
    assert store.counts() == before


def test_dedupe_returns_the_earlier_scan_unless_forced(
    make_client, store: Store, alice: Key, bob: Key
) -> None:
    client = make_client(dedupe_window=600)
    first = submit(client, alice, url="http://news.test/")
    again = submit(client, alice, url="http://news.test/")
    assert again["uuid"] == first["uuid"]
    assert again["message"] == "Submission deduplicated: an identical scan was submitted recently"
    assert set(again) == set(first)
    assert again["api"] == first["api"]

    forced = submit(client, alice, url="http://news.test/", force=True)
    assert forced["uuid"] != first["uuid"]
    assert forced["message"] == "Submission successful"
    other_owner = submit(client, bob, url="http://news.test/")
    assert other_owner["uuid"] not in (first["uuid"], forced["uuid"])
    other_visibility = submit(client, alice, url="http://news.test/", visibility="private")
    assert other_visibility["uuid"] != first["uuid"]
    assert store.counts()["queued"] == 4


def test_without_dedupe_window_every_submission_is_new(client: TestClient, alice: Key) -> None:
    first = submit(client, alice, url="http://news.test/")
    assert submit(client, alice, url="http://news.test/")["uuid"] != first["uuid"]


def test_submission_model_visibility_rules() -> None:
    assert ScanSubmission(url="x").effective_visibility() == "public"
    assert ScanSubmission(url="x", public="ON ").effective_visibility() == "public"
    assert ScanSubmission(url="x", public="").effective_visibility() == "private"
    assert ScanSubmission(url="x", visibility="private", public="on").effective_visibility() == (
        "private"
    )


def test_checked_webhook() -> None:
    assert checked_webhook(None) is None
    assert checked_webhook("") is None
    assert checked_webhook("https://Hooks.Example/x") == "https://hooks.example/x"
    with pytest.raises(APIError) as raised:
        checked_webhook("gopher://hooks.example/")
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("client_host", "country"),
    [
        ("217.0.0.1", "DE"),  # a public client: looked up in the shipped data
        ("2606:4700:4400::ac40:9205", "US"),
        ("127.0.0.1", None),  # loopback and private clients are not looked up
        ("::1", None),
        ("10.1.2.3", None),
        ("testclient", None),  # not an address
    ],
)
def test_submitter_country_is_where_the_client_is(
    settings: Settings, store: Store, alice: Key, client_host: str, country: str | None
) -> None:
    with TestClient(create_app(settings, store), client=(client_host, 50000)) as client:
        uuid = submit(client, alice, url="http://news.test/")["uuid"]
    job = store.claim("w1", 60)
    assert job is not None and job.scan_uuid == uuid
    assert job.request.submitter_country == country
    # The worker writes it into the report (no browser: the capture is a saved one).
    worker = Worker(settings, store, pool=None)  # type: ignore[arg-type]
    assert worker._complete(job, news_capture(b"<html>news</html>"))
    report = store.get_report(uuid)
    assert report is not None and report["submitter"] == {"country": country}
