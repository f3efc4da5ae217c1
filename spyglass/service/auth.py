"""Who is calling, what they may see, and how much they may do.

* ``API-Key`` header (any case; never ``x-api-key``): UUID-shaped, else 400
  ``Invalid API key format``; unknown or revoked -> 401 ``API key supplied but not found in
  database!``.
* Submitting needs a key; reading public scans does not when ``settings.anonymous_read``.
* Visibility: ``public`` scans are anyone's, ``unlisted`` ones anyone's who has the UUID,
  ``private`` ones their owner's only. A scan the caller may not see does not exist for them (404).
* Rate limits per key, or per client address when anonymous (``ratelimit.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from spyglass.models import ScanRecord
from spyglass.service.dependencies import SettingsDep, StoreDep, get_rate_limiter
from spyglass.service.error_bodies import APIError
from spyglass.service.ratelimit import RateLimiter, RateLimitExceeded, Subject
from spyglass.store import ApiKeyRecord, Store

API_KEY_HEADER = "api-key"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

NO_KEY = 'No API key supplied. Please supply a valid API key in the "api-key" HTTP header.'
UNKNOWN_KEY = "API key supplied but not found in database!"
BAD_KEY_FORMAT = "Invalid API key format"


@dataclass(frozen=True)
class Caller:
    """The authenticated key (``None`` when anonymous) and the client's address."""

    key: ApiKeyRecord | None
    address: str

    @property
    def viewer(self) -> str | None:
        """The owner id the store compares scans' ``owner`` with."""
        return self.key.id if self.key else None

    @property
    def subject(self) -> Subject:
        if self.key is not None:
            return Subject("user", self.key.id)
        return Subject("ip-address", self.address)


def is_uuid_shaped(value: str) -> bool:
    """``"3f2a...-...-..."`` (8-4-4-4-12 hex) -> True; ``"secret"`` -> False."""
    return bool(_UUID.match(value))


async def _caller(request: Request, store: Store) -> Caller:
    address = request.client.host if request.client else "unknown"
    secret = request.headers.get(API_KEY_HEADER, "").strip()
    if not secret:
        return Caller(None, address)
    if not is_uuid_shaped(secret):
        raise APIError(400, BAD_KEY_FORMAT, "The API key must be a UUID.")
    key = await run_in_threadpool(store.api_key, secret)
    if key is None:
        raise APIError(401, UNKNOWN_KEY)
    return Caller(key, address)


async def reader(request: Request, settings: SettingsDep, store: StoreDep) -> Caller:
    """Any caller with a valid key; anonymous ones too when ``settings.anonymous_read``."""
    caller = await _caller(request, store)
    if caller.key is None and not settings.anonymous_read:
        raise APIError(401, NO_KEY)
    return caller


async def keyholder(request: Request, store: StoreDep) -> Caller:
    """A caller with a valid key (submissions)."""
    caller = await _caller(request, store)
    if caller.key is None:
        raise APIError(401, NO_KEY)
    return caller


def can_view(record: ScanRecord, caller: Caller) -> bool:
    """Public and unlisted scans: anyone with the UUID; private ones: their owner only."""
    if record.visibility in ("public", "unlisted"):
        return True
    return record.owner is not None and record.owner == caller.viewer


def enforce_rate_limit(request: Request, caller: Caller, action: str) -> None:
    """Take one ``action`` slot for the caller or answer 429.

    The slot is kept only if the answer is 200 (``middleware.RateLimitHeaders`` gives it back
    otherwise and adds the ``X-Rate-Limit-*`` headers to whatever the answer is).
    """
    limiter: RateLimiter = get_rate_limiter(request)
    try:
        ticket = limiter.acquire(caller.subject, action)
    except RateLimitExceeded as e:
        raise APIError(
            429,
            "Rate limit exceeded",
            f"The {e.state.window} limit of {e.state.limit} {action} requests is reached; "
            f"it resets in {e.state.reset_after} seconds.",
            headers=e.state.headers(caller.subject.scope),
        ) from e
    request.state.rate_limit = ticket


CallerDep = Annotated[Caller, Depends(reader)]
KeyholderDep = Annotated[Caller, Depends(keyholder)]
