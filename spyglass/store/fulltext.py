"""The full-text index on both backends: SQLite FTS5, PostgreSQL ``tsvector`` + GIN.

Text arrives already in ``values.words`` form (lower-case words, one space apart), so both
engines split it identically. A query is ``search.query.Text``: words in order (a phrase), in
one column or any, the last word possibly a prefix. User words reach SQL only as bound
parameters; FTS5's own query string quotes every word.

    SQLite:     scan_text(sort_key, viewer, title, page, body) + scan_fts (FTS5, rowid = sort_key)
    PostgreSQL: scan_text(sort_key, viewer, title, page, body), tsvectors, a GIN index each
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    FromClause,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from spyglass.search.query import Text
from spyglass.store.terms import TextDocument

_metadata = MetaData()  # created by migration 0002, per backend; not part of the ORM schema
scan_text = Table(
    "scan_text",
    _metadata,
    Column("sort_key", BigInteger, primary_key=True),
    Column("viewer", String(32)),
    # Text on SQLite (the FTS5 index's content), tsvectors on PostgreSQL.
    Column("title", String),
    Column("page", String),
    Column("body", String),
)
COLUMNS = ("title", "page", "body")
scan_fts = Table("scan_fts", _metadata, Column("rowid", BigInteger), Column("scan_fts", String))


def write(session: Session, sort_key: int, viewer: str | None, doc: TextDocument) -> None:
    """Index ``doc`` as scan ``sort_key`` (replacing what was there)."""
    delete(session, sort_key)
    params = {"k": sort_key, "v": viewer, "t": doc.title, "p": doc.page, "b": doc.body}
    if _sqlite(session):
        session.execute(text("INSERT INTO scan_text VALUES (:k, :v, :t, :p, :b)"), params)
        session.execute(
            text("INSERT INTO scan_fts (rowid, title, page, body) VALUES (:k, :t, :p, :b)"),
            params,
        )
        return
    session.execute(
        text(
            "INSERT INTO scan_text VALUES (:k, :v, to_tsvector('simple', :t),"
            " to_tsvector('simple', :p), to_tsvector('simple', :b))"
        ),
        params,
    )


def delete(session: Session, sort_key: int) -> None:
    if _sqlite(session):
        # External-content FTS5 forgets a row only when told its old text.
        session.execute(
            text(
                "INSERT INTO scan_fts (scan_fts, rowid, title, page, body)"
                " SELECT 'delete', sort_key, title, page, body FROM scan_text"
                " WHERE sort_key = :k"
            ),
            {"k": sort_key},
        )
    session.execute(text("DELETE FROM scan_text WHERE sort_key = :k"), {"k": sort_key})


def matching(session: Session, query: Text) -> Select[int, str | None]:
    """``SELECT sort_key, viewer`` of the scans whose text matches ``query``; the caller adds
    visibility, bounds and order (newest first is the index's own order on both backends)."""
    if _sqlite(session):
        fts = scan_fts.alias()
        condition = fts.c.scan_fts.op("MATCH")(bindparam(None, fts5_query(query), unique=True))
        # The key from FTS5 itself: its rowid order is the newest-first order, without a sort.
        return (
            select(fts.c.rowid.label("sort_key"), scan_text.c.viewer.label("viewer"))
            .select_from(fts.join(scan_text, scan_text.c.sort_key == fts.c.rowid))
            .where(condition)
        )
    return select(scan_text.c.sort_key, scan_text.c.viewer).where(_pg_condition(query))


def matches(session: Session, query: Text, sort_key: ColumnElement[int]) -> ColumnElement[bool]:
    """Scan ``sort_key`` (a column of the outer query) has text matching ``query``."""
    if _sqlite(session):
        fts = scan_fts.alias()
        condition = fts.c.scan_fts.op("MATCH")(bindparam(None, fts5_query(query), unique=True))
        return point_lookup(select(fts.c.rowid).where(condition, fts.c.rowid == sort_key))
    inner = scan_text.alias()
    return point_lookup(
        select(inner.c.sort_key).where(inner.c.sort_key == sort_key, _pg_condition(query, inner))
    )


def point_lookup(found: Select[int]) -> ColumnElement[bool]:
    """``EXISTS (found)``, checked row by row by key. ``OFFSET 0`` keeps PostgreSQL from
    turning it into a join: search reads candidates newest first and stops at a page, so a
    lookup per candidate is the plan, not a hash of every scan with the value (which the
    planner picks when it misjudges how many scans have it)."""
    return found.offset(0).exists()


def fts5_query(query: Text) -> str:
    """FTS5 query text: ``Text("title", "log in", prefix=True)`` -> ``title : "log" + "in" *``.

    Every word is quoted, so nothing the user typed is read as FTS5 syntax."""
    parts = [f'"{word}"' for word in query.words.split()]
    phrase = " + ".join(parts) + (" *" if query.prefix else "")
    return f"{query.column} : {phrase}" if query.column else phrase


def _pg_condition(query: Text, table: FromClause | None = None) -> ColumnElement[bool]:
    columns = (table if table is not None else scan_text).c
    if query.prefix:
        # to_tsquery syntax: 'word' <-> 'word' <-> 'prefix':*, every word single-quoted.
        *head, last = query.words.split()
        terms = [*(f"'{w}'" for w in head), f"'{last}':*"]
        tsquery = func.to_tsquery("simple", bindparam(None, " <-> ".join(terms), unique=True))
    else:
        tsquery = func.phraseto_tsquery("simple", bindparam(None, query.words, unique=True))
    if query.column is not None:
        return columns[query.column].op("@@")(tsquery)
    return or_(*(columns[name].op("@@")(tsquery) for name in COLUMNS))


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"
