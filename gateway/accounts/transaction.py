"""Who asks for an account change, and the audited transaction every change commits in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateway.auth.principal import Principal
from gateway.directory.accounts import DirectoryAccounts
from gateway.directory.generation import directory_changed
from gateway.errors import MutationRefused, Unauthenticated
from gateway.mail.outbox import OUTBOX_CHANNEL
from gateway.runtime import Runtime

# Lengths of the audit columns `actor` and `client_address`.
_ACTOR_LENGTH = 100
_ADDRESS_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal of the request and where it came from, for the rules and the audit trail."""

    principal: Principal
    client_address: str | None
    request_id: str | None

    def person(self) -> tuple[int, str]:
        """(user pk, user id) of a signed-in person; signed-out callers of signed-in mutations get
        the same top-level UNAUTHENTICATED error as on the read side."""
        principal = self.principal
        if not principal.signed_in or principal.user_pk is None or principal.user_id is None:
            raise Unauthenticated()
        return principal.user_pk, principal.user_id


@dataclass(slots=True)
class AccountChange:
    """One account change in progress: what its audit event will say, and its one transaction."""

    runtime: Runtime
    caller: Caller
    action: str
    actor: str | None
    # Never a password, a token or clinical data: pks, codes, regions and Tax IDs only.
    detail: dict[str, Any] = field(default_factory=dict)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DirectoryAccounts]:
        """The change's writes and its audit event, committed together or not at all. Checks that
        take time (password hashing) belong before it, so no transaction waits on them. A change to
        who someone is starts a new directory generation once committed, so that every replica's kept
        principals (gateway/auth/principals.py) see it at the next request."""
        async with self.runtime.directory.engine.begin() as connection:
            rows = DirectoryAccounts(connection)
            yield rows
            await rows.audit(outcome="ok", **self.event())
        if rows.principals_changed:
            await directory_changed(self.runtime.cache)
        if rows.emails_queued:
            await self.runtime.cache.publish(OUTBOX_CHANNEL, b"")

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[DirectoryAccounts]:
        """Reads before the transaction, on a connection of their own."""
        async with self.runtime.directory.engine.connect() as connection:
            yield DirectoryAccounts(connection)

    def event(self) -> dict[str, Any]:
        address = self.caller.client_address
        return {
            "at": datetime.now(UTC),
            "actor": self.actor[:_ACTOR_LENGTH] if self.actor else None,
            "action": self.action,
            "client_address": address[:_ADDRESS_LENGTH] if address else None,
            "request_id": self.caller.request_id,
            "detail": self.detail,
        }


@asynccontextmanager
async def account_change(
    runtime: Runtime, caller: Caller, action: str, *, actor: str | None = None
) -> AsyncIterator[AccountChange]:
    """An audited account change. A `MutationRefused` raised inside (before or within its
    transaction, which it rolls back) is audited on its own after the rollback: failures leave a
    trace but never half-written rows."""
    change = AccountChange(
        runtime=runtime,
        caller=caller,
        action=action,
        actor=actor if actor is not None else caller.principal.user_id,
    )
    try:
        yield change
    except MutationRefused as refused:
        change.detail["codes"] = sorted({problem.code.value for problem in refused.problems})
        await runtime.directory.append_audit(outcome="refused", **change.event())
        raise
