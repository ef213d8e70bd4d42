"""The regional store's hot reads on the database driver itself, around SQLAlchemy's per-statement work.

SQLAlchemy Core still writes every statement: `StoreReads.statement` builds it once per query shape (which
optional filters a search has), compiles it for the store's dialect and keeps the SQL text, the order of
its parameters and their bind processors. Each call then binds a few values and sends the text straight to
the driver, and rows come back as plain tuples for `regions/base/rows.py` to turn into records: no result
objects, no type processors, no compilation cache look-ups. Lists of keys are ONE parameter (`one_of`), so
a statement's text does not change with the number of keys.

- SQLite: one read-only stdlib `sqlite3` connection per store, used on the event loop itself. A hot read
  is an indexed page of at most a few hundred rows (~0.3 ms in SQLite). Handing it to a thread cost more
  than it saved: sqlite3 takes the GIL back for every row it steps, so under load each row of a reader
  thread waited for the busy event loop to yield the GIL (a 0.4 ms read took 1.7 ms, and requests queued
  behind the hand-offs; `make bench` measured +35 % requests/s on the large page without them). WAL mode
  means a read never waits for a writer.
- PostgreSQL: the asyncpg connections of the engine's own pool, used directly (`PostgresReads`).

Writes stay on SQLAlchemy. Every statement still calls the engine's meter (`statement_meter`), and driver
errors are raised as SQLAlchemy's engine would raise them, so `gateway/fanout.py` tells an unavailable
region from a bug exactly as before.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, String, TypeDecorator, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Select
from sqlalchemy.types import Boolean, TypeEngine
from sqlalchemy.util import greenlet_spawn

from regions.base.engine import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    sqlite_pragmas,
    statement_meter,
)
from regions.base.rows import POSTGRES_DECODING, SQLITE_DECODING, Decoding

Row = Sequence[Any]


# ------------------------------------------------------------- statements


class _ValueList(TypeDecorator[Collection[Any]]):
    """A list of values bound as one parameter: JSON text for SQLite's json_each, an array for PostgreSQL."""

    impl = String
    cache_ok = True

    def __init__(self, item: TypeEngine[Any]) -> None:
        super().__init__()
        self.item = item

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(self.item))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Collection[Any] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return list(value) if dialect.name == "postgresql" else json.dumps(list(value))


class _OneOf(ColumnElement[bool]):
    """`column IN (the values of one list parameter)`."""

    # Compiled once per shape by `StoreReads.statement`, never through SQLAlchemy's statement cache.
    inherit_cache = False
    type = Boolean()
    # A comparison already: no `= 1` where the database has no boolean type (SQLite).
    _is_implicitly_boolean = True

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.values = bindparam(name, type_=_ValueList(column.type))


@compiles(_OneOf, "sqlite")
def _one_of_sqlite(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    # Both are SQL the compiler made of a column and a bound parameter: the values never enter the text.
    return f"{column} IN (SELECT value FROM json_each({values}))"  # noqa: S608


@compiles(_OneOf, "postgresql")
def _one_of_postgresql(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    return f"{column} = ANY({values})"


def one_of(column: ColumnElement[Any], name: str, single: bool) -> ColumnElement[bool]:
    """`column` equal to one of the values bound as `name`. A single value is a plain `=` (a shape of its
    own): SQLite then reads an index in its order instead of sorting what a list matched."""
    if single:
        return column == bindparam(name, type_=column.type)
    return _OneOf(column, name)


def keys(values: Collection[Any]) -> tuple[bool, Any]:
    """Whether a list is one value (the `single` shape of `one_of`), and what to bind: that value or the
    list."""
    if len(values) == 1:
        [value] = values
        return True, value
    return False, list(values)


# How many compiled statements a store keeps (`StoreReads.statement`).
_STATEMENTS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class ReadStatement:
    """A statement compiled for one dialect: its SQL text, and how to bind its parameters in order."""

    sql: str
    # (name, bind processor or None, the value compiled in when a call gives none, e.g. OFFSET 0)
    parameters: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]

    def bind(self, values: dict[str, Any]) -> tuple[Any, ...]:
        bound = []
        for name, process, default in self.parameters:
            value = values.get(name, default)
            bound.append(value if process is None or value is None else process(value))
        return tuple(bound)


def _compile(statement: Select[Any], dialect: Dialect) -> ReadStatement:
    compiled = statement.compile(dialect=dialect)
    names = compiled.positiontup or []
    parameters = []
    for name in names:
        bind = compiled.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((name, process, bind.value))
    return ReadStatement(sql=str(compiled), parameters=tuple(parameters))


# ---------------------------------------------------------------- drivers


class StoreReads:
    """Reads of one store on its driver; one per `RegionStore`, connecting lazily, closed with the runtime."""

    decoding: Decoding

    def __init__(self, engine: AsyncEngine) -> None:
        self.dialect = engine.dialect
        self.meter = statement_meter(engine)
        self._statements: dict[Hashable, ReadStatement] = {}

    def statement(self, shape: Hashable, build: Callable[[], Select[Any]]) -> ReadStatement:
        """The compiled statement of a query shape, built by `build` the first time it is asked for."""
        found = self._statements.get(shape)
        if found is None:
            if len(self._statements) >= _STATEMENTS_KEPT:
                # Shapes include the columns a list's selection reads, which clients choose: kept without
                # bound, varied selections would grow this for ever. The usual few are compiled again.
                self._statements.clear()
            found = self._statements[shape] = _compile(build(), self.dialect)
        return found

    async def fetch(self, statement: ReadStatement, values: dict[str, Any]) -> list[Row]:
        """Every row of one statement."""
        raise NotImplementedError

    async def close(self) -> None:
        """Let go of the connections; the next read opens new ones."""


class SqliteReads(StoreReads):
    """One read-only sqlite3 connection, read on the event loop (see the module's docstring for why)."""

    decoding = SQLITE_DECODING

    def __init__(self, engine: AsyncEngine, database: str) -> None:
        super().__init__(engine)
        self.uri = f"{Path(database).resolve().as_uri()}?mode=ro"
        self._connection: sqlite3.Connection | None = None

    async def fetch(self, statement: ReadStatement, values: dict[str, Any]) -> list[Row]:
        parameters = statement.bind(values)
        self.meter()
        try:
            connection = self._connection or self._connect()
            return connection.execute(statement.sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise DBAPIError.instance(statement.sql, parameters, error, sqlite3.Error) from error

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: each read is its own snapshot, and nothing holds a read transaction open. Read-only,
        # so a missing file is an error rather than a new empty store.
        connection = sqlite3.connect(
            self.uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
        try:
            sqlite_pragmas(connection)
        except sqlite3.Error:
            connection.close()
            raise
        self._connection = connection
        return connection

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


class PostgresReads(StoreReads):
    """asyncpg connections of the engine's own pool, used directly.

    Measured against a pool of asyncpg's own: as fast or faster (asyncpg resets a connection with a round
    trip on every release), no second set of connections per store, and connection failures come out of
    SQLAlchemy's pool exactly as before. asyncpg prepares each statement once per connection.
    """

    decoding = POSTGRES_DECODING

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.engine = engine

    async def fetch(self, statement: ReadStatement, values: dict[str, Any]) -> list[Row]:
        parameters = statement.bind(values)
        self.meter()
        pooled = await self.engine.raw_connection()
        connection = pooled.driver_connection
        assert connection is not None  # a checked-out connection always has its driver's
        try:
            rows: list[Row] = await connection.fetch(statement.sql, *parameters)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            closed = connection.is_closed()
            if closed:
                # As SQLAlchemy does with a connection lost under a statement: the pool opens a new one.
                pooled.invalidate(error)
            raise DBAPIError.instance(
                statement.sql, parameters, error, Exception, connection_invalidated=closed
            ) from error
        except asyncio.CancelledError:
            # Cut off mid-statement (the region's deadline): the server's answer may still be on its way on
            # this connection, and the next borrower would read it, or wait for it. Closed, not lent again.
            pooled.invalidate()
            raise
        finally:
            # Returning a connection may close it (the pool's overflow), which awaits inside SQLAlchemy.
            await greenlet_spawn(pooled.close)
        return rows


def open_reads(engine: AsyncEngine) -> StoreReads:
    """The lean reads of the store behind `engine`, on the same database."""
    if engine.dialect.name == "sqlite":
        return SqliteReads(engine, engine.url.database or "")
    if engine.dialect.name == "postgresql":
        return PostgresReads(engine)
    raise ValueError(f"no lean reads for {engine.dialect.name}")
