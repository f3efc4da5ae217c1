"""Initial schema: scans, reports, scan_index, jobs, api_keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Plain SQLAlchemy types only (no imports from spyglass): a migration must keep meaning what it
meant when it was written. ``DateTime(timezone=True)`` is what ``db.UTCDateTime`` stores.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_api_keys_secret_sha256")),
    )
    op.create_table(
        "scans",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=False),
        sa.Column("submitted_ms", sa.BigInteger(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("failure_reason", sa.String(length=64), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("screenshot_sha256", sa.String(length=64), nullable=True),
        sa.Column("dom_sha256", sa.String(length=64), nullable=True),
        sa.Column("har_sha256", sa.String(length=64), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_scans")),
    )
    op.create_index(
        "ix_scans_dedupe_key_submitted_ms", "scans", ["dedupe_key", "submitted_ms"], unique=False
    )
    op.create_index("ix_scans_owner_submitted_ms", "scans", ["owner", "submitted_ms"], unique=False)
    op.create_index(
        "ix_scans_status_submitted_ms_uuid",
        "scans",
        ["status", "submitted_ms", "uuid"],
        unique=False,
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scan_uuid", sa.String(length=36), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=200), nullable=True),
        sa.Column("lease_until", TIMESTAMP, nullable=True),
        sa.Column("heartbeat_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_uuid"],
            ["scans.uuid"],
            name=op.f("fk_jobs_scan_uuid_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_scan_uuid"), "jobs", ["scan_uuid"], unique=False)
    op.create_index("ix_jobs_status_lease_until", "jobs", ["status", "lease_until"], unique=False)
    op.create_index(
        "ix_jobs_status_priority_id", "jobs", ["status", "priority", "id"], unique=False
    )
    op.create_table(
        "reports",
        sa.Column("scan_uuid", sa.String(length=36), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_uuid"],
            ["scans.uuid"],
            name=op.f("fk_reports_scan_uuid_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scan_uuid", name=op.f("pk_reports")),
    )
    op.create_table(
        "scan_index",
        sa.Column("scan_uuid", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_uuid"],
            ["scans.uuid"],
            name=op.f("fk_scan_index_scan_uuid_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scan_uuid", "field", "value", name=op.f("pk_scan_index")),
    )
    op.create_index(
        "ix_scan_index_field_value_scan_uuid",
        "scan_index",
        ["field", "value", "scan_uuid"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("scan_index")
    op.drop_table("reports")
    op.drop_table("jobs")
    op.drop_table("scans")
    op.drop_table("api_keys")
