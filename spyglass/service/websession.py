"""Who is looking at a page, and whether a form posted to us came from one of our pages.

Signing in makes a server-side session (``store/sessions.py``): the browser's
``spyglass_session`` cookie holds only its random id, never the API key. It ends when signed
out (the id is deleted on the server: a copied cookie then counts for nothing), at its fixed
expiry (``settings.session_hours`` after signing in) or when its key is revoked.

Every POST form carries a CSRF token, an HMAC (server secret shared through the database) of
what the browser holds:

* signed in: the session id (a synchronizer token: another session's token does not fit);
* anonymous (the sign-in form, a submission with a typed key): a random ``spyglass_form``
  cookie set by the page (a signed double-submit token: a site that cannot read our pages can
  neither read the cookie nor make the HMAC).

A form without the token that fits is refused with 403, on top of the Fetch-Metadata/Origin
check (``cross_site``). Both cookies are HttpOnly, SameSite=Strict, Path=/, and Secure when the
public URL is https.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from spyglass.service.auth import API_KEY_HEADER, Caller, reader
from spyglass.service.dependencies import SettingsDep, StoreDep
from spyglass.settings import Settings
from spyglass.store import Store

SESSION_COOKIE = "spyglass_session"
FORM_COOKIE = "spyglass_form"
# The cookie that held the API key itself before sessions: removed wherever it is seen.
LEGACY_COOKIE = "spyglass_key"
CSRF_FIELD = "csrf"
FORM_NONCE_BYTES = 16
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")  # base64url, as secrets.token_urlsafe

CROSS_SITE = "Forms are accepted from Spyglass's own pages only."
STALE_FORM = (
    "This form has expired or did not come from this page (its security token does not fit): "
    "reload the page and send it again."
)


@dataclass(frozen=True)
class Visitor(Caller):
    """A page's caller: the key (header or session), the session id when signed in, and the
    CSRF token its forms carry. ``new_form_cookie``: the page must set ``form_nonce``."""

    session_id: str | None
    form_nonce: str
    new_form_cookie: bool
    csrf: str
    secure: bool


def cookie_value(request: Request, name: str) -> str | None:
    """A cookie shaped like our ids (``secrets.token_urlsafe``); None when absent or not."""
    value = request.cookies.get(name, "")
    return value if _COOKIE_VALUE.match(value) else None


def csrf_token(secret: bytes, session_id: str | None, form_nonce: str) -> str:
    """``HMAC-SHA256(secret, "session:<id>")`` signed in, else of ``"form:<nonce>"``; hex."""
    binding = f"session:{session_id}" if session_id else f"form:{form_nonce}"
    return hmac.new(secret, binding.encode(), hashlib.sha256).hexdigest()


async def signing_secret(request: Request, store: Store) -> bytes:
    """The store's signing secret, read once per app."""
    state = request.app.state
    if getattr(state, "signing_secret", None) is None:
        state.signing_secret = await run_in_threadpool(store.signing_secret)
    secret: bytes = state.signing_secret  # app.state is untyped
    return secret


def is_secure(settings: Settings) -> bool:
    return settings.public_url.startswith("https:")


async def visitor(request: Request, settings: SettingsDep, store: StoreDep) -> Visitor:
    """Who is looking: the API-Key header, else the signed-in session (an ended, expired or
    unknown session counts for nothing: anonymous, where ``auth.reader`` allows that)."""
    caller: Caller | None = None
    session_id = cookie_value(request, SESSION_COOKIE)
    if session_id and not request.headers.get(API_KEY_HEADER):
        key = await run_in_threadpool(store.session_key, session_id)
        if key is not None:
            caller = Caller(key, request.client.host if request.client else "unknown")
    if caller is None:
        session_id = None
        caller = await reader(request, settings, store)
    nonce = cookie_value(request, FORM_COOKIE)
    new_cookie = nonce is None
    nonce = nonce or secrets.token_urlsafe(FORM_NONCE_BYTES)
    secret = await signing_secret(request, store)
    return Visitor(
        key=caller.key, address=caller.address, session_id=session_id, form_nonce=nonce,
        new_form_cookie=new_cookie, csrf=csrf_token(secret, session_id, nonce),
        secure=is_secure(settings),
    )  # fmt: skip


VisitorDep = Annotated[Visitor, Depends(visitor)]


def form_problem(request: Request, who: Visitor, form: dict[str, str]) -> str | None:
    """Why a posted form is refused (403), or None: sent from another site, or without the
    token this visitor's pages carry."""
    if cross_site(request):
        return CROSS_SITE
    if not hmac.compare_digest(form.get(CSRF_FIELD, "").encode(), who.csrf.encode()):
        return STALE_FORM
    return None


def cross_site(request: Request) -> bool:
    """A form posted from another site (the cookies are SameSite=Strict as well). Fetch
    metadata first: under our ``Referrer-Policy: no-referrer`` browsers send ``Origin: null``."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


def set_form_cookie(response: Response, who: Visitor) -> None:
    """Give a page's browser the form cookie its anonymous forms' token is made from."""
    if who.new_form_cookie:
        _set(response, FORM_COOKIE, who.form_nonce, who.secure, max_age=None)


def sign_in(response: Response, session_id: str, settings: Settings) -> None:
    ttl = timedelta(hours=settings.session_hours)
    _set(response, SESSION_COOKIE, session_id, is_secure(settings), int(ttl.total_seconds()))
    response.delete_cookie(LEGACY_COOKIE)


def sign_out(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=is_secure(settings), httponly=True, samesite="strict"
    )
    response.delete_cookie(LEGACY_COOKIE)


def _set(response: Response, name: str, value: str, secure: bool, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="strict"
    )
