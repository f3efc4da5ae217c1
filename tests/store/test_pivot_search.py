"""Look-alike pivots are search fields: ``structure:``, ``phash:``, ``favicon:``, ``hhhash:``,
``sitekey:``, ``analytics:`` and ``cookie:`` find every scan that shares the value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from spyglass.models import ClaimedJob, ScanRecord
from spyglass.search.query import And, Keyword, parse
from spyglass.store import InvalidQuery, Store
from spyglass.store.terms import index_terms
from tests.store.conftest import claimed_job, news_capture, news_report, news_request

NOW = datetime(2026, 11, 25, tzinfo=UTC)
SITEKEY = "6LcKitPivotTestSiteKey0000000000000000000"
HHHASH = "hhh:1:" + "ab" * 32
PIVOTS: dict[str, Any] = {
    "structureHash": "3f64503daa9def954ded28a7c6e7f7fd",
    "screenshotPhash": "f358665c745c6670",
    "faviconSha256": "7f" * 32,
    "faviconMmh3": -1277324294,
    "hhhash": [{"kind": "hhhash", "value": HHHASH, "where": "kit-a.test"}],
    "captcha": [{"kind": "recaptcha", "value": SITEKEY, "where": "dom"}],
    "analytics": [
        {"kind": "ga4", "value": "G-KIT4PIVOT7", "where": "dom"},
        {"kind": "fbpixel", "value": "918273645501234", "where": "dom"},
    ],
    "cookieNames": ["PHPSESSID", "visitor_seen"],
}


def kit_report(job: ClaimedJob, **pivots: Any) -> dict[str, Any]:
    report = news_report(job, news_capture())
    report["pivots"] = {**PIVOTS, **pivots}
    return report


def finish_kit_scan(store: Store, **pivots: Any) -> ScanRecord:
    record, _ = store.submit(news_request(), owner=None)
    job = store.claim("worker-1", 60)
    assert job is not None
    assert store.complete(job, kit_report(job, **pivots), news_capture())
    return record


def test_pivot_terms() -> None:
    job = claimed_job()
    terms = index_terms(kit_report(job))
    assert {
        ("structure", "3f64503daa9def954ded28a7c6e7f7fd"),
        ("phash", "f358665c745c6670"),
        ("phash_band", "0:f358"),
        ("phash_band", "3:6670"),
        ("favicon", "7f" * 32),
        ("favicon", "-1277324294"),  # Shodan's favicon hash, as text
        ("hhhash", HHHASH),
        ("sitekey", SITEKEY.lower()),
        ("analytics", "g-kit4pivot7"),
        ("analytics", "918273645501234"),
        ("cookie", "phpsessid"),
        ("cookie", "visitor_seen"),
    } <= terms


def test_a_report_without_pivots_indexes_none() -> None:
    terms = index_terms({"pivots": {"hhhash": [], "captcha": [], "cookieNames": []}})
    assert terms == set()


@pytest.mark.parametrize(
    "query",
    [
        "structure:3f64503daa9def954ded28a7c6e7f7fd",
        "phash:F358665C745C6670",
        "favicon:" + "7f" * 32,
        "favicon:-1277324294",
        f'hhhash:"{HHHASH}"',
        f"sitekey:{SITEKEY}",
        "analytics:G-KIT4PIVOT7",
        "analytics:918273645501234",
        "cookie:PHPSESSID",
        "structure:3f64503daa9def954ded28a7c6e7f7fd AND cookie:visitor_seen",
    ],
)
def test_pivots_find_every_scan_sharing_them(store: Store, query: str) -> None:
    kit_a, kit_b = finish_kit_scan(store), finish_kit_scan(store)
    finish_kit_scan(
        store,
        structureHash="0" * 32,
        screenshotPhash="0" * 16,
        faviconSha256=None,
        faviconMmh3=None,
        hhhash=[],
        captcha=[],
        analytics=[],
        cookieNames=["other"],
    )
    found = store.search(query, viewer=None)
    assert {r.uuid for r in found.records} == {kit_a.uuid, kit_b.uuid}


def test_parse_pivot_fields() -> None:
    node = parse(f'hhhash:"{HHHASH}" favicon:-1277324294 sitekey:{SITEKEY}', now=NOW)
    assert node == And(
        (
            Keyword("hhhash", HHHASH),
            Keyword("favicon", "-1277324294"),
            Keyword("sitekey", SITEKEY.lower()),
        )
    )


def flip(phash: str, *bits: int) -> str:
    """``phash`` with the given bits (0 = most significant) inverted."""
    value = int(phash, 16)
    for bit in bits:
        value ^= 1 << (63 - bit)
    return f"{value:016x}"


def test_near_phash_finds_screenshots_within_three_bits(store: Store) -> None:
    base = PIVOTS["screenshotPhash"]
    same = finish_kit_scan(store).uuid
    three_off = finish_kit_scan(store, screenshotPhash=flip(base, 1, 20, 40)).uuid
    # Four bits, one in each quarter: no quarter left in common.
    four_off = finish_kit_scan(store, screenshotPhash=flip(base, 1, 20, 40, 60)).uuid
    finish_kit_scan(store, screenshotPhash=None)
    found = {r.uuid for r in store.search(f"phash.near:{base.upper()}", viewer=None).records}
    assert found == {same, three_off}
    assert four_off not in found
    both = store.search(f"phash.near:{base} AND cookie:phpsessid", viewer=None)
    assert {r.uuid for r in both.records} == {same, three_off}


@pytest.mark.parametrize("value", ["f358665c", "zz58665c745c6670", '""'])
def test_near_phash_takes_a_64_bit_hash(store: Store, value: str) -> None:
    with pytest.raises(InvalidQuery):
        store.search(f"phash.near:{value}", viewer=None)


def test_similar_scans_share_the_structure_or_a_near_screenshot(store: Store) -> None:
    kit = finish_kit_scan(store).uuid
    copy = finish_kit_scan(store, screenshotPhash=flip(PIVOTS["screenshotPhash"], 5, 9)).uuid
    # Another structure (a re-templated kit) whose screenshot is within three bits.
    looks_alike = finish_kit_scan(
        store, structureHash="1" * 32, screenshotPhash=flip(PIVOTS["screenshotPhash"], 1, 20)
    ).uuid
    finish_kit_scan(store, structureHash="2" * 32, screenshotPhash="0" * 16)  # another page
    finish_kit_scan(store, structureHash=None, screenshotPhash=None)  # nothing to compare

    found = store.similar(kit, viewer=None)
    assert {r.uuid for r in found.records} == {copy, looks_alike}  # never the scan itself
    assert found.total == 2
    filtered = store.similar(kit, f"structure:{PIVOTS['structureHash']}", viewer=None)
    assert [r.uuid for r in filtered.records] == [copy]
    assert store.similar(looks_alike, viewer=None).total == 2  # kit and copy, by the screenshot


def test_similar_shows_only_what_the_viewer_may_see(store: Store) -> None:
    kit = finish_kit_scan(store).uuid
    record, _ = store.submit(
        news_request().model_copy(update={"visibility": "private"}), owner="k1"
    )
    job = store.claim("worker-1", 60)
    assert job is not None
    assert store.complete(job, kit_report(job), news_capture())
    assert store.similar(kit, viewer=None).total == 0
    assert [r.uuid for r in store.similar(kit, viewer="k1").records] == [record.uuid]


def test_similar_of_a_scan_without_pivots_is_empty_but_checks_the_query(store: Store) -> None:
    bare = finish_kit_scan(store, structureHash=None, screenshotPhash=None).uuid
    finish_kit_scan(store)
    assert store.similar(bare, viewer=None).total == 0
    with pytest.raises(InvalidQuery):
        store.similar(bare, "nosuchfield:x", viewer=None)
