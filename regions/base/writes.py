"""The regional store's write transactions: one body of SQLAlchemy Core on a synchronous `Connection`, run
the way each backend runs it best. The body is committed when it returns and rolled back when it raises.

- SQLite: on a thread of the store's own, on a connection of its own, the whole transaction in one
  hand-off. On the async engine every statement of a transaction was a hand-off to aiosqlite's thread and
  back, and under load each return waited for the busy event loop (the reads run on it): a submission's
  five statements took ~60 ms, while SQLite admits one writer at a time, so a burst of submissions queued
  for a second. One thread is also the one writer SQLite admits: writers of this process queue for it
  instead of sleeping in SQLite's busy handler (naps growing to 100 ms).
- PostgreSQL: on the async engine, through `AsyncConnection.run_sync` (each statement awaits the network;
  concurrent transactions are PostgreSQL's to order).

Every statement still calls the engine's meter (`statement_meter`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from regions.base.engine import sqlite_writer_engine

T = TypeVar("T")
Body = Callable[[Connection], T]


class StoreWrites:
    """Write transactions of one store; one per `RegionStore`, closed with the runtime."""

    async def transaction(self, body: Body[T]) -> T:
        """`body`'s result, once its transaction has committed."""
        raise NotImplementedError

    async def close(self) -> None:
        """Let go of what the writes hold; the next transaction opens it again."""


class SqliteWrites(StoreWrites):
    """A thread and a connection of the store's own (see the module's docstring for why)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = sqlite_writer_engine(engine)
        self._thread: ThreadPoolExecutor | None = None

    async def transaction(self, body: Body[T]) -> T:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writes")
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._run, body)

    def _run(self, body: Body[T]) -> T:
        with self.engine.begin() as connection:
            return body(connection)

    async def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.to_thread(thread.shutdown)
        self.engine.dispose()


class PostgresWrites(StoreWrites):
    """The async engine's own connections."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def transaction(self, body: Body[T]) -> T:
        async with self.engine.begin() as connection:
            return await connection.run_sync(body)


def open_writes(engine: AsyncEngine) -> StoreWrites:
    """The write transactions of the store behind `engine`."""
    if engine.dialect.name == "sqlite":
        return SqliteWrites(engine)
    if engine.dialect.name == "postgresql":
        return PostgresWrites(engine)
    raise ValueError(f"no writes for {engine.dialect.name}")
