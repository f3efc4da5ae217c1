"""Web sign-in sessions: only the id's hash is kept, they expire, end, and die with their key."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from spyglass.store import Store
from spyglass.store.db import WebSession
from tests.store.conftest import Clock, sha256

TTL = timedelta(hours=12)


def session_hashes(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(
            connection.execute(
                select(WebSession.id_sha256).order_by(WebSession.id_sha256)
            ).scalars()
        )


def test_a_session_is_a_random_id_of_which_only_the_hash_is_kept(store: Store) -> None:
    key_id, secret = store.create_api_key("alice")
    session_id = store.start_session(key_id, TTL)
    other = store.start_session(key_id, TTL)
    assert session_id != other and secret not in (session_id, other)
    assert len(session_id) >= 43  # 32 random bytes, base64url: 256 bits
    key = store.session_key(session_id)
    assert key is not None and (key.id, key.name) == (key_id, "alice")
    assert session_hashes(store) == sorted([sha256(session_id.encode()), sha256(other.encode())])
    assert store.session_key(sha256(session_id.encode())) is None  # the hash opens nothing
    assert store.session_key("") is None


def test_ending_a_session_ends_that_one_only(store: Store) -> None:
    key_id, _ = store.create_api_key("alice")
    first, second = store.start_session(key_id, TTL), store.start_session(key_id, TTL)
    store.end_session(first)
    assert store.session_key(first) is None
    assert store.session_key(second) is not None
    store.end_session(first)  # twice: nothing left to end, no error


def test_sessions_expire_at_a_fixed_time_and_are_purged(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    key_id, _ = store.create_api_key("alice")
    session_id = store.start_session(key_id, TTL)
    clock.advance(TTL.total_seconds() - 1)
    assert store.session_key(session_id) is not None  # used: the expiry does not move
    clock.advance(1)
    assert store.session_key(session_id) is None
    fresh = store.start_session(key_id, TTL)  # a sign-in purges the expired ones
    assert session_hashes(store) == [sha256(fresh.encode())]


def test_revoking_a_key_ends_its_sessions(store: Store) -> None:
    alice, _ = store.create_api_key("alice")
    bob, _ = store.create_api_key("bob")
    hers, his = store.start_session(alice, TTL), store.start_session(bob, TTL)
    assert store.revoke_api_key(alice) is not None
    assert store.session_key(hers) is None and store.session_key(his) is not None
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(WebSession)).scalar() == 1


def test_the_signing_secret_is_random_and_kept(store: Store) -> None:
    secret = store.signing_secret()
    assert len(secret) >= 32 and store.signing_secret() == secret
    again = Store(store.engine, store.blobs)  # another process on the same database
    assert again.signing_secret() == secret
