"""The outbox as the delivery worker sees it: claim what is due, mark it sent, or put it off.

Anything that sends mail writes its row in the same transaction as its change
(`DirectoryAccounts.add_email`); the worker (worker.py) claims due rows under a lease, so that with
several replicas each email is handed to the relay by one of them, and a worker that dies mid-send
only delays its emails until the lease runs out (at least once, never lost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway import outbox as directory_outbox
from gateway.directory.tables import outbox
from regions.base.columns import UtcDateTime

_ERROR_LENGTH = 200
# Whoever writes an email publishes on this channel of the shared cache (after the commit): every replica's
# worker looks at once, and none polls while nothing is waiting.
OUTBOX_CHANNEL = "outbox:written"


@dataclass(frozen=True, slots=True)
class OutboxEmail:
    pk: int
    kind: str
    recipient: str
    subject: str
    body: str
    attempts: int


async def claim_due(engine: AsyncEngine, *, now: datetime, lease: timedelta, limit: int) -> list[OutboxEmail]:
    """Claim up to `limit` unsent emails that are due and not claimed by a live lease, oldest first.
    PostgreSQL skips rows another replica is claiming (FOR UPDATE SKIP LOCKED); SQLite serializes
    writers, so its claim is atomic anyway."""
    due = (
        outbox.c.sent_at.is_(None),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now),
    )
    # One statement: on SQLite it is atomic; on PostgreSQL the subquery locks the rows it picks and skips
    # those another replica's claim holds, and the outer conditions hold again once a lock was waited for.
    picked = (
        select(outbox.c.id).where(*due).order_by(outbox.c.id).limit(limit).with_for_update(skip_locked=True)
    )
    statement = (
        update(outbox)
        .where(outbox.c.id.in_(picked.scalar_subquery()), *due)
        .values(claimed_until=now + lease)
        .returning(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.recipient,
            outbox.c.subject,
            outbox.c.body,
            outbox.c.attempts,
        )
    )
    async with engine.begin() as connection:
        rows = (await connection.execute(statement)).all()
    emails = [
        OutboxEmail(pk=row[0], kind=row[1], recipient=row[2], subject=row[3], body=row[4], attempts=row[5])
        for row in rows
    ]
    return sorted(emails, key=lambda email: email.pk)


async def mark_sent(engine: AsyncEngine, pks: Sequence[int], *, at: datetime) -> None:
    """The relay has taken these emails: they are never sent again, and their bodies are purged
    (gateway/outbox.py)."""
    if not pks:
        return
    async with engine.begin() as connection:
        for pk in pks:
            await directory_outbox.mark_sent(connection, pk, at)


async def put_off(engine: AsyncEngine, pk: int, *, attempts: int, until: datetime, error: str) -> None:
    """A failed attempt: try again at `until`. `error` names the failure (an exception's class), never
    the email's content."""
    async with engine.begin() as connection:
        await connection.execute(
            update(outbox)
            .where(outbox.c.id == pk, outbox.c.sent_at.is_(None))
            .values(
                attempts=attempts,
                next_attempt_at=until,
                claimed_until=None,
                last_error=error[:_ERROR_LENGTH],
            )
        )


async def next_due(engine: AsyncEngine) -> datetime | None:
    """When the earliest unsent email is due (its retry time, or the end of a lease held on it); None when
    every email is sent."""
    claimed_later = and_(
        outbox.c.claimed_until.is_not(None),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.claimed_until > outbox.c.next_attempt_at),
    )
    due_at = case(
        (claimed_later, outbox.c.claimed_until),
        else_=func.coalesce(outbox.c.next_attempt_at, outbox.c.created_at),
    )
    statement = select(type_coerce(func.min(due_at), UtcDateTime())).where(outbox.c.sent_at.is_(None))
    async with engine.connect() as connection:
        found: datetime | None = (await connection.execute(statement)).scalar_one()
    return found
