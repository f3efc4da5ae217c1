"""Writing a finished scan's search index: keyword rows, number rows and its full text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from spyglass.models import ScanStatus
from spyglass.store import fulltext
from spyglass.store.db import ReportRow, Scan, ScanIndex, ScanNumber
from spyglass.store.search_sql import index_viewer
from spyglass.store.terms import index_numbers, index_terms, index_text

REINDEX_BATCH = 500  # scans per transaction


def write_index(session: Session, scan: Scan, report: dict[str, Any]) -> None:
    """Replace what search finds scan ``scan`` by with what ``report`` holds."""
    key, viewer = scan.sort_key, index_viewer(scan.visibility, scan.owner)
    for table in (ScanIndex, ScanNumber):
        session.execute(delete(table).where(table.sort_key == key))
    terms = [
        {"field": f, "value": v, "sort_key": key, "viewer": viewer}
        for f, v in sorted(index_terms(report))
    ]
    numbers = [
        {"field": f, "value": v, "sort_key": key, "viewer": viewer}
        for f, v in sorted(index_numbers(report))
    ]
    if terms:
        session.execute(insert(ScanIndex), terms)
    if numbers:
        session.execute(insert(ScanNumber), numbers)
    fulltext.write(session, key, viewer, index_text(report))


def reindex_batch(session: Session, after: str) -> tuple[str, int] | None:
    """Rebuild the index of up to ``REINDEX_BATCH`` finished scans whose uuid sorts after
    ``after``: (the last uuid done, how many), or None when there were none."""
    rows = session.execute(
        select(Scan, ReportRow.document)
        .join(ReportRow, ReportRow.scan_uuid == Scan.uuid)
        .where(Scan.status == ScanStatus.DONE, Scan.uuid > after)
        .order_by(Scan.uuid)
        .limit(REINDEX_BATCH)
    ).all()
    for scan, document in rows:
        write_index(session, scan, document)
    return (rows[-1][0].uuid, len(rows)) if rows else None
