"""The web pages, rendered by the real app (TestClient): content, visibility, security headers,
and hostile scanned content shown as text, never as markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spyglass.models import ScanRequest
from spyglass.service.ui import PAGE_HEADERS
from spyglass.service.websession import SESSION_COOKIE
from spyglass.store import Store
from tests.service.conftest import Key, Scans, form_token, sign_in, sign_out
from tests.store.conftest import news_capture, news_report

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_home_lists_recent_public_scans_and_the_submit_form(
    client: TestClient, scans: Scans, alice: Key
) -> None:
    public = scans.finish(alice)
    private = scans.finish(alice, "private")
    unlisted = scans.finish(alice, "unlisted")
    page = client.get("/")
    assert page.status_code == 200
    assert f"/result/{public.uuid}/" in page.text
    assert private.uuid not in page.text and unlisted.uuid not in page.text
    assert 'action="/submit"' in page.text and 'name="apikey"' in page.text
    assert "IP Geolocation by DB-IP" in page.text and "https://db-ip.com" in page.text
    mine = client.get("/", headers=alice.headers).text
    assert private.uuid in mine and unlisted.uuid in mine


def test_report_page_sections(client: TestClient, scans: Scans) -> None:
    record = scans.finish()
    page = client.get(f"/result/{record.uuid}/")
    assert page.status_code == 200
    text = page.text
    for section in (
        "summary",
        "http",
        "redirects",
        "links",
        "forms",
        "text",
        "cookies",
        "console",
        "globals",
        "certificates",
        "indicators",
        "downloads",
        "raw",
    ):
        assert f'id="{section}"' in text, section
    assert "daily.example" in text and "Public Scan" in text
    assert re.search(r"Submission: On \w+ \d+, \d{4} via api from", text)
    assert "found in the DOM" in text and "Text Content" in text
    assert "/search/?q=ip%3A%22" in text  # IPs are pivots into search
    assert f"/api/v1/result/{record.uuid}/" in text
    assert client.get(f"/result/{record.uuid}").status_code == 200


def test_progress_failed_and_hidden_scans(client: TestClient, scans: Scans, alice: Key) -> None:
    failed = scans.fail()
    page = client.get(f"/result/{failed.uuid}/")
    assert "The scan failed" in page.text and "news.test does not resolve" in page.text
    private = scans.finish(alice, "private")
    assert client.get(f"/result/{private.uuid}/").status_code == 404
    assert client.get(f"/result/{private.uuid}/", headers=alice.headers).status_code == 200
    assert client.get("/result/not-a-scan/").status_code == 404
    queued = scans.submit()  # last: the helpers above claim the next job in the queue
    page = client.get(f"/result/{queued.uuid}/")
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.text
    assert "queued" in page.text


def test_search_page_results_paging_and_errors(client: TestClient, scans: Scans) -> None:
    made = [scans.finish().uuid for _ in range(3)]
    page = client.get("/search/", params={"q": "page.domain:daily.example"})
    assert page.status_code == 200 and "3 scans" in page.text
    assert all(uuid in page.text for uuid in made)
    bad = client.get("/search/", params={"q": "domian:x"})
    assert bad.status_code == 400 and "did you mean domain?" in bad.text
    cursor = client.get("/search/", params={"q": "*", "search_after": "not,a,cursor"})
    assert cursor.status_code == 400 and "Invalid search_after" in cursor.text
    empty = client.get("/search/", params={"q": "page.domain:nothing.example"})
    assert "No scans match." in empty.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "stats.requests:>99999999999999999999999"},
        {"q": "stats.requests:<-99999999999999999999999"},
        {"q": "date:>1500-01-01"},
        {"q": "*", "search_after": "99999999999999999999999999,x"},
        {"q": "*", "search_after": "9999999999999,0196d976-0000-7000-8000-000000000000"},
    ],
)
def test_search_page_refuses_overflowing_values(
    client: TestClient, scans: Scans, params: dict[str, str]
) -> None:
    scans.finish()
    page = client.get("/search/", params=params)
    assert page.status_code == 400 and "out of range" in page.text


def test_search_page_pages_through_results(
    client: TestClient, scans: Scans, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("spyglass.service.ui.PAGE_SIZE", 2)
    made = [scans.finish().uuid for _ in range(5)]
    seen: list[str] = []
    url = "/search/?q=domain%3Anews.test"
    while url:
        page = client.get(url).text
        seen += re.findall(r'href="/result/([0-9a-f-]{36})/"', page)
        found = re.search(r'href="([^"]+)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert sorted(seen) == sorted(made) and len(seen) == 5


@pytest.mark.parametrize("path", ["/", "/search/?q=x", "/result/nosuch/"])
def test_every_page_has_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def hostile_report(uuid: str, job: Any) -> dict[str, Any]:
    report = news_report(job, news_capture())
    report["task"]["uuid"] = uuid
    report["page"]["title"] = PAYLOAD
    report["page"]["domain"] = "evil.test" + PAYLOAD
    report["text"] = "Visible " + PAYLOAD
    report["forms"][0]["html"] = f"<form>{PAYLOAD}</form>"
    report["forms"][0]["actionUrl"] = "javascript:alert(1)//" + PAYLOAD
    report["data"]["cookies"][0]["value"] = PAYLOAD
    report["data"]["console"][0]["message"]["text"] = PAYLOAD
    report["data"]["globals"].append({"prop": PAYLOAD, "type": "string"})
    report["data"]["links"].append({"href": "javascript:alert(1)", "text": PAYLOAD})
    report["lists"]["domains"].append('x"><script>alert(2)</script>.test')
    report["data"]["dialogs"] = [{"type": "alert", "message": PAYLOAD}]
    report["data"]["popups"] = [{"url": "javascript:" + PAYLOAD}]
    report["wallet"] = {"calls": [
        {"method": "eth_sendTransaction", "addresses": [PAYLOAD], "params": [{"to": PAYLOAD}],
         "intent": {"summary": PAYLOAD}}
    ]}  # fmt: skip
    report["clipboard"] = [{"text": PAYLOAD, "api": "execCommand", "script": PAYLOAD,
                            "classification": {"summary": PAYLOAD}}]  # fmt: skip
    report["lists"]["cryptoAddresses"] = [
        {"address": PAYLOAD, "chain": PAYLOAD, "sources": [PAYLOAD], "sanctioned": True}
    ]
    report["verdicts"]["spyglass"] = {
        "score": 90, "malicious": True, "categories": [PAYLOAD], "tags": [],
        "brands": [{"key": PAYLOAD, "name": PAYLOAD}], "reasons": ["form posts to " + PAYLOAD],
    }  # fmt: skip
    return report


def test_hostile_content_is_text_on_every_page(client: TestClient, store: Store) -> None:
    record, _ = store.submit(ScanRequest(url="http://evil.test/"), owner=None)
    job = store.claim("w1", 60)
    assert job is not None
    assert store.complete(job, hostile_report(record.uuid, job), news_capture())
    for path in ("/", f"/result/{record.uuid}/", "/search/?q=domain%3Aevil.test"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
    report_page = client.get(f"/result/{record.uuid}/").text
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in report_page
    assert 'id="wallet"' in report_page and "eth_sendTransaction" in report_page
    for section in ('id="clipboard"', 'id="crypto"', 'class="reasons"'):
        assert section in report_page
    assert "form posts to &lt;script&gt;" in report_page


def test_signing_in_shows_the_keys_scans(client: TestClient, scans: Scans, alice: Key) -> None:
    private = scans.finish(alice, "private")
    assert private.uuid not in client.get("/").text
    unknown = {"apikey": "00000000-0000-4000-8000-000000000000", "csrf": form_token(client)}
    bad = client.post("/login", data=unknown)
    assert bad.status_code == 401 and "Unknown API key" in bad.text
    sign_in(client, alice)
    home = client.get("/").text
    assert private.uuid in home and "alice" in home and 'name="apikey"' not in home
    assert client.get(f"/result/{private.uuid}/").status_code == 200
    sign_out(client)
    assert private.uuid not in client.get("/").text


def test_submitting_from_the_home_page(client: TestClient, store: Store, alice: Key) -> None:
    form = {"url": "http://news.test/x", "visibility": "unlisted", "tags": "a, b", "apikey": ""}
    form["csrf"] = form_token(client)
    anonymous = client.post("/submit", data=form)
    assert anonymous.status_code == 401 and "Sign in or give an API key" in anonymous.text
    sent = client.post("/submit", data={**form, "apikey": alice.secret}, follow_redirects=False)
    assert sent.status_code == 303
    uuid = sent.headers["location"].split("/")[2]
    record = store.get_scan(uuid)
    assert record is not None and record.owner == alice.id
    assert (record.visibility, record.tags) == ("unlisted", ["a", "b"])
    progress = client.get(sent.headers["location"])
    assert "queued" in progress.text and 'http-equiv="refresh"' in progress.text
    job = store.claim("w1", 60)
    assert job is not None and job.request.options.decoy
    without = {**form, "apikey": alice.secret, "url": "http://news.test/y", "nodecoy": "on"}
    assert client.post("/submit", data=without, follow_redirects=False).status_code == 303
    job = store.claim("w1", 60)
    assert job is not None and not job.request.options.decoy
    refused = client.post(
        "/submit", data={**form, "url": "ftp://news.test/", "apikey": alice.secret}
    )
    assert refused.status_code == 400 and "Scheme not supported" in refused.text


@pytest.mark.parametrize("path", ["/login", "/submit", "/logout"])
def test_forms_from_other_sites_are_refused(client: TestClient, alice: Key, path: str) -> None:
    response = client.post(
        path, data={"apikey": alice.secret, "url": "http://news.test/"},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403 and "own pages only" in response.text
    cross = client.post(path, data={"apikey": "x"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403


def test_a_stale_cookie_is_anonymous_where_anonymous_reading_is_off(
    make_client: Callable[..., TestClient], scans: Scans
) -> None:
    client = make_client(anonymous_read=False)
    client.cookies.set(SESSION_COOKIE, "00000000-0000-4000-8000-000000000000")
    assert client.get("/").status_code == 401


def test_a_browser_form_with_a_null_origin_is_same_site(client: TestClient, alice: Key) -> None:
    """Under Referrer-Policy: no-referrer, Chromium sends "Origin: null" on our own forms."""
    headers = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    form = {"apikey": alice.secret, "csrf": form_token(client, "/login")}
    signed = client.post("/login", data=form, headers=headers, follow_redirects=False)
    assert signed.status_code == 303
