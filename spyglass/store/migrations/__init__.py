"""Alembic migrations of the Spyglass database; applied by ``Store.open`` (see ``db.migrate``)."""
