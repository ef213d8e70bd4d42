"""The directory must never hold a working password-reset code: the outbox keeps only a placeholder the
code is made from when the email is sent (with a key only the gateway has), the reset tokens table only
the code's hash, and a sent email's body is purged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from gateway.directory.tables import audit_events, outbox, password_reset_tokens
from gateway.outbox import mark_sent, rendered_body
from tests.conftest import Gateway

REQUEST_RESET = """mutation { requestPasswordReset(input: {userId: "omar.haddad",
  email: "omar.haddad@frontrangeortho.example"}) { accepted } }"""
RESET = """mutation ($token: String!) { resetPassword(input: {token: $token,
  newPassword: "a fresh start for omar"}) { changed userErrors { code } } }"""
# A reset code: 43 characters of URL-safe base64 (256 bits).
CODE = re.compile(r"^[A-Za-z0-9_-]{43}$", re.MULTILINE)


async def _requested(gateway: Gateway) -> dict[str, Any]:
    assert (await gateway.query(REQUEST_RESET))["data"]["requestPasswordReset"]["accepted"]
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(outbox).where(outbox.c.kind == "password_reset").order_by(outbox.c.id.desc())
        return dict((await connection.execute(statement)).mappings().first() or {})


async def _directory_text(gateway: Gateway) -> str:
    """Every row of every directory table that could hold it, as text (what a copy of the database shows)."""
    async with gateway.runtime.directory.engine.connect() as connection:
        rows = []
        for table in (outbox, password_reset_tokens, audit_events):
            rows += [str(tuple(row)) for row in await connection.execute(select(table))]
    return "\n".join(rows)


async def test_no_working_reset_code_is_stored_and_the_sent_email_carries_one(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    email = await _requested(gateway)

    # the stored body has no code in it; what goes to the relay does
    assert not CODE.search(email["body"])
    sent = await rendered_body(gateway.runtime.settings.signing_key_path, email["kind"], email["body"])
    [code] = CODE.findall(sent)
    assert code not in await _directory_text(gateway)

    # and that code works
    reset = (await gateway.query(RESET, {"token": code}))["data"]["resetPassword"]
    assert reset == {"changed": True, "userErrors": []}


async def test_a_sent_email_is_purged(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    email = await _requested(gateway)

    async with gateway.runtime.directory.engine.begin() as connection:
        assert await mark_sent(connection, email["id"], datetime.now(UTC))
        assert not await mark_sent(connection, email["id"], datetime.now(UTC))  # once only

    async with gateway.runtime.directory.engine.connect() as connection:
        row = (await connection.execute(select(outbox).where(outbox.c.id == email["id"]))).mappings().one()
    assert row["body"] == ""
    assert row["sent_at"] is not None
    assert row["recipient"] == email["recipient"]  # what was sent to whom stays on record
