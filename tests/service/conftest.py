"""Service fixtures: the app on a real Store (SQLite in tmp_path), two API keys, and finished
scans made without a browser (the saved news capture, completed through the store's queue).

``make_client(**changes)`` builds a client on settings that differ by a few fields, datasette's
``make_app_client(cors=True)`` way. The guard resolves nothing by DNS (``pins_only``): only the
pinned hosts below exist, on a public address nothing ever connects to.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from spyglass.models import RawCapture, ScanRecord, ScanRequest, TaskInfo, Visibility
from spyglass.pipeline import finish_scan, save_scan
from spyglass.service import create_app
from spyglass.service.ratelimit import RateLimiter
from spyglass.settings import Settings
from spyglass.store import Store
from tests.analyze.captures import ARTICLE_SHA, redirect_chain_news
from tests.conftest import sha256, tiny_png

with warnings.catch_warnings():
    # Starlette 1.x suggests httpx2 for its test client; httpx 0.28 is what we pin (2026-11).
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PUBLIC_URL = "https://spyglass.example"
PINS = {"news.test": "93.184.216.34", "daily.example": "93.184.216.35"}
NOW = datetime(2026, 11, 25, 17, 0, 30, 250000, tzinfo=UTC).timestamp()  # rate-limit clock


@dataclass(frozen=True)
class Key:
    id: str
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"API-Key": self.secret}


class FixedClock:
    """The rate limiter's clock, moved by hand: ``clock.advance(60)``."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def news_capture(article: bytes) -> RawCapture:
    """The redirect-chain news scan whose article body is ``article`` (kept as a blob), with
    a real PNG screenshot."""
    capture = redirect_chain_news()
    png = tiny_png()
    article_sha = sha256(article)
    transactions = [
        t.model_copy(update={"body_sha256": article_sha}) if t.body_sha256 == ARTICLE_SHA else t
        for t in capture.transactions
    ]
    return capture.model_copy(
        update={
            "transactions": transactions,
            "screenshot_sha256": sha256(png),
            "blobs": {sha256(png): png, article_sha: article},
        }
    )


@pytest.fixture
def settings() -> Settings:
    return Settings(
        pins_only=True,
        resolve=PINS,
        public_url=PUBLIC_URL,
        rate_limit_minute=1000,
        rate_limit_day=10000,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def make_client(
    settings: Settings, store: Store, clock: FixedClock
) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        varied = settings.model_copy(update=changes)
        app = create_app(varied, store)
        app.state.rate_limiter = RateLimiter(
            {"minute": varied.rate_limit_minute, "day": varied.rate_limit_day}, clock=clock
        )
        # Our cookies are Secure when the public URL is https: the client must be https too.
        scheme = "https" if varied.public_url.startswith("https:") else "http"
        client = TestClient(app, base_url=f"{scheme}://testserver")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


CSRF_FIELD = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')


def form_token(client: TestClient, path: str = "/") -> str:
    """The CSRF token the forms of page ``path`` carry (the same in every form of a page)."""
    tokens = set(CSRF_FIELD.findall(client.get(path).text))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def sign_in(client: TestClient, key: Key) -> str:
    """Sign in through /login as a browser would; the session cookie's value."""
    form = {"apikey": key.secret, "csrf": form_token(client, "/login")}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.cookies["spyglass_session"]


def sign_out(client: TestClient) -> None:
    response = client.post("/logout", data={"csrf": form_token(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text


def make_key(store: Store, name: str) -> Key:
    key_id, secret = store.create_api_key(name)
    return Key(key_id, secret)


@pytest.fixture
def alice(store: Store) -> Key:
    return make_key(store, "alice")


@pytest.fixture
def bob(store: Store) -> Key:
    return make_key(store, "bob")


@dataclass
class Scans:
    """Makes scans in the store the way the API and a worker would."""

    store: Store
    settings: Settings

    def submit(
        self, owner: Key | None = None, visibility: Visibility = "public", **changes: Any
    ) -> ScanRecord:
        request = ScanRequest(
            url="http://news.test/", visibility=visibility, tags=("news",), **changes
        )
        record, _ = self.store.submit(request, owner=owner.id if owner else None)
        return record

    def finish(
        self,
        owner: Key | None = None,
        visibility: Visibility = "public",
        *,
        article: bytes | None = None,
        **changes: Any,
    ) -> ScanRecord:
        """Submit, claim and complete one news scan; the finished record."""
        return self.complete(self.submit(owner, visibility, **changes), article=article)

    def complete(self, record: ScanRecord, *, article: bytes | None = None) -> ScanRecord:
        """Claim ``record``'s job (it must be next in the queue) and complete it."""
        job = self.store.claim("w1", 60)
        assert job is not None and job.scan_uuid == record.uuid
        capture = news_capture(article or f"<html>{record.uuid}</html>".encode())
        task = TaskInfo(
            uuid=record.uuid,
            time=job.submitted_at,
            url=record.url,
            visibility=record.visibility,
            method="api",
            source=record.owner or "anonymous",
            tags=list(record.tags),
            base_url=self.settings.public_url,
        )
        assert save_scan(self.store, job, capture, finish_scan(capture, task))
        finished = self.store.get_scan(record.uuid)
        assert finished is not None
        return finished

    def fail(self, owner: Key | None = None, visibility: Visibility = "public") -> ScanRecord:
        """A scan whose job failed for good (the target stopped resolving)."""
        record = self.submit(owner, visibility)
        job = self.store.claim("w1", 60)
        assert job is not None and job.scan_uuid == record.uuid
        self.store.fail(job, "dns", "news.test does not resolve", retry=False)
        failed = self.store.get_scan(record.uuid)
        assert failed is not None
        return failed


@pytest.fixture
def scans(store: Store, settings: Settings) -> Scans:
    return Scans(store, settings)


def article_sha(record: ScanRecord) -> str:
    """The hash of the article body ``Scans.finish`` gives a scan by default."""
    return sha256(f"<html>{record.uuid}</html>".encode())
