"""Search over finished scans: a small subset of urlscan's query language, as SQL.

    domain:news.test AND page.status:200
    page.title:"Daily Example — World news" hash:e3b0c442...

Terms are ``field:value`` or ``field:"quoted value"`` (``\\"`` escapes a quote), joined by
whitespace or ``AND``; every term must match. ``""`` and ``*`` match everything. Matching is
exact and case-insensitive, except ``domain:`` which also matches subdomains (see ``index``)
and ``phash.near:`` which matches near-identical screenshots (see ``NEAR_PHASH``).
The full Lucene syntax (OR, NOT, wildcards, ranges) comes with ``spyglass/search``; until then
anything else is an ``InvalidQuery``.

Hits are newest first by (submitted_at in ms, uuid); ``search_after`` is the last hit's pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from spyglass.errors import InvalidQuery
from spyglass.models import ScanRecord, ScanStatus
from spyglass.store.db import Scan, ScanIndex
from spyglass.store.index import index_key, phash_bands
from spyglass.store.records import scan_record

MAX_TOTAL = 10_000
MAX_SIZE = 10_000

# query field -> scan_index field
FIELDS = {
    "domain": "domain",
    "ip": "ip",
    "hash": "hash",
    "download": "download",
    "url": "url",
    "asn": "asn",
    "country": "country",
    "server": "server",
    "filename": "filename",
    "page.domain": "page.domain",
    "page.ip": "page.ip",
    "page.url": "page.url",
    "page.title": "page.title",
    "page.status": "page.status",
    "task.tags": "tag",
    "tag": "tag",
    "links.domain": "link_domain",
    "form.action": "form_action",
    "form.domain": "form_domain",
    "apexDomain": "apex",
    "page.apexDomain": "apex",
    # Look-alike pivots: structure:<hash>, favicon:<sha256 or mmh3>, sitekey:6Lc..., ...
    "structure": "structure",
    "phash": "phash",
    "favicon": "favicon",
    "hhhash": "hhhash",
    "sitekey": "sitekey",
    "analytics": "analytics",
    "cookie": "cookie",
}
# Near-duplicate screenshots: every scan whose pHash shares a 16-bit quarter with the one
# searched, i.e. all within Hamming distance 3 and some further (see index.phash_bands).
NEAR_PHASH = "phash.near"


@dataclass(frozen=True)
class Term:
    field: str  # scan_index field
    value: str  # index_key of the searched value
    any_of: tuple[str, ...] = ()  # instead of value: a row with any of these matches


@dataclass(frozen=True)
class SearchResult:
    total: int  # exact, capped at MAX_TOTAL
    records: list[ScanRecord] = field(default_factory=list)
    has_more: bool = False


def parse_query(query: str) -> list[Term]:
    """``'domain:News.test AND page.title:"A  b"'`` -> ``[Term("domain", "news.test"),
    Term("page.title", "a  b")]``; ``""`` and ``"*"`` -> ``[]``."""
    terms: list[Term] = []
    position, length = 0, len(query)
    dangling_and = False
    while True:
        while position < length and query[position].isspace():
            position += 1
        if position >= length:
            break
        start = position
        while position < length and not query[position].isspace() and query[position] != ":":
            position += 1
        name = query[start:position]
        if position >= length or query[position] != ":":
            if name == "AND" and terms and not dangling_and:
                dangling_and = True
                continue
            if name == "*" and not terms and not query[position:].strip():
                break
            raise InvalidQuery(f"expected field:value at {name!r} (column {start + 1})")
        if name not in FIELDS and name != NEAR_PHASH:
            known = ", ".join(sorted([*FIELDS, NEAR_PHASH]))
            raise InvalidQuery(f"unknown field {name!r}; known: {known}")
        position += 1
        value, position = _read_value(query, position)
        key = index_key(value)
        if key is None:
            raise InvalidQuery(f"empty value for {name!r}")
        if name == NEAR_PHASH:
            terms.append(_near_phash(key))
            dangling_and = False
            continue
        if FIELDS[name] == "domain":
            key = key.strip(".")
        terms.append(Term(FIELDS[name], key))
        dangling_and = False
    if dangling_and:
        raise InvalidQuery("AND without a term after it")
    return terms


def _near_phash(value: str) -> Term:
    bands = phash_bands(value)
    if not bands:
        raise InvalidQuery(f"{NEAR_PHASH} takes a pHash of 16 hex digits, got {value!r}")
    return Term("phash_band", value, any_of=tuple(bands))


def _read_value(query: str, position: int) -> tuple[str, int]:
    if position < len(query) and query[position] == '"':
        chars: list[str] = []
        position += 1
        while position < len(query):
            char = query[position]
            if char == "\\" and position + 1 < len(query):
                chars.append(query[position + 1])
                position += 2
                continue
            if char == '"':
                return "".join(chars), position + 1
            chars.append(char)
            position += 1
        raise InvalidQuery("unterminated quoted value")
    start = position
    while position < len(query) and not query[position].isspace():
        position += 1
    return query[start:position], position


def visible_to(viewer: str | None) -> ColumnElement[bool]:
    """Public scans of anyone and every scan the viewer owns; never others' unlisted/private."""
    if viewer is None:
        return Scan.visibility == "public"
    return or_(Scan.visibility == "public", Scan.owner == viewer)


# What makes two scans look alike (urlscan's "structure search"): the same DOM structure, or
# screenshots whose pHashes share a 16-bit quarter (index.phash_bands).
SIMILAR_FIELDS = ("structure", "phash_band")


def similar(
    session: Session,
    uuid: str,
    query: str = "",
    *,
    viewer: str | None,
    size: int = 100,
    search_after: tuple[int, str] | None = None,
) -> SearchResult:
    """Finished scans ``viewer`` may see that look like scan ``uuid`` (``SIMILAR_FIELDS``) and
    match ``query``, newest first; the scan itself is not among them. The caller checks that
    ``viewer`` may see ``uuid``."""
    keys = session.execute(
        select(ScanIndex.field, ScanIndex.value).where(
            ScanIndex.scan_uuid == uuid, ScanIndex.field.in_(SIMILAR_FIELDS)
        )
    ).all()
    if not keys:
        parse_query(query.strip())  # a bad query is an error even when nothing could match
        return SearchResult(total=0)
    same = or_(*(and_(ScanIndex.field == f, ScanIndex.value == v) for f, v in keys))
    alike = Scan.uuid.in_(select(ScanIndex.scan_uuid).where(same))
    return search(
        session, query, viewer=viewer, size=size, search_after=search_after,
        also=(alike, Scan.uuid != uuid),
    )  # fmt: skip


def search(
    session: Session,
    query: str,
    *,
    viewer: str | None,
    size: int = 100,
    search_after: tuple[int, str] | None = None,
    also: tuple[ColumnElement[bool], ...] = (),
) -> SearchResult:
    if not 0 <= size <= MAX_SIZE:
        raise InvalidQuery(f"size must be between 0 and {MAX_SIZE}, got {size}")
    conditions: list[ColumnElement[bool]] = [
        Scan.status == ScanStatus.DONE,
        visible_to(viewer),
        *also,
    ]
    for term in parse_query(query.strip()):
        value = ScanIndex.value.in_(term.any_of) if term.any_of else ScanIndex.value == term.value
        matching = select(ScanIndex.scan_uuid).where(ScanIndex.field == term.field, value)
        conditions.append(Scan.uuid.in_(matching))
    matched = and_(*conditions)
    capped = select(Scan.uuid).where(matched).limit(MAX_TOTAL).subquery()
    total = session.scalar(select(func.count()).select_from(capped)) or 0

    page = select(Scan).where(matched)
    if search_after is not None:
        after_ms, after_uuid = search_after
        page = page.where(
            or_(
                Scan.submitted_ms < after_ms,
                and_(Scan.submitted_ms == after_ms, Scan.uuid < after_uuid),
            )
        )
    page = page.order_by(Scan.submitted_ms.desc(), Scan.uuid.desc()).limit(size + 1)
    rows = list(session.scalars(page))
    return SearchResult(
        total=total,
        records=[scan_record(row) for row in rows[:size]],
        has_more=len(rows) > size,
    )
