"""Shared fixtures: one local test web and one browser pool for the whole session.

Nothing here skips: a missing Chromium or a test web that cannot bind is a failure, in CI and
everywhere else.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from spyglass.analyze.report import build_report
from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, Report, TaskInfo
from spyglass.settings import DEFAULT_CHROMIUM, Settings
from spyglass.store import Store
from tests.testweb import TestWeb

# The test web lives in 127.0.0.0/25 and on ::1; internal.test (127.0.0.200) stands for an
# internal service and stays outside every range the tests open (shared with the test web's
# printed settings).
from tests.testweb.hosts import TEST_NETWORKS


@pytest.fixture(scope="session")
def web() -> Iterator[TestWeb]:
    with TestWeb() as running:
        yield running


@pytest.fixture(scope="session")
def settings(web: TestWeb) -> Settings:
    return Settings(
        allow_networks=TEST_NETWORKS,
        resolve=dict(web.pins),
        pins_only=True,  # nothing but the test web ever resolves
        trusted_spki=(web.spki_hash,),
    )


@pytest.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[BrowserPool]:
    async with BrowserPool(settings) as running:
        yield running


def report_of(capture: RawCapture) -> Report:
    task = TaskInfo(
        uuid="00000000-0000-4000-8000-000000000000", time=datetime.now(UTC), url=capture.url
    )
    return build_report(capture, task)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tiny_png() -> bytes:
    """A valid 1x1 white PNG: what a screenshot blob looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# What Chromium 156 prints when it cannot start its sandbox.
NO_SANDBOX = (
    "[1:1:FATAL:zygote_host_impl_linux.cc(132)] No usable sandbox! If you are running on Ubuntu "
    "23.10+ or another Linux distro that has disabled unprivileged user namespaces with AppArmor,"
    " see https://chromium.googlesource.com/chromium/src/+/main/docs/security/apparmor-userns-"
    "restrictions.md. Otherwise see https://chromium.googlesource.com/chromium/src/+/main/docs/"
    "linux/suid_sandbox_development.md for more information on developing with the (older) SUID"
    " sandbox. If you want to live dangerously and need an immediate workaround, you can try "
    "using --no-sandbox."
)


@pytest.fixture(scope="session")
def no_sandbox_chromium() -> Iterator[str]:
    """A stand-in for Chromium on a kernel without user namespaces: it fails as Chromium does
    there, and starts the real one when given ``--no-sandbox``. The browser's user can run it."""
    folder = Path(tempfile.mkdtemp(prefix="spyglass-test-chromium-"))
    folder.chmod(0o755)
    stub = folder / "chromium"
    stub.write_text(
        "#!/bin/sh\n"
        'for arg; do [ "$arg" = "--no-sandbox" ] && exec ' + DEFAULT_CHROMIUM + ' "$@"; done\n'
        f"echo '{NO_SANDBOX}' >&2\n"
        "exit 1\n"
    )
    stub.chmod(0o755)
    yield str(stub)
    shutil.rmtree(folder)


# ---------------------------------------------------------------- databases
# Every store-backed test runs on SQLite and on PostgreSQL.

POSTGRES_URL = os.environ.get(
    "SPYGLASS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The URL of a database created for this test session."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"spyglass_test_{uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as e:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({e.orig}). Start it with "
            "scripts/setup (pg_ctlcluster ... main start) or point SPYGLASS_TEST_POSTGRES_URL "
            "at a server where this user may create databases.",
            pytrace=False,
        )
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite (the store's default file), else a PostgreSQL URL on a fresh schema."""
    if request.param == "sqlite":
        yield None
        return
    with fresh_schema(request.getfixturevalue("postgres_database")) as schema_url:
        yield schema_url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """``url`` on a new, empty schema (``search_path``), dropped afterwards."""
    schema = f"t_{uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[Store]:
    opened = Store.open(tmp_path / "data", database_url)
    try:
        yield opened
    finally:
        opened.close()
