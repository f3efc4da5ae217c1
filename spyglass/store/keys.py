"""API keys: a short public id, a secret shown once, and only the secret's sha256 kept.

A key is revoked, never deleted (its id keeps naming the scans it made): revoking refuses the
secret at once and ends the key's sign-in sessions in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from spyglass.store.db import ApiKey, WebSession, sha256_hex
from spyglass.store.records import ApiKeyRecord, api_key_record

# ``last_used_at`` is written at most this often per key: a busy key costs no write per call.
LAST_USED_EVERY = timedelta(minutes=1)


def create_api_key(session: Session, name: str, *, now: datetime) -> tuple[str, str]:
    """``(key_id, secret)``: key_id like ``"3f2a9c1e"``, secret a uuid4 string."""
    secret = str(uuid4())
    while True:
        key_id = uuid4().hex[:8]
        if session.get(ApiKey, key_id) is None:
            break
    session.add(ApiKey(id=key_id, name=name, secret_sha256=sha256_hex(secret), created_at=now))
    session.flush()
    return key_id, secret


def api_key(session: Session, secret: str) -> ApiKeyRecord | None:
    """The enabled key whose secret is ``secret``; None for an unknown or revoked one."""
    row = session.scalars(
        select(ApiKey).where(ApiKey.secret_sha256 == sha256_hex(secret), ApiKey.disabled.is_(False))
    ).first()
    return api_key_record(row) if row is not None else None


def needs_touch(key: ApiKeyRecord, now: datetime) -> bool:
    """Whether ``key``'s ``last_used_at`` is old enough to be written again."""
    return key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY


def touch(session: Session, key_id: str, *, now: datetime) -> None:
    """Record a use of ``key_id``, unless another caller recorded one within LAST_USED_EVERY."""
    session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_EVERY))
        .values(last_used_at=now)
    )


def api_keys(session: Session) -> list[ApiKeyRecord]:
    """Every key, revoked ones too, oldest first."""
    rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
    return [api_key_record(row) for row in rows]


def revoke_api_key(session: Session, key_id: str, *, now: datetime) -> ApiKeyRecord | None:
    """Revoke ``key_id`` and end its sessions; the key as it is now (None: no such key).
    Revoking a revoked key changes nothing: ``revoked_at`` stays the first time."""
    row = session.get(ApiKey, key_id, with_for_update=True)
    if row is None:
        return None
    if row.revoked_at is None:
        row.disabled, row.revoked_at = True, now
    session.execute(delete(WebSession).where(WebSession.key_id == key_id))
    session.flush()
    return api_key_record(row)
