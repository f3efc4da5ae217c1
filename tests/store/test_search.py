"""Search: every field finds the scan, visibility rules, order and paging, bad queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from spyglass.models import ScanStatus
from spyglass.search.query import And, Keyword, Text, parse
from spyglass.store import InvalidQuery, SearchTimeout, Store
from spyglass.store.db import (
    ScanIndex,
    epoch_ms,
    utcnow,
)
from spyglass.store.search_sql import MAX_TOTAL
from tests.store.conftest import (
    Clock,
    claimed_job,
    finish_scan,
    news_capture,
    news_report,
    news_request,
    old_schema,
)

# One query per field, each matching the news scenario's report.
MATCHING = [
    "domain:news.test",
    "domain:www.news.test",
    "domain:cdn.daily.example",
    "domain:example",  # urlscan's domain: matches subdomains, at any depth
    "domain:DAILY.EXAMPLE",
    "ip:192.0.2.80",
    'ip:"2001:db8::20"',
    "hash:" + "1" * 64,
    "download:" + "7" * 64,  # a saved download: its own field, never "hash"
    'url:"https://tracker.evil.test/collect"',
    'url:"http://news.test/"',
    "asn:AS64511",
    "country:nl",
    "server:cloudflare",
    "filename:report.pdf",
    "page.domain:daily.example",
    "page.ip:192.0.2.80",
    'page.url:"https://daily.example/article?id=7"',
    'page.title:"Daily Example — World news"',
    "page.status:200",
    "task.tags:news",
    "tag:NEWS",
    "links.domain:twitter.com",
    'form.action:"https://daily.example/search"',
    "form.domain:daily.example",
    "apexDomain:evil.test",
    "page.apexDomain:daily.example",
    "domain:news.test AND page.status:200",
    "domain:news.test page.domain:daily.example",
    "",
    "*",
    "  *  ",
]

NOT_MATCHING = [
    "domain:ews.test",  # a suffix, not a parent domain
    "domain:other.news.test",
    "page.domain:example",  # exact: page.domain does not match parents
    "ip:192.0.2.8",
    'url:"http://news.test"',
    "hash:" + "9" * 64,
    "page.status:404",
    "page.title:weather",
    "tag:sports",
    "domain:news.test AND page.status:404",
]


@pytest.fixture
def news_scan(store: Store) -> str:
    return finish_scan(store).uuid


@pytest.mark.parametrize("query", MATCHING)
def test_each_field_finds_the_scan(store: Store, news_scan: str, query: str) -> None:
    result = store.search(query, viewer=None)
    assert [r.uuid for r in result.records] == [news_scan]
    assert result.total == 1 and not result.has_more


@pytest.mark.parametrize("query", NOT_MATCHING)
def test_other_values_do_not(store: Store, news_scan: str, query: str) -> None:
    result = store.search(query, viewer=None)
    assert (result.total, result.records, result.has_more) == (0, [], False)


@pytest.mark.parametrize(
    "query",
    [
        "nosuch:value",
        "domain:",
        'domain:""',
        'page.title:"unterminated',
        "domain:a AND",
        "AND domain:a",
        "ip:2001:db8::1",  # unquoted colons
        "page.status:[200 TO",
        "date:>yesterday",
    ],
)
def test_invalid_queries(store: Store, query: str) -> None:
    with pytest.raises(InvalidQuery) as raised:
        store.search(query, viewer=None)
    assert raised.value.reason == "invalid_query"


def test_parse_query() -> None:
    node = parse(r'domain:News.Test. page.title:"say \"hi\"" AND asn:1', now=utcnow())
    assert node == And(
        (Keyword("domain", "news.test"), Text("title", "say hi"), Keyword("asn", "as1"))
    )


VIEWERS = {"owner": "k1", "other": "k2", "anonymous": None}
# visibility -> the viewers who may find a scan k1 submitted with it
SEEN_BY = {
    "public": {"owner", "other", "anonymous"},
    "unlisted": {"owner"},
    "private": {"owner"},
}


def test_visibility(store: Store) -> None:
    scans = {
        visibility: finish_scan(store, news_request(visibility=visibility), owner="k1").uuid
        for visibility in SEEN_BY
    }
    anonymous_unlisted = finish_scan(store, news_request(visibility="unlisted")).uuid
    for viewer_name, viewer in VIEWERS.items():
        found = {r.uuid for r in store.search("domain:news.test", viewer=viewer).records}
        expected = {scans[v] for v, seen_by in SEEN_BY.items() if viewer_name in seen_by}
        assert found == expected, viewer_name
    assert anonymous_unlisted not in {r.uuid for r in store.search("*", viewer=None).records}


def test_only_finished_scans(store: Store, news_scan: str) -> None:
    failed, _ = store.submit(news_request(), owner=None)
    store.fail(store.claim("worker-1", 60), "dns", "NXDOMAIN", retry=False)
    running, _ = store.submit(news_request(), owner=None)
    store.claim("worker-1", 60)
    queued, _ = store.submit(news_request(), owner=None)
    statuses = [store.get_scan(s.uuid).status for s in (failed, running, queued)]
    assert statuses == [ScanStatus.FAILED, ScanStatus.RUNNING, ScanStatus.QUEUED]
    assert [r.uuid for r in store.search("*", viewer=None).records] == [news_scan]


def test_newest_first_and_search_after(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    uuids = []
    for _ in range(5):
        uuids.append(finish_scan(store).uuid)
        clock.advance(0.5)
    # Two scans in the same millisecond: the uuid breaks the tie.
    same_ms = [finish_scan(store).uuid, finish_scan(store).uuid]
    expected = sorted(same_ms, reverse=True) + uuids[::-1]

    pages, after = [], None
    while True:
        result = store.search("domain:news.test", viewer=None, size=3, search_after=after)
        assert result.total == 7
        pages.append([r.uuid for r in result.records])
        if not result.has_more:
            break
        last = result.records[-1]
        after = (epoch_ms(last.submitted_at), last.uuid)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [uuid for page in pages for uuid in page] == expected


def test_size_zero_counts_only(store: Store, news_scan: str) -> None:
    result = store.search("*", viewer=None, size=0)
    assert (result.total, result.records, result.has_more) == (1, [], True)


def test_a_query_past_the_time_limit_is_stopped(store: Store, news_scan: str) -> None:
    """Whatever a query asks, no statement runs past the store's search time limit."""
    rows = [
        {"field": "page.url", "value": f"https://x{i}.test/", "sort_key": i, "viewer": None}
        for i in range(30_000)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(ScanIndex), rows)
    store.search_timeout = 0.0  # PostgreSQL: its smallest statement_timeout, 1 ms
    with pytest.raises(SearchTimeout) as raised:
        store.search("page.url:*x2999?*", viewer=None)
    assert "took longer than 0 s and was stopped" in str(raised.value)
    assert raised.value.reason == "search_timeout"
    store.search_timeout = 30.0  # the same query, given time, runs (its index rows have no scan)
    assert store.search("page.url:*x2999?*", viewer=None).total == 11


def test_stores_of_the_first_schema_are_reindexed(tmp_path: Path, database_url: str | None) -> None:
    """Migration 0002 replaced the index: opening an older store rebuilds it from the reports."""
    with old_schema(tmp_path, database_url, "0001") as connection:
        report = news_report(claimed_job(), news_capture())
        scan = {
            "uuid": claimed_job().scan_uuid, "url": "http://news.test/",
            "visibility": "public", "status": "done", "method": "api", "tags": "[]",
            "at": "2024-05-01 12:00:00", "ms": 1714564800000, "key": "0" * 64,
        }  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO scans (uuid, url, visibility, status, method, tags, submitted_at,"
                " submitted_ms, dedupe_key, priority) VALUES (:uuid, :url, :visibility,"
                " :status, :method, :tags, :at, :ms, :key, 0)"
            ),
            scan,
        )
        connection.execute(
            text("INSERT INTO reports (scan_uuid, document) VALUES (:uuid, :doc)"),
            {"uuid": scan["uuid"], "doc": json.dumps(report)},
        )
    store = Store.open(tmp_path, database_url)
    try:
        found = store.search('domain:daily.example AND text:"missile programme"', viewer=None)
        assert [r.uuid for r in found.records] == [scan["uuid"]]
    finally:
        store.close()


def test_a_common_word_pages_from_the_newest(store: Store, news_scan: str) -> None:
    """More than MAX_TOTAL matches of a word: the total is capped and the page is the newest
    (PostgreSQL walks scans newest first instead of gathering every match)."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            rows = [{"k": i, "b": f"missile programme {i}"} for i in range(1, 10_051)]
            for table in ("scan_text", "scan_fts"):
                key = "sort_key" if table == "scan_text" else "rowid"
                connection.execute(
                    text(f"INSERT INTO {table} ({key}, title, page, body) VALUES (:k, '', '', :b)"),
                    rows,
                )
        else:
            connection.execute(
                text(
                    "INSERT INTO scan_text SELECT g, NULL, ''::tsvector, ''::tsvector,"
                    " to_tsvector('simple', 'missile programme ' || g)"
                    " FROM generate_series(1, 10050) AS g"
                )
            )
    for query in ("text:missile", 'text:"missile programme"', "text:missil*"):
        found = store.search(query, viewer=None, size=5)
        assert found.total == MAX_TOTAL and found.has_more
        # The rows above have no scans to show; the real scan is the newest match.
        assert [r.uuid for r in found.records] == [news_scan]


INT64_MAX = 2**63 - 1
# Numbers, dates and cursors beyond what a 64-bit column (SQLite INTEGER, PostgreSQL BIGINT)
# or a sort key (epoch ms << SORT_KEY_BITS) holds: refused before any SQL runs.
OUT_OF_RANGE = [
    "stats.requests:>99999999999999999999999",
    "verdicts.score:>99999999999999999999999",
    "stats.requests:<-99999999999999999999999",
    "page.status:99999999999999999999999",
    f"stats.requests:>{INT64_MAX}",  # the next integer up is past the column
    f"stats.requests:[* TO -{INT64_MAX + 2}]",
    "date:>99999999999999999999",
    "date:<=8796093022208",  # epoch ms whose sort key is past 2**63
    "date:>1500-01-01",
    "date:[2300-01-01 TO *]",
    "date:9999-12-31",
    'date:"0001-01-01T00:00+23:59"',
    'domain:"a\x00b"',  # PostgreSQL text cannot hold NUL
]


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_out_of_range_values_are_invalid_queries(store: Store, news_scan: str, query: str) -> None:
    with pytest.raises(InvalidQuery) as raised:
        store.search(query, viewer=None)
    assert raised.value.reason == "invalid_query"
    with pytest.raises(InvalidQuery):
        store.similar(news_scan, query, viewer=None)


@pytest.mark.parametrize(
    "cursor",
    [
        (99999999999999999999999999, "0196d976-0000-7000-8000-000000000000"),
        (-99999999999999999999999999, "0196d976-0000-7000-8000-000000000000"),
        (9999999999999, "0196d976-0000-7000-8000-000000000000"),  # fits BIGINT, not a sort key
        (1611489992146, "a\x00b"),
    ],
)
def test_out_of_range_cursors_are_invalid_queries(
    store: Store, news_scan: str, cursor: tuple[int, str]
) -> None:
    with pytest.raises(InvalidQuery, match="search_after"):
        store.search("*", viewer=None, search_after=cursor)
    with pytest.raises(InvalidQuery, match="search_after"):
        store.similar(news_scan, viewer=None, search_after=cursor)


@pytest.mark.parametrize(
    "query",
    [
        f"stats.requests:[-{INT64_MAX + 1} TO {INT64_MAX}]",
        f"stats.requests:<{INT64_MAX}",
        "date:<=8796093022207",
        "date:>1700-01-01",
    ],
)
def test_the_extremes_that_fit_still_search(store: Store, news_scan: str, query: str) -> None:
    assert [r.uuid for r in store.search(query, viewer=None).records] == [news_scan]
