"""The migrations create exactly the schema the models describe, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, bindparam, inspect, text

from spyglass.store import Store
from spyglass.store.db import Base, in_models
from tests.store.conftest import news_request, old_schema


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": in_models}
        )
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == "0003"
        tables = set(inspect(connection).get_table_names())
    assert {t for t in tables if in_models(t, "table", None)} == {
        "alembic_version", "scans", "reports", "scan_index", "scan_numbers", "jobs", "api_keys",
        "web_sessions", "server_secrets",
    }  # fmt: skip
    assert "scan_text" in tables  # and, on SQLite, its FTS5 index scan_fts


def test_reopening_keeps_the_data(tmp_path: Path, database_url: str | None) -> None:
    first = Store.open(tmp_path, database_url)
    record, _ = first.submit(news_request(), owner="k1")
    first.close()
    again = Store.open(tmp_path, database_url)
    try:
        assert again.get_scan(record.uuid) == record
    finally:
        again.close()


def test_processes_starting_together_migrate_once(tmp_path: Path, database_url: str | None):
    def open_and_close(_: int) -> None:
        Store.open(tmp_path, database_url).close()

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(open_and_close, range(6)))
    store = Store.open(tmp_path, database_url)
    try:
        with store.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [("0003",)]
    finally:
        store.close()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        assert (tmp_path / "spyglass.db").is_file()
        with store.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert pragma("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        store.close()


def test_upgrading_keeps_the_keys(tmp_path: Path, database_url: str | None) -> None:
    """A store made before sessions (0002) keeps its keys, none of them revoked or used."""
    with old_schema(tmp_path, database_url, "0002") as connection:
        insert = text(
            "INSERT INTO api_keys (id, name, secret_sha256, created_at, disabled)"
            " VALUES ('0a1b2c3d', 'old', :sha, :now, :no)"
        ).bindparams(bindparam("now", type_=DateTime(timezone=True)))
        connection.execute(
            insert, {"sha": "0" * 64, "now": datetime(2026, 1, 2, tzinfo=UTC), "no": False}
        )
    store = Store.open(tmp_path, database_url)
    try:
        [key] = store.api_keys()
        assert (key.id, key.name) == ("0a1b2c3d", "old")
        assert key.revoked_at is None and key.last_used_at is None
        assert key.created_at == datetime(2026, 1, 2, tzinfo=UTC)
    finally:
        store.close()
