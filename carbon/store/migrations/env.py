"""Alembic environment of the project store (runs inside :func:`carbon.store.upgrade`)."""

from alembic import context

from carbon.store.models import Base

target_metadata = Base.metadata


def run_migrations_online(config) -> None:
    """Migrate over the connection :func:`carbon.store.upgrade` hands over."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _running_config():
    """Alembic's config while a migration runs; None when merely imported (e.g. doctest collection)."""
    try:
        return context.config
    except AttributeError:
        return None


_config = _running_config()
if _config is not None:
    if context.is_offline_mode():
        msg = "the project store migrates online only (carbon.store.upgrade)."
        raise RuntimeError(msg)
    run_migrations_online(_config)
