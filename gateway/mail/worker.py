"""The delivery worker: takes due emails from the outbox and hands them to the relay, with retries.

It runs in the application's lifespan (one per process; several replicas share the outbox safely
through the claim's lease, outbox.py). It sleeps until the earliest unsent email is due, or until an
email is written on any replica (a message on the shared cache's `OUTBOX_CHANNEL`): it never polls an
empty outbox. An email that fails is tried again after a delay that doubles
with each attempt (`base` × 2^(attempts−1), at most `ceiling`), for as long as it takes: a relay that
is down delays mail and loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.cache import Cache
from gateway.mail.outbox import OUTBOX_CHANNEL, claim_due, mark_sent, next_due, put_off
from gateway.mail.relay import DeliveryError, LogRelay, Relay, SmtpRelay, SmtpTarget
from gateway.outbox import rendered_body

logger = logging.getLogger("gateway.mail")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Backoff:
    base: timedelta = timedelta(seconds=30)
    ceiling: timedelta = timedelta(hours=1)

    def after(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure; no exponent past what the ceiling already caps."""
        doublings = min(max(attempts - 1, 0), 20)
        delay: timedelta = self.base * (1 << doublings)
        return min(delay, self.ceiling)


class OutboxWorker:
    """Delivers the outbox. `deliver_due()` is one pass (what tests call, with their own clock); `run(cache)`
    is the loop the lifespan starts: a pass, then a wait until the next email is due or one is written."""

    def __init__(
        self,
        engine: AsyncEngine,
        relay: Relay,
        *,
        signing_key_path: Path,
        clock: Callable[[], datetime] = _utc_now,
        backoff: Backoff | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch_size: int = 20,
        retry_seconds: float = 30.0,
    ) -> None:
        self._engine = engine
        self._relay = relay
        # What turns a stored password-reset email into the one sent (gateway/outbox.py).
        self._signing_key_path = signing_key_path
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._lease = lease
        self._batch_size = batch_size
        self._retry_seconds = retry_seconds
        self._wake = asyncio.Event()
        self._stopping = False

    async def deliver_due(self) -> int:
        """Send every email that is due now, a batch at a time; how many were sent."""
        sent = 0
        while True:
            emails = await claim_due(
                self._engine, now=self._clock(), lease=self._lease, limit=self._batch_size
            )
            delivered: list[int] = []
            for email in emails:
                body = await rendered_body(self._signing_key_path, email.kind, email.body)
                try:
                    await self._relay.deliver(dataclasses.replace(email, body=body))
                except DeliveryError as failure:
                    attempts = email.attempts + 1
                    until = self._clock() + self._backoff.after(attempts)
                    await put_off(self._engine, email.pk, attempts=attempts, until=until, error=str(failure))
                    logger.warning(
                        "email not delivered; will retry",
                        extra={
                            "fields": {
                                "outbox_id": email.pk,
                                "kind": email.kind,
                                "attempts": attempts,
                                "retry_at": until.isoformat(),
                                "error": str(failure),
                            }
                        },
                    )
                else:
                    delivered.append(email.pk)
            await mark_sent(self._engine, delivered, at=self._clock())
            sent += len(delivered)
            if len(emails) < self._batch_size or len(delivered) < len(emails):
                return sent

    async def run(self, cache: Cache) -> None:
        """Deliver until `stop()`: a pass, then a wait until the next email is due or one is written."""
        async with cache.subscribe(OUTBOX_CHANNEL) as written:
            listening = asyncio.create_task(self._listen(written), name="outbox-listener")
            try:
                while not self._stopping:
                    self._wake.clear()
                    wait: float | None
                    try:
                        await self.deliver_due()
                        due = await next_due(self._engine)
                        wait = None if due is None else max(0.0, (due - self._clock()).total_seconds())
                    except (OSError, SQLAlchemyError) as error:
                        # The directory itself is unreachable: nothing is lost, a later pass tries again.
                        failure = {"error": type(error).__name__}
                        logger.warning("outbox not readable", extra={"fields": failure})
                        wait = self._retry_seconds
                    if not self._stopping:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._wake.wait(), wait)
            finally:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening

    def stop(self) -> None:
        """Finish the email being sent and the statement running, then return from `run`: an email is never
        left half-handled by a shutdown (a cancelled send would only be sent again, but a cancelled
        statement can hold its connection)."""
        self._stopping = True
        self._wake.set()

    async def _listen(self, written: AsyncIterator[bytes]) -> None:
        async for _ in written:
            self._wake.set()


def outbox_worker(
    engine: AsyncEngine, *, smtp_url: str | None, mail_from: str, production: bool, signing_key_path: Path
) -> OutboxWorker | None:
    """The worker a deployment's settings ask for: SMTP when `SMTP_URL` is set, the log in development,
    none in production without a relay (the outbox keeps the emails until one is configured)."""
    if smtp_url:
        relay: Relay = SmtpRelay(SmtpTarget.from_url(smtp_url), mail_from)
    elif production:
        logger.warning("no SMTP_URL: emails wait in the outbox until a relay is configured")
        return None
    else:
        relay = LogRelay()
    return OutboxWorker(engine, relay, signing_key_path=signing_key_path)
