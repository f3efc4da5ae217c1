"""API keys: a short public id, a secret shown once, and only the secret's sha256 kept."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from spyglass.store.db import ApiKey, sha256_hex
from spyglass.store.records import ApiKeyRecord


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
    """The enabled key whose secret is ``secret``; None for an unknown or disabled one."""
    row = session.scalars(
        select(ApiKey).where(ApiKey.secret_sha256 == sha256_hex(secret), ApiKey.disabled.is_(False))
    ).first()
    if row is None:
        return None
    return ApiKeyRecord(id=row.id, name=row.name, created_at=row.created_at)
