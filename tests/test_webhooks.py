"""Webhooks have a policy of their own: closed to loopback and private ranges unless
SPYGLASS_WEBHOOK_ALLOW_NETWORKS opens them (what is opened for pages is not), and never the
service's own port. A live loopback receiver shows whether a request arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web as aioweb
from click.testing import CliRunner

from spyglass import cli
from spyglass.errors import InvalidOption
from spyglass.models import ClaimedJob, ScanRequest
from spyglass.settings import Settings
from spyglass.webhooks import notify

LOOPBACK = ("127.0.0.0/8", "::1/128")
JOB = ClaimedJob(
    job_id=1,
    scan_uuid="00000000-0000-4000-8000-000000000001",
    attempt=1,
    worker_id="w1",
    request=ScanRequest(url="http://news.test/"),
    submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
)


@asynccontextmanager
async def receiver() -> AsyncIterator[tuple[int, list[dict]]]:
    """A webhook receiver on 127.0.0.1 (path ``/hook``): (its port, the JSON bodies received)."""
    received: list[dict] = []

    async def receive(request: aioweb.Request) -> aioweb.Response:
        received.append(await request.json())
        return aioweb.Response(text="ok")

    app = aioweb.Application()
    app.router.add_post("/hook", receive)
    runner = aioweb.AppRunner(app)
    await runner.setup()
    site = aioweb.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1], received  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


@pytest.fixture
async def hook() -> AsyncIterator[tuple[int, list[dict]]]:
    async with receiver() as running:
        yield running


async def test_loopback_opened_for_pages_stays_closed_to_webhooks(
    hook: tuple[int, list[dict]],
) -> None:
    port, received = hook
    settings = Settings(allow_networks=LOOPBACK)
    assert await notify(f"http://127.0.0.1:{port}/hook", JOB, settings) is False
    assert received == []


async def test_webhook_networks_open_a_closed_range(hook: tuple[int, list[dict]]) -> None:
    port, received = hook
    settings = Settings(webhook_allow_networks=LOOPBACK, public_url="https://spyglass.example")
    assert await notify(f"http://127.0.0.1:{port}/hook", JOB, settings) is True
    assert [body["uuid"] for body in received] == [JOB.scan_uuid]
    assert received[0]["api"] == f"https://spyglass.example/api/v1/result/{JOB.scan_uuid}/"


@pytest.mark.parametrize(
    ("url", "public_url", "service_ports"),
    [
        # The API at its public URL's port (serve's default: http://HOST:PORT).
        ("http://127.0.0.1:{port}/hook", "http://127.0.0.1:{port}", ()),
        # ... under another loopback name or address of the same machine.
        ("http://spyglass.test:{port}/hook", "http://127.0.0.1:{port}", ()),
        ("http://[::ffff:127.0.0.1]:{port}/hook", "http://127.0.0.1:{port}", ()),
        # Behind a reverse proxy: the port serve listens on is the service's too.
        ("http://127.0.0.1:{port}/hook", "https://spyglass.example", ("{port}",)),
    ],
)
async def test_webhook_to_the_services_own_port_is_refused_even_when_opened(
    hook: tuple[int, list[dict]], url: str, public_url: str, service_ports: tuple[str, ...]
) -> None:
    port, received = hook
    settings = Settings(
        allow_networks=LOOPBACK,
        webhook_allow_networks=LOOPBACK,
        resolve={"spyglass.test": "127.0.0.1"},
        public_url=public_url.format(port=port),
        service_ports=tuple(int(p.format(port=port)) for p in service_ports),
    )
    assert await notify(url.format(port=port), JOB, settings) is False
    assert received == []


def test_webhook_networks_from_the_environment() -> None:
    env = {"SPYGLASS_WEBHOOK_ALLOW_NETWORKS": "10.1.2.3/8, ::1"}
    assert Settings.from_env(env).webhook_allow_networks == ("10.0.0.0/8", "::1/128")
    assert Settings.from_env({}).webhook_allow_networks == ()
    with pytest.raises(InvalidOption, match="SPYGLASS_WEBHOOK_ALLOW_NETWORKS"):
        Settings.from_env({"SPYGLASS_WEBHOOK_ALLOW_NETWORKS": "intranet"})


def test_serve_counts_its_listening_port_as_the_services(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    served: list[Settings] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append(app.state.settings))
    monkeypatch.setenv("SPYGLASS_DATA", str(tmp_path))
    monkeypatch.setenv("SPYGLASS_PUBLIC_URL", "https://spyglass.example")
    result = CliRunner().invoke(cli.main, ["serve", "--port", "8123", "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert served[0].public_url == "https://spyglass.example"
    assert served[0].service_ports == (8123,)
