"""Stand-alone audit events (guest look-ups, sign-ins, downloads...), committed by group commit.

Every guest look-up writes an event, and SQLite has one writer: one transaction per event made concurrent
look-ups queue for the write lock (p99 of seconds under load). Here the events that arrive while a batch
is being written wait for the next batch, which carries all of them in one transaction. Each caller still
returns only once its own event is committed (or gets the error), so nothing is lost or reported early;
N concurrent events cost one transaction instead of N.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.directory.tables import audit_events


class AuditLog:
    """The group-committing writer of one directory engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def append(self, event: dict[str, Any]) -> None:
        """Write `event` (the columns of `audit_events`) and return once it is committed."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((event, done))
        if self._writer is None or self._writer.done() or self._loop is not loop:
            self._loop = loop
            self._writer = loop.create_task(self._drain())
        # Shielded: a caller that goes away (client disconnect) must not cancel the batch of the others.
        await asyncio.shield(done)

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(insert(audit_events), [event for event, _ in batch])
            except Exception as error:  # each caller gets the failure its own insert would have had
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
