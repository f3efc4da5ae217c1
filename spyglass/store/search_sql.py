"""Search: a parsed query (``search/query.py``) run as SQL over the index tables.

Hits are finished scans the viewer may see, newest first by ``sort_key``. The plan reads as
little as it can, because at a million scans one value ("domain:google.com") can match
hundreds of thousands of them:

- every term is an index range ``(field, value, sort_key)`` that yields matching scans
  already newest first, visibility included (``viewer``), from the cursor on;
- an AND is driven by its smallest term (each term counted up to ``MAX_TOTAL`` first) and
  checks the others per candidate with point lookups; an OR of terms is the union of theirs; a
  NOT, or a query of dates only, walks all visible scans newest first;
- date ranges are bounds on ``sort_key`` (it starts with the submission time in ms) pushed
  into every range read, as is ``search_after``;
- ``total`` counts at most ``MAX_TOTAL`` matches, as urlscan.io does.

Every statement runs under the store's time limit (PostgreSQL ``statement_timeout``, a SQLite
progress handler); a query that needs longer is stopped with ``SearchTimeout``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    false,
    func,
    not_,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from spyglass.errors import InvalidQuery
from spyglass.models import ScanRecord, ScanStatus
from spyglass.search import bounds
from spyglass.search.query import (
    And,
    DateRange,
    Everything,
    Keyword,
    Node,
    Not,
    NumberRange,
    Or,
    Text,
    parse,
)
from spyglass.store import fulltext
from spyglass.store.db import SORT_KEY_BITS, Scan, ScanIndex, ScanNumber, utcnow
from spyglass.store.fulltext import point_lookup
from spyglass.store.records import scan_record

MAX_TOTAL = 10_000
MAX_SIZE = 10_000
DEFAULT_TIMEOUT = 10.0
# What makes two scans look alike (urlscan's "structure search"): the same DOM structure, or
# screenshots whose pHashes share a 16-bit quarter (values.phash_bands).
SIMILAR_FIELDS = ("structure", "phash_band")
# The epoch ms a sort key (ms << SORT_KEY_BITS, then a tie-breaker, in a BIGINT) can hold:
# 1691-04-06 to 2248-09-26. Date bounds and cursors outside it are refused.
DATES = bounds.shifted(bounds.INT64, SORT_KEY_BITS)


class SearchTimeout(InvalidQuery):
    reason = "search_timeout"


@dataclass(frozen=True)
class SearchResult:
    total: int  # exact, capped at MAX_TOTAL
    records: list[ScanRecord] = field(default_factory=list)
    has_more: bool = False


def search(
    session: Session,
    query: str,
    *,
    viewer: str | None,
    size: int = 100,
    search_after: tuple[int, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> SearchResult:
    """Finished scans ``viewer`` may see that match ``query`` (see the module docstring)."""
    node = parse(query, now=now or utcnow())  # InvalidQuery before any SQL
    return run(session, node, viewer=viewer, size=size, search_after=search_after,
               timeout=timeout)  # fmt: skip


def similar(
    session: Session,
    uuid: str,
    query: str = "",
    *,
    viewer: str | None,
    size: int = 100,
    search_after: tuple[int, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> SearchResult:
    """Finished scans ``viewer`` may see that look like scan ``uuid`` (``SIMILAR_FIELDS``) and
    match ``query``, newest first; the scan itself is not among them. The caller checks that
    ``viewer`` may see ``uuid``."""
    node = parse(query, now=now or utcnow())
    own_key = session.scalar(select(Scan.sort_key).where(Scan.uuid == uuid))
    keys = session.execute(
        select(ScanIndex.field, ScanIndex.value).where(
            ScanIndex.sort_key == own_key, ScanIndex.field.in_(SIMILAR_FIELDS)
        )
    ).all()
    if own_key is None or not keys:
        return SearchResult(total=0)
    alike = Or(tuple(Keyword(f, v) for f, v in keys))
    return run(session, And((alike, node)), viewer=viewer, size=size,
               search_after=search_after, timeout=timeout, exclude=own_key)  # fmt: skip


def run(
    session: Session,
    node: Node,
    *,
    viewer: str | None,
    size: int,
    search_after: tuple[int, str] | None,
    timeout: float,
    exclude: int | None = None,
) -> SearchResult:
    if not 0 <= size <= MAX_SIZE:
        raise InvalidQuery(f"size must be between 0 and {MAX_SIZE}, got {size}")
    check_values(node)
    if search_after is not None:
        search_after = checked_cursor(*search_after)
    with _time_limit(session, timeout):
        planner = _Planner(session, viewer)
        total = planner.count(node, exclude)
        if size == 0:
            return SearchResult(total=total, has_more=total > 0)
        cursor = _cursor_key(session, search_after) if search_after else None
        keys = planner.page(node, exclude, before=cursor, limit=size + 1, total=total)
        rows = {
            row.sort_key: row
            for row in session.scalars(select(Scan).where(Scan.sort_key.in_(keys[:size])))
        }
    return SearchResult(
        total=total,
        records=[scan_record(rows[k]) for k in keys[:size] if k in rows],
        has_more=len(keys) > size,
    )


def check_values(node: Node) -> None:
    """``InvalidQuery`` unless every value in ``node`` fits the column it is compared with
    (``bounds``): ``stats.requests:>1e30`` or ``date:>1500`` never reach the database."""
    if isinstance(node, And | Or):
        for child in node.children:
            check_values(child)
    elif isinstance(node, Not):
        check_values(node.child)
    elif isinstance(node, NumberRange):
        for value in (node.low, node.high):
            if value is not None:
                bounds.integer(node.field, value)
    elif isinstance(node, DateRange):
        for value in (node.low, node.high):
            if value is not None:
                bounds.integer("date", value, DATES, show=_iso)
    elif isinstance(node, Keyword):
        bounds.text(node.field, node.value)
    elif isinstance(node, Text):
        bounds.text(node.column or "text", node.words)


def checked_cursor(millis: int, uuid: str) -> tuple[int, str]:
    """A ``search_after`` cursor whose time a sort key can hold, else ``InvalidQuery``."""
    millis = bounds.integer("search_after", millis, DATES, show=_iso)
    return millis, bounds.text("search_after", uuid)


def _iso(millis: int) -> str:
    """``0`` -> ``"1970-01-01T00:00:00.000Z"``"""
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_sort_key(session: Session, submitted_ms: int, uuid_int: int) -> int:
    """A free sort key for a scan submitted at ``submitted_ms``: the millisecond, then the
    uuid's top bits to order scans of the same millisecond (the next free one if taken)."""
    key = (submitted_ms << SORT_KEY_BITS) | (uuid_int >> (128 - SORT_KEY_BITS))
    while session.scalar(select(Scan.sort_key).where(Scan.sort_key == key)) is not None:
        key += 1
    return key


def visible_to(viewer: str | None) -> ColumnElement[bool]:
    """Public scans of anyone and every scan the viewer owns; never others' unlisted/private."""
    if viewer is None:
        return Scan.visibility == "public"
    return or_(Scan.visibility == "public", Scan.owner == viewer)


def index_viewer(visibility: str, owner: str | None) -> str | None:
    """What index rows hold as ``viewer``: None (anyone) for public scans, else the owner, or
    a value no caller has when an unlisted/private scan has no owner."""
    if visibility == "public":
        return None
    return owner or "-"


def _cursor_key(session: Session, search_after: tuple[int, str]) -> int:
    """The sort key of the hit a ``search_after`` (epoch ms, uuid) names."""
    millis, uuid = search_after
    key = session.scalar(
        select(Scan.sort_key).where(Scan.uuid == uuid, Scan.submitted_ms == millis)
    )
    return key if key is not None else millis << SORT_KEY_BITS  # a gone scan: from its ms on


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Bounds:
    low: int | None = None  # inclusive sort keys
    high: int | None = None

    def narrow(self, dates: DateRange) -> _Bounds:
        low = None if dates.low is None else dates.low << SORT_KEY_BITS
        high = None if dates.high is None else ((dates.high + 1) << SORT_KEY_BITS) - 1
        lows = [b for b in (self.low, low) if b is not None]
        highs = [b for b in (self.high, high) if b is not None]
        return _Bounds(max(lows) if lows else None, min(highs) if highs else None)

    def applied(self, key: SQLColumnExpression[int]) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.low is not None:
            conditions.append(key >= self.low)
        if self.high is not None:
            conditions.append(key <= self.high)
        return conditions


def _unbounded() -> float:
    return math.inf


Residual = Callable[[ColumnElement[int]], ColumnElement[bool]]
# An OR of more terms than this (after grouping values of one field) walks all scans instead.
MAX_BRANCHES = 32


@dataclass(frozen=True)
class _Branch:
    """``driver`` (None: every visible scan within ``bounds``) filtered by ``residual``; a
    node's plan is a union of branches, each read newest first on its own, so an OR of terms
    costs each term's first page, not the whole of every term."""

    driver: Select[int] | None
    residual: Residual | None
    bounds: _Bounds
    estimate: Callable[[], float] = _unbounded
    # PostgreSQL's full-text index yields matches in no order (see _Planner.page).
    unordered: bool = False


@dataclass(frozen=True)
class _KeywordIn:
    """Several exact values of one keyword field: one index read (``tag:(a OR b OR c)``)."""

    field: str
    values: tuple[str, ...]


class _Planner:
    def __init__(self, session: Session, viewer: str | None) -> None:
        self.session = session
        self.viewer = viewer
        self._estimates: dict[object, int] = {}

    def count(self, node: Node, exclude: int | None) -> int:
        """Matches, counted up to MAX_TOTAL: each branch contributes at most MAX_TOTAL (if
        one has that many, so has the union; else every branch is whole)."""
        parts = [self._branch(b, exclude).limit(MAX_TOTAL) for b in self._plan(node, _Bounds())]
        found = parts[0] if len(parts) == 1 else _union(parts)
        capped = select(found.subquery().c.sort_key).limit(MAX_TOTAL).subquery()
        return self.session.scalar(select(func.count()).select_from(capped)) or 0

    def page(
        self, node: Node, exclude: int | None, *, before: int | None, limit: int, total: int
    ) -> list[int]:
        """The newest ``limit`` matches older than sort key ``before``; ``total`` is what
        ``count`` found."""
        bounds = _Bounds(high=None if before is None else before - 1)
        branches = self._plan(node, bounds)
        unordered = self.session.get_bind().dialect.name == "postgresql" and any(
            b.unordered for b in branches
        )
        if unordered and total >= MAX_TOTAL:
            # A common word: walking scans newest first finds a page at once; PostgreSQL
            # cannot know (its estimate for a word is a guess) and may gather every match.
            self.session.execute(select(func.set_config("enable_bitmapscan", "off", True)))
        parts = []
        for branch in branches:
            query = self._branch(branch, exclude)
            key = query.selected_columns[0]
            if branch.unordered and total < MAX_TOTAL:
                key = key + 0  # few matches: gather them from the GIN index, then sort
            parts.append(query.order_by(key.desc()).limit(limit))
        found = (parts[0] if len(parts) == 1 else _union(parts)).subquery().c.sort_key
        try:
            return list(self.session.scalars(select(found).order_by(found.desc()).limit(limit)))
        finally:
            if unordered and total >= MAX_TOTAL:
                self.session.execute(select(func.set_config("enable_bitmapscan", "on", True)))

    def _branch(self, branch: _Branch, exclude: int | None) -> Select[int]:
        source = branch.driver if branch.driver is not None else self._universe(branch.bounds)
        keys = source.subquery().c.sort_key
        conditions = [branch.residual(keys)] if branch.residual else []
        if exclude is not None:
            conditions.append(keys != exclude)
        return select(keys.label("sort_key")).where(*conditions)

    # ------------------------------------------------------------------ plans

    def _plan(self, node: Node, bounds: _Bounds) -> list[_Branch]:
        if isinstance(node, And):
            return self._plan_and(node, bounds)
        if isinstance(node, Or):
            return self._plan_or(node, bounds)
        if isinstance(node, DateRange):
            return [_Branch(None, None, bounds.narrow(node))]
        if isinstance(node, Everything):
            return [_Branch(None, None, bounds)]
        if isinstance(node, Not):
            child = node.child
            return [_Branch(None, lambda key: not_(self._predicate(child, key)), bounds)]
        return [self._leaf_branch(node, bounds)]

    def _leaf_branch(self, leaf: Node | _KeywordIn, bounds: _Bounds) -> _Branch:
        found = self._leaf_set(leaf, bounds)
        return _Branch(found, None, bounds, partial(self._estimate, leaf), isinstance(leaf, Text))

    def _plan_and(self, node: And, bounds: _Bounds) -> list[_Branch]:
        for child in node.children:
            if isinstance(child, DateRange):
                bounds = bounds.narrow(child)
        children = [c for c in node.children if not isinstance(c, DateRange | Everything)]
        plans = [self._plan(c, bounds) for c in children]
        driving = [i for i, p in enumerate(plans) if all(b.driver is not None for b in p)]
        if not driving:
            chosen, others = [_Branch(None, None, bounds)], children
        else:
            best = driving[0]
            if len(driving) > 1:  # the smallest drives; the others are checked per scan
                best = min(driving, key=lambda i: sum(b.estimate() for b in plans[i]))
            chosen, others = plans[best], [c for i, c in enumerate(children) if i != best]
        if not others:
            return chosen
        return [replace(b, residual=self._all_of(b.residual, others)) for b in chosen]

    def _all_of(self, residual: Residual | None, nodes: Sequence[Node]) -> Residual:
        def check(key: ColumnElement[int]) -> ColumnElement[bool]:
            checks = [residual(key)] if residual else []
            return and_(*checks, *(self._predicate(n, key) for n in nodes))

        return check

    def _plan_or(self, node: Or, bounds: _Bounds) -> list[_Branch]:
        exact: dict[str, list[str]] = {}
        rest: list[Node] = []
        for child in node.children:
            if isinstance(child, Keyword) and not child.wildcard:
                exact.setdefault(child.field, []).append(child.value)
            else:
                rest.append(child)
        branches = [
            self._leaf_branch(_KeywordIn(f, tuple(dict.fromkeys(v))), bounds)
            for f, v in exact.items()
        ]
        branches += [b for child in rest for b in self._plan(child, bounds)]
        if len(branches) <= MAX_BRANCHES and all(b.driver is not None for b in branches):
            return branches
        children = node.children
        either = lambda key: or_(*(self._predicate(c, key) for c in children))  # noqa: E731
        return [_Branch(None, either, bounds)]

    def _estimate(self, leaf: Node | _KeywordIn) -> int:
        """How many scans ``leaf`` matches, counted up to MAX_TOTAL + 1 (index-only)."""
        if leaf not in self._estimates:
            capped = self._leaf_set(leaf, _Bounds()).limit(MAX_TOTAL + 1).subquery()
            self._estimates[leaf] = (
                self.session.scalar(select(func.count()).select_from(capped)) or 0
            )
        return self._estimates[leaf]

    # ------------------------------------------------------------------ SQL

    def _universe(self, bounds: _Bounds) -> Select[int]:
        return select(Scan.sort_key).where(
            Scan.status == ScanStatus.DONE, visible_to(self.viewer), *bounds.applied(Scan.sort_key)
        )

    def _visible(self, viewer: SQLColumnExpression[str | None]) -> ColumnElement[bool]:
        if self.viewer is None:
            return viewer.is_(None)
        return or_(viewer.is_(None), viewer == self.viewer)

    def _leaf_set(self, leaf: Node | _KeywordIn, bounds: _Bounds) -> Select[int]:
        """The sort keys of the visible scans ``leaf`` matches within ``bounds``."""
        if isinstance(leaf, Text):
            found = fulltext.matching(self.session, leaf).subquery()
            return select(found.c.sort_key).where(
                self._visible(found.c.viewer), *bounds.applied(found.c.sort_key)
            )
        table, condition = self._term(leaf)
        return select(table.sort_key).where(
            condition, self._visible(table.viewer), *bounds.applied(table.sort_key)
        )

    def _term(
        self, leaf: Node | _KeywordIn
    ) -> tuple[type[ScanIndex] | type[ScanNumber], ColumnElement[bool]]:
        if isinstance(leaf, _KeywordIn):
            table = aliased(ScanIndex)
            values = (
                table.value.in_(leaf.values)
                if len(leaf.values) > 1
                else (table.value == leaf.values[0])
            )
            return table, and_(table.field == leaf.field, values)
        if isinstance(leaf, Keyword):
            table = aliased(ScanIndex)
            return table, and_(table.field == leaf.field, _keyword_match(table.value, leaf))
        assert isinstance(leaf, NumberRange), leaf
        numbers = aliased(ScanNumber)
        conditions = [numbers.field == leaf.field]
        if leaf.low is not None:
            conditions.append(numbers.value >= leaf.low)
        if leaf.high is not None:
            conditions.append(numbers.value <= leaf.high)
        return numbers, and_(*conditions)

    def _predicate(self, node: Node, key: ColumnElement[int]) -> ColumnElement[bool]:
        """Scan ``key`` (a column of the outer query) matches ``node``: point lookups."""
        if isinstance(node, And):
            return and_(true(), *(self._predicate(c, key) for c in node.children))
        if isinstance(node, Or):
            return or_(false(), *(self._predicate(c, key) for c in node.children))
        if isinstance(node, Not):
            return not_(self._predicate(node.child, key))
        if isinstance(node, Everything):
            return true()
        if isinstance(node, DateRange):
            return and_(true(), *_Bounds().narrow(node).applied(key))
        if isinstance(node, Text):
            return fulltext.matches(self.session, node, key)
        table, condition = self._term(node)
        return point_lookup(select(table.sort_key).where(condition, table.sort_key == key))


def _union(parts: list[Select[int]]) -> Select[int]:
    """``parts`` (each possibly ordered and limited) as one distinct set of sort keys."""
    wrapped = [select(part.subquery().c.sort_key) for part in parts]
    return select(union(*wrapped).subquery().c.sort_key)


def _keyword_match(value: SQLColumnExpression[str], leaf: Keyword) -> ColumnElement[bool]:
    if not leaf.wildcard:
        return value == leaf.value
    cut = min((i for i, c in enumerate(leaf.value) if c in "*?"), default=len(leaf.value))
    prefix = leaf.value[:cut]
    pattern = "".join(
        "%" if c == "*" else "_" if c == "?" else "\\" + c if c in "\\%_" else c for c in leaf.value
    )
    conditions: list[ColumnElement[bool]] = [value.like(pattern, escape="\\")]
    if prefix:
        # An index range first; LIKE is not index-aware on every backend and collation.
        conditions += [value >= prefix, value < prefix + "\U0010ffff"]
    return and_(*conditions)


# --------------------------------------------------------------------------- time limit


@contextmanager
def _time_limit(session: Session, seconds: float) -> Iterator[None]:
    """Stop any statement of this block running past ``seconds`` (``SearchTimeout``)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        millis = str(max(1, round(seconds * 1000)))
        connection.execute(select(func.set_config("statement_timeout", millis, True)))
        # psycopg prepares a statement run 5 times, and PostgreSQL then may keep one generic
        # plan for every value: one that suits a value in 3 scans is ruinous for one in 300,000.
        connection.execute(select(func.set_config("plan_cache_mode", "force_custom_plan", True)))
        raw = None
    else:
        raw = connection.connection.dbapi_connection
        # The session's connection is checked out, so live: only a closed one has no DBAPI one.
        assert raw is not None
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    except OperationalError as e:
        message = str(e.orig)
        if "interrupted" in message or "statement timeout" in message:
            raise SearchTimeout(
                f"the search took longer than {seconds:g} s and was stopped; narrow it "
                "(a more specific value, a field instead of a bare term, a date range)"
            ) from None
        raise
    finally:
        if raw is not None:
            raw.set_progress_handler(None, 0)
