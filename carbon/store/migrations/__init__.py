"""Alembic migrations of the project store (applied on start, under a lock)."""
