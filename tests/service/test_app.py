"""The application: lifespan tasks, health, docs, and the JSON envelope on every error."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from spyglass.service import create_app
from spyglass.service.dependencies import get_settings, get_store
from spyglass.settings import Settings
from spyglass.store import Store
from tests.service.conftest import Key, Scans


def test_lifespan_tasks_run_and_are_cancelled_on_shutdown(settings: Settings, store: Store) -> None:
    events: list[str] = []

    async def worker_loop() -> None:
        events.append("started")
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    async def short_task() -> None:
        events.append("short")

    app = create_app(settings, store, lifespan_tasks=[worker_loop, short_task])
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert "started" in events and "short" in events
        assert "cancelled" not in events
    assert events[-1] == "cancelled"


def test_a_crashing_lifespan_task_does_not_stop_the_app(
    settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    with TestClient(create_app(settings, store, lifespan_tasks=[broken])) as client:
        assert client.get("/healthz").status_code == 200
    assert "background task" in caplog.text and "crashed" in caplog.text


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_counts_jobs(client: TestClient, scans: Scans, alice: Key, path: str) -> None:
    scans.finish(alice)
    scans.fail(alice)
    scans.submit(alice)
    assert client.get(path).json() == {
        "status": "ok",
        "jobs": {"queued": 1, "running": 0, "done": 1, "failed": 1},
        "browser": None,  # an API-only app: no browser in this process
        "allowUnsandboxed": False,
        "warnings": [],
    }


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/scan/", "/api/v1/result/{uuid}/", "/api/v1/search/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/scan/"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nope", 404), ("GET", "/api/v1/scan/", 405), ("DELETE", "/api/v1/search/", 405)],
)
def test_framework_errors_use_the_urlscan_envelope(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status and body["message"]
    assert body["errors"][0]["status"] == status
    assert response.text == json.dumps(body, ensure_ascii=False)


def test_unexpected_error_is_a_json_500(settings: Settings, store: Store) -> None:
    class BrokenStore:
        def counts(self) -> dict[str, int]:
            raise RuntimeError("database gone")

    app = create_app(settings, store)
    app.dependency_overrides[get_store] = BrokenStore
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/healthz")
    assert response.status_code == 500
    assert response.json()["message"] == "Internal server error"
    assert "database gone" not in response.text


def test_settings_dependency_can_be_overridden(settings: Settings, store: Store) -> None:
    app = create_app(settings, store)
    app.dependency_overrides[get_settings] = lambda: settings.model_copy(
        update={"scanner_country": "JP"}
    )
    with TestClient(app) as client:
        assert client.get("/api/v1/availableCountries").json() == {"countries": ["jp"]}


def test_no_redirects_between_slash_forms(client: TestClient, alice: Key) -> None:
    for path in ("/api/v1/search", "/api/v1/search/", "/api/v1/quotas/", "/user/quotas"):
        response = client.get(path, headers=alice.headers, follow_redirects=False)
        assert response.status_code == 200, path


def test_every_answer_is_nosniff(client: TestClient) -> None:
    for path in ("/healthz", "/api/v1/search/", "/nope"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/docs").headers
