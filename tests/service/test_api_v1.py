"""Result, search, quotas and discovery endpoints (submission: ``test_submission.py``)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import insert

from spyglass.service.api_v1 import CHROME_USER_AGENT, parse_search_after
from spyglass.service.error_bodies import APIError
from spyglass.store import Store
from spyglass.store.db import ScanIndex
from tests.service.conftest import PUBLIC_URL, Key, Scans

RESULT_PATHS = ["/api/v1/result/{}/", "/api/v1/result/{}"]
SEARCH_PATHS = ["/api/v1/search/", "/api/v1/search"]


# --------------------------------------------------------------------------- result


@pytest.mark.parametrize("path", RESULT_PATHS)
def test_result_of_a_finished_scan_is_the_report(
    client: TestClient, scans: Scans, alice: Key, path: str
) -> None:
    record = scans.finish(alice)
    response = client.get(path.format(record.uuid), headers=alice.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    result = response.json()
    assert result["task"]["uuid"] == record.uuid
    assert result["task"]["screenshotURL"] == f"{PUBLIC_URL}/screenshots/{record.uuid}.png"
    assert result["task"]["reportURL"] == f"{PUBLIC_URL}/result/{record.uuid}/"
    assert result["task"]["domURL"] == f"{PUBLIC_URL}/dom/{record.uuid}/"
    assert result["page"]["domain"] == "daily.example"
    assert {"data", "lists", "stats", "meta", "verdicts", "forms"} <= set(result)


def test_result_links_follow_the_current_public_url(make_client, scans: Scans, alice: Key) -> None:
    record = scans.finish(alice)  # the report was written under https://spyglass.example
    client = make_client(public_url="https://scans.internal:8443")
    task = client.get(f"/api/v1/result/{record.uuid}/").json()["task"]
    assert task["screenshotURL"] == f"https://scans.internal:8443/screenshots/{record.uuid}.png"


@pytest.mark.parametrize("path", RESULT_PATHS)
def test_pending_scan_is_404_not_finished(
    client: TestClient, scans: Scans, alice: Key, path: str
) -> None:
    record = scans.submit(alice)
    response = client.get(path.format(record.uuid), headers=alice.headers)
    assert response.status_code == 404
    assert response.json()["message"] == "Scan is not finished yet"
    assert '"status": 404' in response.text  # MISP string-matches this
    head = client.head(path.format(record.uuid), headers=alice.headers)
    assert head.status_code == 404 and head.content == b""


def test_running_scan_is_404_not_finished(
    client: TestClient, store: Store, scans: Scans, alice: Key
) -> None:
    record = scans.submit(alice)
    assert store.claim("w1", 60) is not None
    response = client.get(f"/api/v1/result/{record.uuid}/")
    assert response.status_code == 404
    assert response.json()["message"] == "Scan is not finished yet"


@pytest.mark.parametrize(
    "uuid", ["0d9b5a52-8f6c-4a6e-9d65-6f1f1d0c6c2b", "not-a-uuid", "%27%20OR%201=1"]
)
def test_unknown_scan_is_404_no_such_submission(client: TestClient, uuid: str) -> None:
    response = client.get(f"/api/v1/result/{uuid}/")
    assert response.status_code == 404
    body = response.json()
    assert body["message"] == "No such scan submission"
    assert body["status"] == 404
    assert body["errors"][0]["title"] == "No such scan submission"


def test_head_polling_turns_200_when_done(
    client: TestClient, store: Store, scans: Scans, alice: Key
) -> None:
    """urlscan-python's wait_for_result: HEAD until 200, then GET."""
    record = scans.submit(alice)
    url = f"/api/v1/result/{record.uuid}/"
    assert client.head(url).status_code == 404
    job = store.claim("w1", 60)
    assert job is not None
    assert client.head(url).status_code == 404
    store.fail(job, "browser", "crashed", retry=True)  # back to the queue: still pending
    assert client.head(url).status_code == 404
    scans.complete(record)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == "application/json"


def test_failed_scan_answers_a_minimal_document(
    client: TestClient, scans: Scans, alice: Key
) -> None:
    record = scans.fail(alice)
    response = client.get(f"/api/v1/result/{record.uuid}")
    assert response.status_code == 200
    result = response.json()
    assert result["task"]["uuid"] == record.uuid
    assert result["task"]["url"] == "http://news.test/"
    assert result["task"]["visibility"] == "public"
    datetime.strptime(result["task"]["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert result["page"] == {"url": "http://news.test/", "domain": "news.test"}
    assert result["failure"] == {"reason": "dns", "message": "news.test does not resolve"}
    assert result["data"]["requests"] == []
    assert result["lists"]["urls"] == [] and result["lists"]["ips"] == []
    assert result["stats"] == {}
    assert result["verdicts"]["overall"]["malicious"] is False
    assert client.head(f"/api/v1/result/{record.uuid}/").status_code == 200


def test_wait_long_polls_until_done(
    client: TestClient, store: Store, scans: Scans, alice: Key
) -> None:
    record = scans.submit(alice)
    response = client.get(f"/api/v1/result/{record.uuid}/?wait=0.3")
    assert response.status_code == 404
    assert response.json()["message"] == "Scan is not finished yet"
    job = store.claim("w1", 60)
    assert job is not None
    store.fail(job, "dns", "gone", retry=False)
    response = client.get(f"/api/v1/result/{record.uuid}/?wait=5")
    assert response.status_code == 200
    assert response.json()["failure"]["reason"] == "dns"


@pytest.mark.parametrize("wait", ["61", "-1", "soon"])
def test_wait_out_of_range_is_400(client: TestClient, scans: Scans, wait: str) -> None:
    record = scans.submit()
    response = client.get(f"/api/v1/result/{record.uuid}/", params={"wait": wait})
    assert response.status_code == 400
    assert response.json()["type"] == "query"


def test_error_bodies_use_spaced_separators(client: TestClient) -> None:
    text = client.get("/api/v1/result/0d9b5a52-8f6c-4a6e-9d65-6f1f1d0c6c2b/").text
    assert text == json.dumps(json.loads(text))
    assert '"message": "No such scan submission"' in text


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("path", SEARCH_PATHS)
def test_search_hit_shape(client: TestClient, scans: Scans, alice: Key, path: str) -> None:
    record = scans.finish(alice)
    response = client.get(path, params={"q": "page.domain:daily.example"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "total", "took", "has_more"}
    assert body["total"] == 1 and body["has_more"] is False
    [hit] = body["results"]
    assert hit["_id"] == record.uuid and hit["_score"] is None
    assert hit["sort"][1] == record.uuid
    assert hit["sort"][0] == round(record.submitted_at.timestamp() * 1000)
    assert hit["result"] == f"{PUBLIC_URL}/api/v1/result/{record.uuid}/"
    assert hit["screenshot"] == f"{PUBLIC_URL}/screenshots/{record.uuid}.png"
    assert hit["task"] == {
        "visibility": "public",
        "method": "api",
        "domain": "news.test",
        "apexDomain": "news.test",
        "time": hit["task"]["time"],
        "uuid": record.uuid,
        "url": "http://news.test/",
        "tags": ["news"],
        "source": alice.id,
    }
    datetime.strptime(hit["task"]["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert set(hit["stats"]) == {
        "uniqIPs", "uniqCountries", "dataLength", "encodedDataLength", "requests"
    }  # fmt: skip
    assert hit["stats"]["requests"] > 0
    assert hit["page"]["status"] == "200"
    assert hit["page"]["url"] == "https://daily.example/article?id=7"


@pytest.mark.parametrize("slash", ["/", ""])
def test_similar_is_structure_search(
    client: TestClient, scans: Scans, alice: Key, bob: Key, slash: str
) -> None:
    """urlscan-python's ``Pro.structure_search``: the same news page scanned again looks alike
    (same DOM structure, same screenshot); others' private scans and failures do not show."""
    first, second = scans.finish(alice), scans.finish()
    mine = scans.finish(alice, "private")
    scans.finish(bob, "private")
    scans.fail()
    path = f"/api/v1/pro/result/{first.uuid}/similar{slash}"

    body = client.get(path, headers=alice.headers).json()
    assert set(body) == {"results", "total", "took", "has_more"}
    assert [hit["_id"] for hit in body["results"]] == [mine.uuid, second.uuid]
    anonymous = client.get(path, params={"q": "task.tags:news", "size": 1}).json()
    assert anonymous["total"] == 1 and anonymous["results"][0]["_id"] == second.uuid
    assert client.get(path, params={"q": "nosuchfield:x"}).status_code == 400
    hidden = f"/api/v1/pro/result/{mine.uuid}/similar/"
    assert client.get(hidden, headers=bob.headers).status_code == 404
    assert client.get(hidden).status_code == 404


def test_search_pages_with_search_after_and_counts_with_size_0(
    client: TestClient, scans: Scans
) -> None:
    made = [scans.finish().uuid for _ in range(5)]
    everything = client.get("/api/v1/search/", params={"q": "domain:news.test", "size": 100})
    order = [hit["_id"] for hit in everything.json()["results"]]
    assert sorted(order) == sorted(made)

    seen: list[str] = []
    params: dict[str, object] = {"q": "domain:news.test", "size": 2}
    while True:
        page = client.get("/api/v1/search/", params=params).json()
        assert page["total"] == 5
        seen += [hit["_id"] for hit in page["results"]]
        if not page["has_more"]:
            break
        # urlscan-python's cursor: the last hit's sort values joined by a comma
        params["search_after"] = ",".join(str(v) for v in page["results"][-1]["sort"])
    assert seen == order

    count = client.get("/api/v1/search/", params={"q": "domain:news.test", "size": 0}).json()
    assert count["results"] == [] and count["total"] == 5


def test_search_default_size_is_100(client: TestClient, scans: Scans) -> None:
    scans.finish()
    assert len(client.get("/api/v1/search/").json()["results"]) == 1


def test_search_skips_unfinished_and_failed_scans(
    client: TestClient, scans: Scans, alice: Key
) -> None:
    scans.fail(alice)
    scans.submit(alice)
    body = client.get("/api/v1/search/", headers=alice.headers).json()
    assert body == {"results": [], "total": 0, "took": body["took"], "has_more": False}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"search_after": "abc"}, "Invalid search_after"),
        ({"search_after": "123"}, "Invalid search_after"),
        ({"search_after": "123,"}, "Invalid search_after"),
        ({"search_after": "[123,abc]"}, "Invalid search_after"),
        ({"q": "nosuchfield:x"}, "Invalid search query"),
        ({"q": 'page.title:"open'}, "Invalid search query"),
        ({"q": "domain:a AND (page.status:200"}, "Invalid search query: unbalanced parentheses"),
        ({"q": "page.status:[200 TO"}, "Invalid search query: syntax error"),
        ({"q": "date:[now TO yesterday]"}, "Invalid search query: 'yesterday' is not a date"),
        ({"q": "domain:[a TO b]"}, "Invalid search query: domain is not a date or number"),
        ({"q": "(" * 10_000}, "Invalid search query: parentheses nested deeper than 32"),
        ({"q": ")" * 10_000}, "Invalid search query: unbalanced ')' at column 1"),
        ({"datasource": "hostnames"}, "Unsupported datasource"),
        ({"size": "10001"}, "ValidationError"),
        ({"size": "-1"}, "ValidationError"),
        ({"size": "many"}, "ValidationError"),
    ],
)
def test_bad_search_requests_are_400(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/api/v1/search/", params=params)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert response.json()["status"] == 400


# Values past what the database columns or sort keys hold: 500 (OverflowError) before.
OVERFLOWING_QUERIES = [
    "stats.requests:>99999999999999999999999",
    "verdicts.score:>99999999999999999999999",
    "stats.requests:<-99999999999999999999999",
    "date:>99999999999999999999",
    "date:>1500-01-01",
    "date:9999-12-31",
]
OVERFLOWING_CURSORS = [
    "99999999999999999999999999,x",
    "-99999999999999999999999999,0196d976-0000-7000-8000-000000000000",
    "9999999999999,0196d976-0000-7000-8000-000000000000",
]


def assert_error_json(response: Response, message: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == 400 and body["message"].startswith(message)
    assert body["errors"][0]["status"] == 400 and body["errors"][0]["detail"]


@pytest.mark.parametrize("path", SEARCH_PATHS)
@pytest.mark.parametrize("query", OVERFLOWING_QUERIES)
def test_overflowing_queries_are_400(
    client: TestClient, scans: Scans, path: str, query: str
) -> None:
    scans.finish()
    assert_error_json(client.get(path, params={"q": query}), "Invalid search query")


@pytest.mark.parametrize("cursor", OVERFLOWING_CURSORS)
def test_overflowing_cursors_are_400(client: TestClient, scans: Scans, cursor: str) -> None:
    scans.finish()
    response = client.get("/api/v1/search/", params={"search_after": cursor})
    assert_error_json(response, "Invalid search_after")


@pytest.mark.parametrize(
    "params",
    [{"q": query} for query in OVERFLOWING_QUERIES]
    + [{"search_after": cursor} for cursor in OVERFLOWING_CURSORS],
)
def test_overflowing_similar_searches_are_400(
    client: TestClient, scans: Scans, params: dict[str, str]
) -> None:
    first = scans.finish()
    scans.finish()
    response = client.get(f"/api/v1/pro/result/{first.uuid}/similar/", params=params)
    assert_error_json(response, "Invalid search")


def test_a_search_past_the_time_limit_is_400(
    client: TestClient, scans: Scans, store: Store
) -> None:
    scans.finish()
    rows = [
        {"field": "page.url", "value": f"https://x{i}.test/", "sort_key": i, "viewer": None}
        for i in range(30_000)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(ScanIndex), rows)
    store.search_timeout = 0.0
    response = client.get("/api/v1/search/", params={"q": "page.url:*x2999?*"})
    assert response.status_code == 400
    assert response.json()["message"] == "Search timed out"
    assert "narrow it" in response.json()["description"]


def test_search_accepts_scans_datasource_and_collapse(client: TestClient, scans: Scans) -> None:
    scans.finish()
    params = {"datasource": "scans", "collapse": "page.domain"}
    assert client.get("/api/v1/search/", params=params).json()["total"] == 1


def test_parse_search_after() -> None:
    assert parse_search_after(None) is None
    assert parse_search_after("") is None
    assert parse_search_after("1611489992146, abc") == (1611489992146, "abc")
    with pytest.raises(APIError):
        parse_search_after("x,abc")


# --------------------------------------------------------------------------- quotas, discovery


@pytest.mark.parametrize("path", ["/api/v1/quotas", "/api/v1/quotas/"])
def test_quotas_count_per_action(client: TestClient, scans: Scans, alice: Key, path: str) -> None:
    record = scans.finish(alice)
    client.get(f"/api/v1/result/{record.uuid}/", headers=alice.headers)
    client.get("/api/v1/result/0d9b5a52-8f6c-4a6e-9d65-6f1f1d0c6c2b/", headers=alice.headers)
    body = client.get(path, headers=alice.headers).json()
    assert body["scope"] == "user"
    assert set(body["limits"]) == {"public", "unlisted", "private", "retrieve", "search"}
    retrieve = body["limits"]["retrieve"]
    assert retrieve["minute"] == {
        "limit": 1000, "used": 1, "remaining": 999, "percent": 0.1,
        "reset": "2026-11-25T17:01:00.000Z",
    }  # fmt: skip
    assert retrieve["day"]["reset"] == "2026-11-26T00:00:00.000Z"
    assert body["limits"]["search"]["minute"]["used"] == 0
    anonymous = client.get(path).json()
    assert anonymous["scope"] == "ip-address"
    assert anonymous["limits"]["retrieve"]["minute"]["used"] == 0


@pytest.mark.parametrize("path", ["/user/quotas/", "/user/quotas"])
def test_legacy_quotas(client: TestClient, alice: Key, path: str) -> None:
    body = client.get(path, headers=alice.headers).json()
    assert body["source"] == "user"
    limits = body["limits"]
    for action in ("public", "unlisted", "private", "retrieve", "search"):
        assert set(limits[action]) == {"minute", "day"}
        assert limits[action]["day"]["limit"] == 10000
    assert limits["maxSearchResults"] == 10000
    assert "maxRetentionPeriodDays" in limits


@pytest.mark.parametrize("path", ["/api/v1/availableCountries", "/api/v1/availableCountries/"])
def test_available_countries(make_client, path: str) -> None:
    assert make_client().get(path).json() == {"countries": ["xx"]}
    assert make_client(scanner_country="DE").get(path).json() == {"countries": ["de"]}


@pytest.mark.parametrize("path", ["/api/v1/userAgents", "/api/v1/userAgents/"])
def test_user_agents(client: TestClient, path: str) -> None:
    body = client.get(path).json()
    assert body == {"userAgents": [{"group": "Chrome", "useragents": [CHROME_USER_AGENT]}]}
    assert "Chrome/" in CHROME_USER_AGENT and "Headless" not in CHROME_USER_AGENT
