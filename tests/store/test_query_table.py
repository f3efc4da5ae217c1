"""The query language against a fixed set of stored scans: every query, its exact hits.

Nine scans (A-I) with known domains, IPs, hashes, dates, text, verdicts and visibility are stored
once per backend (SQLite and PostgreSQL); each query of ``TABLE`` must find exactly the named
scans, newest first. ``NOW`` anchors the relative dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from spyglass.models import ScanRequest
from spyglass.search.pivots import report_pivots
from spyglass.store import Store
from spyglass.store.db import epoch_ms
from tests.conftest import BACKENDS, fresh_schema
from tests.store.conftest import Clock, news_capture

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JQUERY = "ab12" + "0" * 60  # a library many pages load
WALLET_SPENDER = "0x1111111111111111111111111111111111111111"
BTC_DONATION = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def scan(
    age: timedelta,
    url: str,
    page: dict[str, Any],
    *,
    visibility: str = "public",
    owner: str | None = None,
    method: str = "api",
    source: str | None = None,
    tags: tuple[str, ...] = (),
    domains: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    asns: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    servers: tuple[str, ...] = (),
    hashes: tuple[str, ...] = (),
    links: tuple[str, ...] = (),
    forms: tuple[tuple[str, str], ...] = (),
    text: str = "",
    requests: int = 1,
    verdict: dict[str, Any] | None = None,
    wallet: tuple[str, ...] = (),
    crypto: tuple[str, ...] = (),
    cookies: tuple[str, ...] = (),
    downloads: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """A stored scan: when it was submitted, by whom, and the report it got."""
    domain = url.split("/")[2]
    return {
        "age": age,
        "request": ScanRequest(url=url, visibility=visibility, tags=tags),  # type: ignore[arg-type]
        "owner": owner,
        "report": {
            "task": {"url": url, "domain": domain, "apexDomain": domain, "visibility": visibility,
                     "method": method, "source": source, "tags": list(tags)},
            "page": {"apexDomain": page["domain"], "mimeType": "text/html", **page},
            "lists": {
                "domains": [page["domain"], *domains], "apexDomains": [page["domain"]],
                "ips": [page["ip"], *ips], "asns": list(asns), "countries": list(countries),
                "servers": list(servers), "urls": [page["url"], url], "hashes": list(hashes),
                "linkDomains": list(links),
                "cryptoAddresses": [{"address": a, "chain": "?"} for a in crypto],
            },
            "data": {
                "requests": [{}] * requests,
                "downloads": [{"sha256": h, "suggestedFilename": n} for h, n in downloads],
            },
            "stats": {},
            "forms": [{"actionUrl": u, "actionDomain": d} for u, d in forms],
            "text": text,
            "verdicts": {"overall": {"score": 0, "malicious": False, "brands": [],
                                     "categories": [], **(verdict or {})}},
            "wallet": {"calls": [{"method": "eth_sendTransaction", "addresses": list(wallet)}]},
            "pivots": {"cookieNames": list(cookies)},
        },
    }  # fmt: skip


SCANS = {
    "A": scan(
        timedelta(hours=1),
        "http://login-secure.example/bank/",
        {
            "url": "https://login-secure.example/bank/login.php",
            "domain": "login-secure.example",
            "ip": "203.0.113.5",
            "asn": "AS64500",
            "asnname": "EVILHOST-AS",
            "country": "RU",
            "server": "nginx",
            "title": "BigBank — Sign in",
            "status": "200",
        },
        source="soar",
        tags=("phishing", "bank"),
        domains=("cdn.jsdelivr.example",),
        ips=("198.51.100.7",),
        asns=("64500", "64501"),
        countries=("RU", "US"),
        servers=("nginx",),
        hashes=(JQUERY, "a1" * 32),
        links=("bigbank.example",),
        forms=(("https://collect.evil.test/post.php", "collect.evil.test"),),
        text="Welcome to BigBank online. Verify your account: enter your password.",
        requests=12,
        cookies=("PHPSESSID",),
        verdict={"malicious": True, "score": 90, "brands": ["bigbank"], "categories": ["phishing"]},
    ),
    "B": scan(
        timedelta(days=1),
        "https://claim-airdrop.example/",
        {
            "url": "https://claim-airdrop.example/claim",
            "domain": "claim-airdrop.example",
            "ip": "198.51.100.7",
            "asn": "AS64501",
            "asnname": "CHEAPVPS",
            "country": "US",
            "server": "cloudflare",
            "title": "Claim your airdrop",
            "status": "200",
        },
        tags=("crypto",),
        domains=("rpc.claim-airdrop.example", "cdn.jsdelivr.example"),
        asns=("64501",),
        countries=("US",),
        servers=("cloudflare",),
        hashes=(JQUERY, "b1" * 32),
        text="Connect your wallet to claim 500 tokens before the snapshot.",
        requests=30,
        wallet=(WALLET_SPENDER,),
        crypto=("0x" + "22" * 20,),
        verdict={
            "malicious": True,
            "score": 100,
            "brands": ["metamask"],
            "categories": ["crypto-drainer"],
        },
    ),
    "C": scan(
        timedelta(days=3),
        "http://news.test/",
        {
            "url": "https://daily.example/article?id=7",
            "domain": "daily.example",
            "ip": "192.0.2.80",
            "asn": "AS64496",
            "asnname": "EXAMPLE-NET",
            "country": "DE",
            "server": "nginx",
            "title": "Daily Example — World news",
            "status": "200",
        },
        method="web",
        tags=("news",),
        domains=("news.test", "cdn.daily.example"),
        ips=("2001:db8::20",),
        asns=("64496",),
        countries=("DE",),
        servers=("nginx",),
        hashes=(JQUERY, "c1" * 32),
        links=("twitter.com",),
        forms=(("https://daily.example/search", "daily.example"),),
        text=f"Officials look to its hackers to stem the missile programme. Donate: {BTC_DONATION}",
        requests=120,
        crypto=(BTC_DONATION,),
        verdict={"score": -20},
    ),
    "D": scan(
        timedelta(days=10),
        "https://shop.example/",
        {
            "url": "https://shop.example/missing",
            "domain": "shop.example",
            "ip": "192.0.2.10",
            "asn": "AS64496",
            "asnname": "EXAMPLE-NET",
            "country": "US",
            "server": "apache",
            "title": "Page not found — Shop",
            "status": "404",
        },
        domains=("static.shop.example",),
        countries=("US",),
        servers=("apache",),
        hashes=("d1" * 32,),
        text="Sorry, this page could not be found. Continue shopping.",
        requests=45,
        cookies=("woocommerce_session",),
    ),
    "E": scan(
        timedelta(days=40),
        "http://news.test/sport",
        {
            "url": "https://daily.example/sport",
            "domain": "daily.example",
            "ip": "192.0.2.80",
            "asn": "AS64496",
            "asnname": "EXAMPLE-NET",
            "country": "DE",
            "server": "nginx",
            "title": "Daily Example — Sport",
            "status": "200",
        },
        method="web",
        tags=("news",),
        domains=("news.test",),
        countries=("DE",),
        hashes=(JQUERY, "e1" * 32),
        links=("twitter.com", "facebook.com"),
        text="Sport results and the weather for the weekend.",
        requests=80,
    ),
    "F": scan(
        timedelta(days=2),
        "http://login-secure.example/mail/",
        {
            "url": "https://login-secure.example/mail/",
            "domain": "login-secure.example",
            "ip": "203.0.113.5",
            "asn": "AS64500",
            "country": "RU",
            "title": "Webmail login",
            "status": "200",
        },
        visibility="private",
        owner="k1",
        source="soar",
        tags=("phishing",),
        hashes=("f1" * 32,),
        text="Sign in to your webmail. Verify your account.",
        requests=8,
        verdict={"malicious": True, "score": 80, "brands": ["webmail"], "categories": ["phishing"]},
    ),
    "G": scan(
        timedelta(days=400),
        "https://old.example/",
        {
            "url": "https://old.example/",
            "domain": "old.example",
            "ip": "2001:db8::20",
            "asn": "AS64511",
            "asnname": "OLD-NET",
            "country": "NL",
            "server": "cloudflare",
            "title": "Old times",
            "status": "503",
        },
        countries=("NL",),
        servers=("cloudflare",),
        hashes=(JQUERY,),
        text="An archived page from long ago.",
        requests=3,
    ),
    "H": scan(
        timedelta(days=5),
        "https://files.example/get",
        {
            "url": "https://files.example/get",
            "domain": "files.example",
            "ip": "192.0.2.55",
            "asn": "AS64499",
            "asnname": "FILES-AS",
            "country": "FR",
            "server": "nginx",
            "title": "Your download is ready",
            "status": "200",
        },
        tags=("malware",),
        countries=("FR",),
        hashes=("0b" * 32,),
        text="Your download will start automatically. Interview assessment tool.",
        requests=5,
        downloads=(("9d" * 32, "invoice.exe"),),
        verdict={"malicious": True, "score": 60, "categories": ["malware"]},
    ),
    "I": scan(
        timedelta(hours=6),
        "https://claim-airdrop.example/vip",
        {
            "url": "https://claim-airdrop.example/vip",
            "domain": "claim-airdrop.example",
            "ip": "198.51.100.7",
            "asn": "AS64501",
            "country": "US",
            "title": "Claim",
            "status": "200",
        },
        visibility="unlisted",
        owner="k2",
        tags=("crypto",),
        hashes=(JQUERY,),
        text="Connect your wallet",
        requests=2,
        verdict={"malicious": True, "score": 100},
    ),
}
PUBLIC = "ABCDEGH"  # what anyone may find; F is k1's, I is k2's

TABLE: list[tuple[str, str]] = [
    # page.*
    ("page.domain:login-secure.example", "A"),
    ("page.domain:daily.example", "CE"),
    ("page.apexDomain:claim-airdrop.example", "B"),
    ("page.ip:192.0.2.80", "CE"),
    ("page.asn:AS64496", "CDE"),
    ("page.asn:64496", "CDE"),
    ("page.asnname:EVILHOST-AS", "A"),
    ("page.country:US", "BD"),
    ("page.status:404", "D"),
    ("page.status:[500 TO 599]", "G"),
    ("page.title:sport", "E"),
    ('page.title:"daily example"', "CE"),
    ('page.url:"https://shop.example/missing"', "D"),
    ("page.server:apache", "D"),
    # anywhere in the scan
    ("domain:jsdelivr.example", "AB"),
    ("domain:claim-airdrop.example", "B"),
    ("domain:example", "ABCDEGH"),
    ("ip:198.51.100.7", "AB"),
    ('ip:"2001:db8::20"', "CG"),
    ("asn:AS64501", "AB"),
    ("country:RU", "A"),
    (f"hash:{JQUERY}", "ABCEG"),
    ("filename:invoice.exe", "H"),
    ("server:cloudflare", "BG"),
    # the submission
    ("task.tags:phishing", "A"),
    ("task.method:web", "CE"),
    ("task.source:soar", "A"),
    ('task.url:"http://news.test/"', "C"),
    # dates (NOW is 2026-11-25T12:00Z)
    ("date:>now-2d", "AB"),
    ("date:[now-11d TO now-2d]", "CHD"),
    ("date:<2025-12-01", "G"),
    ("date:2026-11-25", "A"),
    ("date:{now-3d TO *}", "AB"),
    ("date:>=now-1d/d", "AB"),
    # what the page holds
    ('text:"verify your account"', "A"),
    ("text:missile*", "C"),
    ("text:VERIFY", "A"),
    ('form.action:"https://collect.evil.test/post.php"', "A"),
    ("form.domain:daily.example", "C"),
    ("links.domain:twitter.com", "CE"),
    ("cookie.name:PHPSESSID", "A"),
    # verdicts and crypto
    ("verdicts.malicious:true", "ABH"),
    ("verdicts.score:>=80", "AB"),
    ("verdicts.score:<0", "C"),
    ("verdicts.score:[-100 TO -1]", "C"),
    ("verdicts.brands:metamask", "B"),
    ("verdicts.categories:phishing", "A"),
    (f'wallet.address:"{WALLET_SPENDER}"', "B"),
    (f"crypto.address:{BTC_DONATION}", "C"),
    ("stats.requests:>100", "C"),
    ("stats.requests:[10 TO 50]", "ADB"),
    # boolean nesting
    ("(page.domain:daily.example OR page.domain:shop.example) AND NOT page.status:404", "CE"),
    (f"hash:{JQUERY} AND -tag:news", "ABG"),
    ("(country:US OR country:RU) AND (verdicts.malicious:true AND NOT tag:crypto)", "A"),
    ("NOT page.country:US AND NOT page.country:DE", "AGH"),
    ("domain:(shop.example OR files.example)", "DH"),
    ("date:>now-7d AND text:wallet", "B"),
    ("page.country:DE OR (page.country:NL AND page.status:503) OR tag:malware", "CHEG"),
    ("+page.country:DE -page.title:sport", "C"),
    # many alternatives: one index read per field, and past MAX_BRANCHES a walk of all scans
    ("hash:(" + " OR ".join([*(f"{i:064x}" for i in range(200)), JQUERY]) + ")", "ABCEG"),
    (" OR ".join([*(f"page.title:w{i}" for i in range(40)), "page.title:sport"]), "E"),
    ("(text:wallet OR page.domain:shop.example OR ip:192.0.2.55) AND date:>now-7d", "BH"),
    # wildcards
    ("page.domain:*.example AND page.status:200", "ABCEH"),
    ("page.domain:claim-*", "B"),
    ("page.domain:da?ly.example", "CE"),
    ("hash:ab12*", "ABCEG"),
    # bare terms: words of title, URL, domains and text; or exactly a domain, IP or hash
    ("airdrop", "B"),
    ("192.0.2.55", "H"),
    ('"world news"', "C"),
    ("*", "ABHCDEG"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def table_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, str]]]:
    """A store holding ``SCANS`` (name -> uuid), once per backend; tests only read it."""
    data = Path(tmp_path_factory.mktemp("table"))
    if request.param == "sqlite":
        store = Store.open(data)
        yield store, store_scans(store)
        store.close()
        return
    with fresh_schema(request.getfixturevalue("postgres_database")) as url:
        store = Store.open(data, url)
        yield store, store_scans(store)
        store.close()


def store_scans(store: Store) -> dict[str, str]:
    """Store ``SCANS``, each submitted ``age`` before ``NOW``; name -> uuid. The store's clock
    is left at ``NOW``."""
    clock = Clock(NOW)
    store.clock = clock
    uuids = {}
    for name, spec in SCANS.items():
        clock.now = NOW - spec["age"]
        record, _ = store.submit(spec["request"], owner=spec["owner"])
        job = store.claim("worker-1", 60)
        assert job is not None and job.scan_uuid == record.uuid
        report = {**spec["report"], "task": {**spec["report"]["task"], "uuid": record.uuid}}
        assert store.complete(job, report, news_capture())
        uuids[name] = record.uuid
    clock.now = NOW
    return uuids


def newest_first(names: str) -> list[str]:
    return sorted(names, key=lambda n: SCANS[n]["age"])


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 40 and len({q for q, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[q[:80] for q, _ in TABLE])
def test_query(table_store: tuple[Store, dict[str, str]], query: str, expected: str) -> None:
    store, uuids = table_store
    found = store.search(query, viewer=None)
    names = {uuid: name for name, uuid in uuids.items()}
    assert [names[r.uuid] for r in found.records] == newest_first(expected)
    assert found.total == len(expected) and not found.has_more


@pytest.mark.parametrize(
    ("query", "viewer", "expected"),
    [
        ("page.domain:login-secure.example", "k1", "AF"),
        ("page.domain:login-secure.example", "k2", "A"),
        ("page.domain:claim-airdrop.example", "k2", "IB"),
        ('text:"verify your account"', "k1", "AF"),
        ("task.tags:phishing", "k1", "AF"),
        ("verdicts.score:>=80", "k2", "AIB"),
        ("*", "k1", "ABFCHDEG"),
        ("NOT page.country:US", "k2", "ACHEG"),
    ],
)
def test_owners_also_find_their_own(
    table_store: tuple[Store, dict[str, str]], query: str, viewer: str, expected: str
) -> None:
    store, uuids = table_store
    names = {uuid: name for name, uuid in uuids.items()}
    found = store.search(query, viewer=viewer)
    assert [names[r.uuid] for r in found.records] == newest_first(expected)


@pytest.mark.parametrize(
    ("query", "viewer", "expected"),
    [("*", None, PUBLIC), ("*", "k2", PUBLIC + "I"), ("domain:example", None, "ABCDEGH")],
)
@pytest.mark.parametrize("size", [1, 2, 3])
def test_paging_across_pages(
    table_store: tuple[Store, dict[str, str]],
    query: str,
    viewer: str | None,
    expected: str,
    size: int,
) -> None:
    store, uuids = table_store
    names = {uuid: name for name, uuid in uuids.items()}
    seen, after = [], None
    while True:
        page = store.search(query, viewer=viewer, size=size, search_after=after)
        assert page.total == len(expected)
        seen += [names[r.uuid] for r in page.records]
        if not page.has_more:
            break
        last = page.records[-1]
        after = (epoch_ms(last.submitted_at), last.uuid)
    assert seen == newest_first(expected)


def test_new_scans_do_not_shift_a_paging_cursor(store: Store) -> None:
    """search_after names a hit, not an offset: scans arriving meanwhile (newer than every hit)
    neither repeat nor skip a hit on the next page."""
    uuids = store_scans(store)
    names = {uuid: name for name, uuid in uuids.items()}
    first = store.search("domain:example", viewer=None, size=3)
    last = first.records[-1]
    store.clock.now = NOW + timedelta(minutes=1)  # type: ignore[attr-defined]
    spec = SCANS["B"]
    store.submit(spec["request"], owner=None)
    job = store.claim("worker-1", 60)
    assert job is not None
    assert store.complete(job, spec["report"], news_capture())
    rest = store.search(
        "domain:example", viewer=None, size=100,
        search_after=(epoch_ms(last.submitted_at), last.uuid),
    )  # fmt: skip
    seen = [names[r.uuid] for r in [*first.records, *rest.records]]
    assert seen == newest_first("ABCDEGH")
    assert rest.total == 8  # the new scan counts; it is only not on a later page


@pytest.mark.parametrize("name", ["A", "B", "C", "H"])
def test_every_pivot_of_a_report_finds_its_scan(
    table_store: tuple[Store, dict[str, str]], name: str
) -> None:
    """ "What else shares this?" from each domain, IP, ASN, hash, form action and address of a
    report: the query finds the report's own scan (and only scans that share the value)."""
    store, uuids = table_store
    pivots = report_pivots(SCANS[name]["report"])
    assert {p.kind for p in pivots} >= {"domain", "ip", "hash"}
    for pivot in pivots:
        found = {r.uuid for r in store.search(pivot.query, viewer=None).records}
        assert uuids[name] in found, pivot
