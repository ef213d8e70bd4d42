"""The directory's outbox as the mail sender sees it: emails to send, rendered at the moment of sending,
and purged once sent, so that the directory never holds a password-reset code in clear.

A reset code is not stored anywhere. The reset request stores the SHA-256 of the code (to check it
when it comes back) and writes into the email's body a placeholder naming a random nonce; the code is
the HMAC of that nonce under a secret derived from the token signing key, so only a gateway process
(which has the key file) can turn the stored body into the email the person receives, and a copy of
the database alone holds no working code. Once an email is sent, `mark_sent` empties its body.

The sender (SMTP or, in development, the log) calls `rendered_body` for what goes on the wire and
`mark_sent` after the relay has taken it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.auth.derived_keys import derived_key
from gateway.directory.tables import outbox

PASSWORD_RESET = "password_reset"
_KEY_DERIVATION_LABEL = b"provider-gateway password reset codes v1"
# Nonces are URL-safe base64 (secrets.token_urlsafe); the placeholder cannot be mistaken for prose.
_PLACEHOLDER = re.compile(r"\{\{reset-code:([A-Za-z0-9_-]{16,64})\}\}")


@dataclass(frozen=True, slots=True)
class ResetCode:
    """A new reset code: what the email's stored body holds in its place, and the code itself (mailed,
    hashed for the directory, never stored)."""

    placeholder: str
    code: str


async def new_reset_code(signing_key_path: Path) -> ResetCode:
    nonce = secrets.token_urlsafe(16)
    return ResetCode(placeholder=f"{{{{reset-code:{nonce}}}}}", code=await _code(signing_key_path, nonce))


async def rendered_body(signing_key_path: Path, kind: str, body: str) -> str:
    """The body to send: a password-reset email's placeholder replaced by its code."""
    if kind != PASSWORD_RESET:
        return body
    codes = {nonce: await _code(signing_key_path, nonce) for nonce in _PLACEHOLDER.findall(body)}
    return _PLACEHOLDER.sub(lambda found: codes[found.group(1)], body)


async def mark_sent(connection: AsyncConnection, outbox_id: int, at: datetime) -> bool:
    """Record that the relay took an email, and purge its body: what was sent is not kept. False if it
    was marked sent already."""
    result = await connection.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.sent_at.is_(None)).values(sent_at=at, body="")
    )
    return result.rowcount == 1


async def _code(signing_key_path: Path, nonce: str) -> str:
    digest = hmac.new(
        await derived_key(signing_key_path, _KEY_DERIVATION_LABEL), nonce.encode(), hashlib.sha256
    )
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
