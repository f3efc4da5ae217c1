"""Web sign-in sessions and the servers' shared secrets.

A session id is 32 random bytes (base64url, 43 characters); the database keeps only its
sha256, as it does for API keys, so reading the database signs nobody in. A session belongs to
one API key and ends when signed out, at ``expires_at`` (fixed at sign-in, never extended), or
when its key is revoked. Expired rows are deleted whenever someone signs in.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spyglass.store.db import ApiKey, ServerSecret, WebSession, sha256_hex
from spyglass.store.records import ApiKeyRecord, api_key_record

SESSION_ID_BYTES = 32
SECRET_BYTES = 32


def start_session(session: Session, key_id: str, ttl: timedelta, *, now: datetime) -> str:
    """A new session of ``key_id`` ending at ``now + ttl``: its id (the cookie's value)."""
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    session.add(
        WebSession(
            id_sha256=sha256_hex(session_id), key_id=key_id, created_at=now, expires_at=now + ttl
        )
    )
    session.flush()
    return session_id


def session_key(session: Session, session_id: str, *, now: datetime) -> ApiKeyRecord | None:
    """The key signed in by ``session_id``; None when it is unknown, ended, expired or its key
    revoked."""
    row = session.scalars(
        select(ApiKey)
        .join(WebSession, WebSession.key_id == ApiKey.id)
        .where(WebSession.id_sha256 == sha256_hex(session_id))
        .where(WebSession.expires_at > now, ApiKey.disabled.is_(False))
    ).first()
    return api_key_record(row) if row is not None else None


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_sha256 == sha256_hex(session_id)))


def server_secret(session: Session, name: str) -> bytes:
    """The secret called ``name``, made (random) the first time anyone asks for it."""
    stored = session.get(ServerSecret, name)
    if stored is None:
        try:
            with session.begin_nested():
                stored = ServerSecret(name=name, value=secrets.token_hex(SECRET_BYTES))
                session.add(stored)
        except IntegrityError:
            # Another host made it between our read and our insert (PostgreSQL): use theirs.
            stored = session.get(ServerSecret, name, populate_existing=True)
            if stored is None:
                raise
    return bytes.fromhex(stored.value)
