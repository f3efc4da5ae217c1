"""Both spellings of every path, no redirects; HEAD kept out of the schema."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from spyglass.service.routing import route
from tests.service.conftest import Key, Scans


def test_route_registers_both_spellings() -> None:
    router = APIRouter()

    @route(router, "/things/{name}/", ["GET", "HEAD"])
    async def thing(name: str) -> dict[str, str]:
        return {"name": name}

    @route(router, "/other")
    async def other() -> dict[str, str]:
        return {"ok": "yes"}

    app = FastAPI(redirect_slashes=False)
    app.include_router(router)
    with TestClient(app) as client:
        for path in ("/things/a/", "/things/a", "/other", "/other/"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 200, path
        assert client.head("/things/a").status_code == 200
        paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/things/{name}/", "/other"}
    assert set(paths["/things/{name}/"]) == {"get"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/result/{}", "/api/v1/result/{}/", "/screenshots/{}.png", "/screenshots/{}.png/",
     "/dom/{}", "/dom/{}/", "/har/{}", "/har/{}/"],
)  # fmt: skip
def test_every_scan_path_in_both_spellings(
    client: TestClient, scans: Scans, alice: Key, path: str
) -> None:
    record = scans.finish(alice)
    response = client.get(path.format(record.uuid), follow_redirects=False)
    assert response.status_code == 200
