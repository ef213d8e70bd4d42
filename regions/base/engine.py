"""Async engines for a store URL: SQLite files by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# SQLite waits this long for a writer's lock before it gives up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30

# The meter of each engine, for the reads that go to the driver around SQLAlchemy (regions/base/reads.py).
_METERS: WeakKeyDictionary[Engine, Callable[[], None]] = WeakKeyDictionary()


def create_store_engine(
    url: str, *, on_statement: Callable[[], None] | None = None, pool_size: int = 5
) -> AsyncEngine:
    """An engine for one store; `on_statement` is called for every statement sent (the N+1 meter)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False)
        # A region that cannot be reached must fail fast, not hang the deadline away.
        kwargs["connect_args"] = {"timeout": 5}
    engine = create_async_engine(parsed, **kwargs)
    _instrument(engine.sync_engine, on_statement)
    return engine


def sqlite_writer_engine(engine: AsyncEngine) -> Engine:
    """A synchronous engine of one connection on the SQLite file of `engine`, with its pragmas and its
    meter: the writer of regions/base/writes.py."""
    writer = create_engine(
        engine.url.set(drivername="sqlite"),
        pool_size=1,
        max_overflow=0,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    _instrument(writer, _METERS.get(engine.sync_engine))
    return writer


def _instrument(engine: Engine, on_statement: Callable[[], None] | None) -> None:
    """SQLite's pragmas on each new connection, and the meter on every statement."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)
    if on_statement is not None:
        callback = on_statement
        _METERS[engine] = callback

        def count(*_args: object, **_kwargs: object) -> None:
            callback()

        event.listen(engine, "before_cursor_execute", count)


def statement_meter(engine: AsyncEngine) -> Callable[[], None]:
    """The `on_statement` meter the engine was created with: statements sent around SQLAlchemy count too."""
    return _METERS.get(engine.sync_engine, _no_meter)


def _no_meter() -> None:
    """An engine created without a meter."""


def sqlite_pragmas(dbapi_connection: Any, _record: object = None) -> None:
    """Every SQLite connection of a store, SQLAlchemy's or the lean reads' own."""
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while a writer commits; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
