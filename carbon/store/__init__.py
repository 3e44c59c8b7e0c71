"""Projects kept in a database: SQLite by default, PostgreSQL (or any SQLAlchemy URL) by URL.

Public API::

    from carbon.store import Store
    store = Store()                       # $CARBON_DATABASE_URL or the user data dir's carbon.db
    info = store.create_project("Demo", {"inventory": document})
    info = store.save_documents(info.id, {"inventory": doc2}, expected_version=info.version)

The schema is migrated with Alembic scripts that ship inside the package
(``carbon/store/migrations``) and are applied when a :class:`Store` opens.
:mod:`carbon.store.documents` turns an inventory project into the stored JSON document and back.
"""

from carbon.store.api import (
    PROJECT_FILE_FORMAT,
    ProjectInfo,
    ProjectNotFoundError,
    StaleVersionError,
    Store,
    StoreError,
    read_project_file,
)
from carbon.store.engine import DATABASE_ENV, current_revision, data_dir, default_url, make_engine, upgrade

__all__ = [
    "DATABASE_ENV",
    "PROJECT_FILE_FORMAT",
    "ProjectInfo",
    "ProjectNotFoundError",
    "StaleVersionError",
    "Store",
    "StoreError",
    "current_revision",
    "data_dir",
    "default_url",
    "make_engine",
    "read_project_file",
    "upgrade",
]
