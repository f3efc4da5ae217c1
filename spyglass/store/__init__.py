"""Storage: scans, reports, search index, jobs, API keys and sign-in sessions in a database;
bodies in blobs.

``Store`` is the one entry point the API, the worker and the CLI use. It is safe to share
across threads: every call opens its own short session. Writes on SQLite take the write lock at
``BEGIN IMMEDIATE`` and wait (``busy_timeout``) rather than fail under load.

    store = Store.open(Path("spyglass-data"))            # SQLite + ./spyglass-data/blobs
    store = Store.open(data_dir, "postgresql+psycopg://spyglass@db/spyglass")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from spyglass.models import ClaimedJob, RawCapture, ScanRecord, ScanRequest
from spyglass.store import keys, queue, sessions
from spyglass.store import search_sql as search_module
from spyglass.store.blobs import BlobStore, LocalBlobs
from spyglass.store.db import ReportRow, Scan, make_engine, migrate, sqlite_url, utcnow, writer
from spyglass.store.indexing import reindex_batch
from spyglass.store.records import ApiKeyRecord, scan_record
from spyglass.store.search_sql import InvalidQuery, SearchResult, SearchTimeout

# The migration that last rebuilt the search index: stores older than it are reindexed.
REINDEXED_AT = "0002"
SUBMIT_ATTEMPTS = 3

__all__ = [
    "ApiKeyRecord",
    "BlobStore",
    "InvalidQuery",
    "LocalBlobs",
    "SearchResult",
    "SearchTimeout",
    "Store",
]


def _keep_private(data_dir: Path) -> None:
    """The database and blobs are ours alone: the browser runs as another user, and neither it
    nor anything that takes over one of its processes may read a private scan."""
    if data_dir.stat().st_uid == os.geteuid():
        data_dir.chmod(0o700)


class Store:
    def __init__(
        self,
        engine: Engine,
        blobs: BlobStore,
        *,
        clock: Callable[[], datetime] = utcnow,
        search_timeout: float = search_module.DEFAULT_TIMEOUT,
    ) -> None:
        self.engine = engine
        self.blobs = blobs
        self.clock = clock
        self.search_timeout = search_timeout
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(writer(engine), expire_on_commit=False)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        database_url: str | None = None,
        *,
        search_timeout: float = search_module.DEFAULT_TIMEOUT,
    ) -> Store:
        """Open (creating and migrating to the newest schema) the store of ``data_dir``;
        the database is ``database_url`` when given, else ``data_dir/spyglass.db``."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        _keep_private(data_dir)
        engine = make_engine(database_url or sqlite_url(data_dir))
        try:
            before = migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, LocalBlobs(data_dir / "blobs"), search_timeout=search_timeout)
        if before is not None and before < REINDEXED_AT:
            store.reindex()  # the migration dropped the old index
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.engine.url!r}, {self.blobs!r})"

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    # ----------------------------------------------------------------------- scans

    def submit(
        self,
        request: ScanRequest,
        *,
        owner: str | None,
        priority: int = 0,
        source: str | None = None,
        dedupe_window: float = 0.0,
        force: bool = False,
    ) -> tuple[ScanRecord, bool]:
        """Queue a scan (its row and its job, in one transaction): ``(record, deduplicated)``.

        With ``dedupe_window`` seconds and without ``force``, an equal submission (url,
        visibility, owner, options) made within the window and not failed is returned instead.
        """
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                with self._write() as session:
                    return queue.submit(
                        session,
                        request,
                        owner=owner,
                        priority=priority,
                        source=source,
                        dedupe_window=dedupe_window,
                        force=force,
                        now=self.clock(),
                    )
            except IntegrityError:
                # Another API host took the same sort key in the same millisecond (PostgreSQL:
                # both saw it free); a new attempt picks a new one.
                if attempt == SUBMIT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def get_scan(self, uuid: str) -> ScanRecord | None:
        with self._read() as session:
            row = session.get(Scan, uuid)
            return scan_record(row) if row is not None else None

    def get_report(self, uuid: str) -> dict[str, Any] | None:
        with self._read() as session:
            row = session.get(ReportRow, uuid)
            return row.document if row is not None else None

    def search(
        self,
        query: str,
        *,
        viewer: str | None,
        size: int = 100,
        search_after: tuple[int, str] | None = None,
    ) -> SearchResult:
        """Finished scans ``viewer`` may see matching ``query``, newest first (see ``search``)."""
        with self._read() as session:
            return search_module.search(
                session,
                query,
                viewer=viewer,
                size=size,
                search_after=search_after,
                timeout=self.search_timeout,
                now=self.clock(),
            )

    def similar(
        self,
        uuid: str,
        query: str = "",
        *,
        viewer: str | None,
        size: int = 100,
        search_after: tuple[int, str] | None = None,
    ) -> SearchResult:
        """Finished scans ``viewer`` may see that look like scan ``uuid`` (see ``similar``)."""
        with self._read() as session:
            return search_module.similar(
                session,
                uuid,
                query,
                viewer=viewer,
                size=size,
                search_after=search_after,
                timeout=self.search_timeout,
                now=self.clock(),
            )

    def reindex(self) -> int:
        """Rebuild the search index of every finished scan from its report; how many."""
        done, after = 0, ""
        while True:
            with self._write() as session:
                batch = reindex_batch(session, after)
            if batch is None:
                return done
            after, count = batch
            done += count

    # ----------------------------------------------------------------------- jobs

    def claim(self, worker_id: str, lease_seconds: float) -> ClaimedJob | None:
        with self._write() as session:
            return queue.claim(session, worker_id, lease_seconds, now=self.clock())

    def heartbeat(self, job: ClaimedJob, lease_seconds: float) -> bool:
        with self._write() as session:
            return queue.heartbeat(session, job, lease_seconds, now=self.clock())

    def complete(
        self,
        job: ClaimedJob,
        report: dict[str, Any],
        capture: RawCapture,
        *,
        dom: bytes | None = None,
        har: bytes | None = None,
    ) -> bool:
        """Finish ``job`` with its report, the capture's bodies and the scan's DOM and HAR;
        False (nothing written to the scan) when the lease was lost. Blobs are stored by their
        content's sha256 (the capture's dict keys are not trusted)."""
        for data in capture.blobs.values():
            self.blobs.put(data)
        dom_sha256 = self.blobs.put(dom) if dom is not None else None
        har_sha256 = self.blobs.put(har) if har is not None else None
        with self._write() as session:
            return queue.complete(
                session,
                job,
                report,
                capture,
                dom_sha256=dom_sha256,
                har_sha256=har_sha256,
                now=self.clock(),
            )

    def fail(self, job: ClaimedJob, reason: str, message: str, *, retry: bool) -> None:
        with self._write() as session:
            queue.fail(session, job, reason, message, retry=retry, now=self.clock())

    def counts(self) -> dict[str, int]:
        with self._read() as session:
            return queue.counts(session)

    # ----------------------------------------------------------------------- API keys

    def create_api_key(self, name: str) -> tuple[str, str]:
        with self._write() as session:
            return keys.create_api_key(session, name, now=self.clock())

    def api_key(self, secret: str) -> ApiKeyRecord | None:
        """The enabled key of ``secret`` (None: unknown or revoked); a use of it is recorded."""
        with self._read() as session:
            key = keys.api_key(session, secret)
        now = self.clock()
        if key is not None and keys.needs_touch(key, now):
            with self._write() as session:
                keys.touch(session, key.id, now=now)
        return key

    def api_keys(self) -> list[ApiKeyRecord]:
        with self._read() as session:
            return keys.api_keys(session)

    def revoke_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """Refuse ``key_id`` from now on and end its sessions; None when there is no such key."""
        with self._write() as session:
            return keys.revoke_api_key(session, key_id, now=self.clock())

    # ----------------------------------------------------------------------- web sessions

    def start_session(self, key_id: str, ttl: timedelta) -> str:
        """Sign ``key_id`` in for ``ttl``: the new session's id (see ``store/sessions.py``)."""
        with self._write() as session:
            return sessions.start_session(session, key_id, ttl, now=self.clock())

    def session_key(self, session_id: str) -> ApiKeyRecord | None:
        with self._read() as session:
            return sessions.session_key(session, session_id, now=self.clock())

    def end_session(self, session_id: str) -> None:
        with self._write() as session:
            sessions.end_session(session, session_id)

    def signing_secret(self) -> bytes:
        """The random secret the pages sign their CSRF tokens with, shared by every host."""
        with self._write() as session:
            return sessions.server_secret(session, "signing")
