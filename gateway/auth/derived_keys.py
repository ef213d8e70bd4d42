"""Secrets derived from the token signing key: every replica already shares that key file, so every
replica derives the same secret for the same purpose, and nobody without the file can."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from pathlib import Path

from gateway.auth.keys import load_signing_key

_derived: dict[tuple[Path, bytes], bytes] = {}


async def derived_key(signing_key_path: Path, label: bytes) -> bytes:
    """A 32-byte secret for the purpose `label` names (HMAC-SHA-256 of it under the private key)."""
    secret = _derived.get((signing_key_path, label))
    if secret is None:
        signing_key = await asyncio.to_thread(load_signing_key, signing_key_path)
        private = str(signing_key.as_dict(private=True)["d"]).encode()
        secret = hmac.new(private, label, hashlib.sha256).digest()
        _derived[(signing_key_path, label)] = secret
    return secret


async def keyed_hash(signing_key_path: Path, label: bytes, *parts: str) -> str:
    """An HMAC of `parts` under the secret for `label`: stable within the deployment, useless to anyone
    without its signing key (for personal values in cache keys and audit events)."""
    message = "\x1f".join(parts).encode()
    return hmac.new(await derived_key(signing_key_path, label), message, hashlib.sha256).hexdigest()
