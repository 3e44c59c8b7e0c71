r"""Where the store lives, its engine, and schema upgrades on start.

The database is ``$CARBON_DATABASE_URL`` when set (any SQLAlchemy URL; ``postgresql://``
is read as PostgreSQL through psycopg 3), else a SQLite file ``carbon.db`` in the user
data directory: ``$CARBON_DATA_DIR``, or ``$XDG_DATA_HOME/tansuan``
(``~/.local/share/tansuan``), or ``%LOCALAPPDATA%\\tansuan`` on Windows.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

__all__ = ["DATABASE_ENV", "data_dir", "default_url", "make_engine", "normalise_url", "upgrade"]

DATABASE_ENV = "CARBON_DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 7_337_001  # pg_advisory_xact_lock key: one migrator at a time across app processes


def data_dir() -> Path:
    """The user data directory of carbon (not created here)."""
    if os.environ.get("CARBON_DATA_DIR"):
        return Path(os.environ["CARBON_DATA_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "tansuan"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tansuan"


def default_url() -> str:
    """``$CARBON_DATABASE_URL``, else the SQLite file in :func:`data_dir`."""
    env = os.environ.get(DATABASE_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{data_dir() / 'carbon.db'}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` and ``postgres://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`default_url`); a SQLite file's folder is created."""
    u = make_url(normalise_url(url or default_url()))
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(u, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(eng, "connect", _sqlite_pragmas)
        return eng
    return create_engine(u, pool_pre_ping=True)


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes (a lock file beside it)."""
    db = engine.url.database
    if engine.dialect.name != "sqlite" or not db or db == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: one app process per SQLite file is the supported case
        yield
        return
    with open(f"{db}.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the Alembic scripts shipped in the package.

    Several app processes may start at once: on PostgreSQL an advisory lock, on SQLite a
    lock file, lets one migrate while the others wait and then find nothing to do.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first upgrade)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
