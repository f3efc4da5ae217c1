"""Signing in to the pages: a server-side session whose id alone is in the cookie, ended by
signing out, by its expiry and by revoking its key; a CSRF token on every form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from spyglass.errors import InvalidOption
from spyglass.service.auth import UNKNOWN_KEY
from spyglass.service.websession import FORM_COOKIE, SESSION_COOKIE
from spyglass.settings import Settings
from spyglass.store import Store
from spyglass.store.db import utcnow
from tests.service.conftest import Key, Scans, form_token, sign_in, sign_out
from tests.store.conftest import Clock

STALE_FORM = "This form has expired or did not come from this page"


def signed_in_as(client: TestClient) -> str | None:
    """The key name the page header shows, None when it offers "Sign in"."""
    page = client.get("/").text
    if 'href="/login"' in page:
        return None
    start = page.index('<span class="who">') + len('<span class="who">')
    return page[start : page.index("</span>", start)]


def test_the_cookie_holds_a_session_id_never_the_key(
    client: TestClient, store: Store, alice: Key
) -> None:
    form = {"apikey": alice.secret, "csrf": form_token(client, "/login")}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    assert all(alice.secret not in cookie for cookie in cookies)
    session = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    attributes = {part.strip().lower() for part in session.split(";")}
    assert {"httponly", "samesite=strict", "secure", "path=/"} <= attributes
    assert f"max-age={12 * 3600}" in attributes  # SPYGLASS_SESSION_HOURS, 12 by default
    session_id = client.cookies[SESSION_COOKIE]
    assert len(session_id) >= 43 and session_id != alice.secret
    key = store.session_key(session_id)
    assert key is not None and key.id == alice.id
    assert signed_in_as(client) == "alice"


def test_the_cookie_is_secure_only_on_an_https_public_url(
    make_client: Callable[..., TestClient], alice: Key
) -> None:
    client = make_client(public_url="http://127.0.0.1:8000")
    form = {"apikey": alice.secret, "csrf": form_token(client, "/login")}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert "secure" not in response.headers["set-cookie"].lower()
    assert signed_in_as(client) == "alice"


def test_signing_out_ends_the_session_on_the_server(
    make_client: Callable[..., TestClient], scans: Scans, alice: Key
) -> None:
    private = scans.finish(alice, "private")
    browser = make_client()
    session_id = sign_in(browser, alice)
    sign_out(browser)
    assert SESSION_COOKIE not in browser.cookies
    replay = make_client()  # the old cookie, kept by someone and sent again
    replay.cookies.set(SESSION_COOKIE, session_id)
    assert signed_in_as(replay) is None
    assert private.uuid not in replay.get("/").text
    assert replay.get(f"/result/{private.uuid}/").status_code == 404
    closed = make_client(anonymous_read=False)
    closed.cookies.set(SESSION_COOKIE, session_id)
    assert closed.get("/").status_code == 401


def test_a_session_expires_at_a_fixed_time(
    make_client: Callable[..., TestClient], store: Store, alice: Key
) -> None:
    clock = Clock(utcnow())
    store.clock = clock
    client = make_client(session_hours=1)
    response = client.post(
        "/login", data={"apikey": alice.secret, "csrf": form_token(client, "/login")},
        follow_redirects=False,
    )  # fmt: skip
    assert "max-age=3600" in response.headers["set-cookie"].lower()
    clock.advance(3599)
    assert signed_in_as(client) == "alice"  # in use: the expiry stays where it was
    clock.advance(1)
    assert signed_in_as(client) is None


def test_revoking_a_key_signs_its_pages_out_and_the_api_refuses_it(
    client: TestClient, store: Store, scans: Scans, alice: Key, bob: Key
) -> None:
    private = scans.finish(alice, "private")
    sign_in(client, alice)
    assert private.uuid in client.get("/").text
    assert store.revoke_api_key(alice.id) is not None
    assert signed_in_as(client) is None
    assert client.get(f"/result/{private.uuid}/").status_code == 404
    refused = client.get("/api/v1/search/", headers=alice.headers)
    assert refused.status_code == 401 and refused.json()["message"] == UNKNOWN_KEY
    assert client.get("/api/v1/search/", headers=bob.headers).status_code == 200


# ---------------------------------------------------------------------------- CSRF


def post(client: TestClient, path: str, key: Key, token: str | None) -> Response:
    form = {"apikey": key.secret, "url": "http://news.test/"}
    if token is not None:
        form["csrf"] = token
    return client.post(path, data=form, follow_redirects=False)


def altered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize("token", [None, "", "forged", "altered"])
@pytest.mark.parametrize(
    ("path", "signed_in"),
    [("/login", False), ("/submit", False), ("/submit", True), ("/logout", True)],
)
def test_every_form_needs_its_token(
    client: TestClient, store: Store, alice: Key, path: str, signed_in: bool, token: str | None
) -> None:
    if signed_in:
        sign_in(client, alice)
    good = form_token(client, "/login" if path == "/login" else "/")
    refused = post(client, path, alice, altered(good) if token == "altered" else token)
    assert refused.status_code == 403 and STALE_FORM in refused.text
    assert store.counts()["queued"] == 0  # nothing was done
    assert (signed_in_as(client) == "alice") == signed_in
    assert post(client, path, alice, good).status_code == 303  # the page's own token works


def test_a_token_is_bound_to_its_session(
    make_client: Callable[..., TestClient], store: Store, alice: Key, bob: Key
) -> None:
    hers, his = make_client(), make_client()
    sign_in(hers, alice)
    sign_in(his, bob)
    her_token = form_token(hers)
    assert post(his, "/submit", bob, her_token).status_code == 403
    assert post(his, "/logout", bob, her_token).status_code == 403
    assert signed_in_as(his) == "bob" and store.counts()["queued"] == 0
    stranger = make_client()  # an anonymous browser's token is its own form cookie's
    anonymous_token = form_token(stranger, "/login")
    assert post(hers, "/submit", alice, anonymous_token).status_code == 403
    assert post(stranger, "/submit", alice, anonymous_token).status_code == 303


def test_a_token_outlives_no_sign_in(client: TestClient, alice: Key) -> None:
    """Signed in, the anonymous form cookie's token no longer counts: forms are the session's."""
    anonymous_token = form_token(client, "/login")
    sign_in(client, alice)
    assert post(client, "/submit", alice, anonymous_token).status_code == 403
    assert FORM_COOKIE in client.cookies


def test_the_form_cookie_is_set_once_and_strict(client: TestClient) -> None:
    first = client.get("/login")
    cookie = first.headers["set-cookie"].lower()
    assert cookie.startswith(f"{FORM_COOKIE}=")
    assert {"httponly", "samesite=strict", "secure", "path=/"} <= {
        part.strip() for part in cookie.split(";")
    }
    assert "set-cookie" not in client.get("/login").headers
    assert "set-cookie" not in client.get("/api/v1/search/").headers


def test_the_session_setting() -> None:
    assert Settings().session_hours == 12
    assert Settings.from_env({"SPYGLASS_SESSION_HOURS": "0.5"}).session_hours == 0.5
    for bad in ("0", "inf", "nan", "100000"):
        with pytest.raises(InvalidOption, match="SPYGLASS_SESSION_HOURS"):
            Settings.from_env({"SPYGLASS_SESSION_HOURS": bad})
