"""Alembic revisions of the project store, one file each (0001 projects …, 0002 classes)."""
