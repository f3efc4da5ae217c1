"""The database: SQLAlchemy models, engines and migrations. SQLite by default, PostgreSQL at scale.

The same code runs on both. The schema is created and upgraded by Alembic
(``spyglass/store/migrations``) when a store opens, never by ``create_all``: a deployment that
upgrades Spyglass upgrades its database the same way a fresh one is created.

SQLite is tuned for many threads and processes sharing one file: WAL (readers never block the
writer), ``busy_timeout`` (a writer waits for the lock instead of failing with "database is
locked"), and every write transaction starts with ``BEGIN IMMEDIATE`` so it takes the write lock
up front; a deferred transaction that upgrades to a writer mid-way fails at once on contention,
whatever the timeout.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SORT_KEY_BITS = 20
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Held while migrating so that an API and its workers starting together migrate once.
PG_MIGRATION_LOCK = 0x5350_5947  # "SPYG"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both backends.

    SQLite has no time zones: values are stored as naive UTC text (which sorts and compares
    correctly); PostgreSQL stores ``timestamp with time zone``. A naive datetime is refused
    rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Scan(Base):
    """One row per scan: who may see it, where it stands, and what search hits show."""

    __tablename__ = "scans"
    __table_args__ = (
        Index("ix_scans_status_submitted_ms_uuid", "status", "submitted_ms", "uuid"),
        # A search without a selective term walks finished, visible scans newest first.
        Index("ix_scans_status_sort_key", "status", "sort_key", "visibility", "owner"),
        Index("ux_scans_sort_key", "sort_key", unique=True),
        Index("ix_scans_dedupe_key_submitted_ms", "dedupe_key", "submitted_ms"),
        Index("ix_scans_owner_submitted_ms", "owner", "submitted_ms"),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # submitted_at in epoch milliseconds: what search_after cursors name.
    submitted_ms: Mapped[int] = mapped_column(BigInteger)
    # The search order, unique: submitted_ms << SORT_KEY_BITS plus a tie-breaker. Index rows
    # and the full-text index carry it (see ScanIndex).
    sort_key: Mapped[int] = mapped_column(BigInteger, nullable=True)  # see migration 0002
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    dom_sha256: Mapped[str | None] = mapped_column(String(64))
    har_sha256: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # sha256 of url + visibility + owner + options: equal keys are the same submission.
    dedupe_key: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)


class ReportRow(Base):
    """The whole urlscan result document, apart so that ``scans`` rows stay small."""

    __tablename__ = "reports"

    scan_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("scans.uuid", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class _IndexRow:
    """A search term of a finished scan, with what search orders and filters by.

    The primary key (field, value, sort_key) is the whole lookup: rows of one value come out
    newest first, ``sort_key < cursor`` is a range, and ``viewer`` (NULL: public; else the only
    caller who may find the scan) is filtered without reading ``scans``.
    """

    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    sort_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    viewer: Mapped[str | None] = mapped_column(String(32))


class ScanIndex(_IndexRow, Base):
    """Keyword terms: lower-cased values (see ``search/values.py``)."""

    __tablename__ = "scan_index"
    __table_args__ = {"sqlite_with_rowid": False}

    value: Mapped[str] = mapped_column(
        String(600).with_variant(String(600, collation="C"), "postgresql"), primary_key=True
    )


class ScanNumber(_IndexRow, Base):
    """Numeric terms (``page.status``, ``stats.requests``, ``verdicts.score``...)."""

    __tablename__ = "scan_numbers"
    __table_args__ = {"sqlite_with_rowid": False}

    value: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Job(Base):
    """A scan's work item: queued -> running (lease, heartbeat) -> done | failed."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_priority_id", "status", "priority", "id"),
        Index("ix_jobs_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_uuid: Mapped[str] = mapped_column(
        String(36), ForeignKey("scans.uuid", ondelete="CASCADE"), index=True
    )
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiKey(Base):
    """An API key: only the secret's sha256 is kept. Revoking sets ``disabled`` (what every
    lookup filters on) and ``revoked_at``; the row stays, so its id keeps naming its scans."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, the database only its sha256 (a
    leaked database signs nobody in). Fixed expiry: ``expires_at`` never moves."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(
        String(16), ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ServerSecret(Base):
    """Random secrets every API host shares (the pages' CSRF tokens are signed with one)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


# --------------------------------------------------------------------------- engines


def sqlite_url(data_dir: Path) -> str:
    """``Path("/srv/spyglass")`` -> ``"sqlite:////srv/spyglass/spyglass.db"``."""
    return f"sqlite:///{(data_dir / 'spyglass.db').resolve()}"


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database file in WAL mode (it stays so). Switching needs the file to itself and
    SQLite answers "database is locked" at once rather than waiting, so processes that create
    the database together retry, within the busy timeout; once the file is WAL, only read."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)  # another connection holds the file for a moment: back off
        delay = min(delay * 2, 0.2)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get the pragmas the module docstring explains.

    Write transactions go through ``engine.execution_options(sqlite_begin="IMMEDIATE")``.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=10,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take SQLite's write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


# Full-text tables differ per backend and are written in SQL (store/fulltext.py); the models
# do not describe them, so schema comparisons leave them out.
FULLTEXT_TABLES = ("scan_text", "scan_fts")


def in_models(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic ``include_name``: False for the full-text tables (and FTS5's shadow tables)."""
    return not (type_ == "table" and name is not None and name.startswith(FULLTEXT_TABLES))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> str | None:
    """Upgrade the database to the newest revision, once even when processes start together;
    the revision it had before (None: it was new)."""
    config = alembic_config()
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before


def utcnow() -> datetime:
    """Now, in UTC, to the millisecond: what is stored is what search_after cursors compare."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
