"""Search at scale: a sort key per scan, keyword/number index rows that carry it, full text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Every index row holds its scan's ``sort_key`` (the search order, newest first) and ``viewer``
(NULL for public scans, else the only caller who may find it), so that one index range read
answers "newest 100 visible scans with this value" without touching ``scans``. The old index
is dropped: ``Store.open`` rebuilds the index of every stored report after this migration.

Full text: SQLite keeps the words in ``scan_text`` and an FTS5 index over it (rowid =
sort_key); PostgreSQL keeps one ``tsvector`` per column (title, page, body), each with a GIN
index, so a word in one column is an index lookup without re-reading the row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Keyword values compare byte by byte on PostgreSQL too, so that a prefix is one index range.
VALUE = sa.String(length=600).with_variant(sa.String(length=600, collation="C"), "postgresql")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("scans", sa.Column("sort_key", sa.BigInteger(), nullable=True))
    # submitted_ms in the high bits; existing scans of the same millisecond numbered by uuid.
    op.execute(
        "UPDATE scans SET sort_key = numbered.key FROM ("
        " SELECT uuid, submitted_ms * 1048576"
        " + row_number() OVER (PARTITION BY submitted_ms ORDER BY uuid) - 1 AS key"
        " FROM scans) AS numbered WHERE scans.uuid = numbered.uuid"
    )
    # Left nullable: making it NOT NULL on SQLite means rebuilding "scans", and dropping the
    # old table would cascade to every report and job. Every insert sets it (queue.submit).
    op.create_index("ux_scans_sort_key", "scans", ["sort_key"], unique=True)
    op.create_index(
        "ix_scans_status_sort_key", "scans", ["status", "sort_key", "visibility", "owner"]
    )

    op.drop_table("scan_index")
    for name, value_type in (("scan_index", VALUE), ("scan_numbers", sa.BigInteger())):
        op.create_table(
            name,
            sa.Column("field", sa.String(length=32), nullable=False),
            sa.Column("value", value_type, nullable=False),
            sa.Column("sort_key", sa.BigInteger(), nullable=False),
            sa.Column("viewer", sa.String(length=32), nullable=True),
            sa.PrimaryKeyConstraint(
                "field", "value", "sort_key", name=f"pk_{name}", postgresql_include=["viewer"]
            ),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{name}_sort_key", name, ["sort_key"])

    if sqlite:
        op.execute(
            "CREATE TABLE scan_text (sort_key INTEGER PRIMARY KEY, viewer VARCHAR(32),"
            " title TEXT NOT NULL, page TEXT NOT NULL, body TEXT NOT NULL)"
        )
        op.execute(
            "CREATE VIRTUAL TABLE scan_fts USING fts5(title, page, body,"
            " content='scan_text', content_rowid='sort_key', tokenize='unicode61')"
        )
    else:
        op.execute(
            "CREATE TABLE scan_text (sort_key BIGINT PRIMARY KEY, viewer VARCHAR(32),"
            " title TSVECTOR NOT NULL, page TSVECTOR NOT NULL, body TSVECTOR NOT NULL)"
        )
        for column in ("title", "page", "body"):
            op.execute(f"CREATE INDEX ix_scan_text_{column} ON scan_text USING gin ({column})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE scan_fts")
    op.drop_table("scan_text")
    op.drop_table("scan_numbers")
    op.drop_table("scan_index")
    op.create_table(
        "scan_index",
        sa.Column("scan_uuid", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_uuid"], ["scans.uuid"], name="fk_scan_index_scan_uuid_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("scan_uuid", "field", "value", name="pk_scan_index"),
    )
    op.create_index(
        "ix_scan_index_field_value_scan_uuid", "scan_index", ["field", "value", "scan_uuid"]
    )
    op.drop_index("ix_scans_status_sort_key", "scans")
    op.drop_index("ux_scans_sort_key", "scans")
    op.drop_column("scans", "sort_key")
