"""Registering partner clients and rotating their secrets (`python -m gateway create-client`,
`rotate-client-secret`): each prints the new secret once; the directory keeps only its hash."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from gateway.accounts.tax_ids import valid_tax_id
from gateway.auth.passwords import hash_password
from gateway.directory.store import DirectoryStore
from gateway.partners.records import DEFAULT_COST_PER_MINUTE, DEFAULT_REQUESTS_PER_MINUTE, SCOPES
from gateway.partners.store import ClientExistsError, PartnerStore
from regions.base.registry import REGION_CODES

# Letters, digits, dots, dashes and underscores; never a colon, so `client:<id>` cannot be a person's user id.
CLIENT_ID = re.compile(r"[a-z0-9][a-z0-9._\-]{1,46}[a-z0-9]")
_NAME_LENGTH = 200


class ClientSetupError(ValueError):
    """A client that cannot be registered as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class NewClient:
    """What `create-client` was asked for."""

    client_id: str
    name: str
    scopes: Sequence[str]
    # "REGION:NN-NNNNNNN", e.g. "GA:58-6000006".
    bindings: Sequence[str]
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    cost_per_minute: int = DEFAULT_COST_PER_MINUTE


def new_secret() -> str:
    """256 random bits, URL-safe: nothing to guess, and nothing to escape in an HTTP Basic header."""
    return secrets.token_urlsafe(32)


async def create_client(directory: DirectoryStore, request: NewClient) -> str:
    """Register the client with a fresh secret and return the secret (shown once); `ClientSetupError`
    names the first thing wrong."""
    client_id = request.client_id.strip()
    if not CLIENT_ID.fullmatch(client_id):
        raise ClientSetupError(
            "A client id has 3 to 48 lower-case letters, digits, dots, dashes or underscores, "
            "beginning and ending with a letter or digit."
        )
    name = request.name.strip()
    if not name or len(name) > _NAME_LENGTH or not name.isprintable():
        raise ClientSetupError(f"A client's name has 1 to {_NAME_LENGTH} printable characters.")
    scopes = {scope for entry in request.scopes for scope in entry.split()}
    unknown = sorted(scopes - SCOPES)
    if unknown or not scopes:
        raise ClientSetupError(
            f"Scopes are some of {', '.join(sorted(SCOPES))}; not {', '.join(unknown) or 'none'}."
        )
    if request.requests_per_minute < 1 or request.cost_per_minute < 1:
        raise ClientSetupError("Requests and cost per minute are whole numbers of at least 1.")
    bindings = await _bindings(directory, request.bindings)
    secret = new_secret()
    try:
        await PartnerStore(directory.engine).create(
            client_id=client_id,
            name=name,
            # Argon2 is CPU-bound: off the event loop.
            secret_hash=await asyncio.to_thread(hash_password, secret),
            scopes=scopes,
            requests_per_minute=request.requests_per_minute,
            cost_per_minute=request.cost_per_minute,
            bindings=bindings,
            at=datetime.now(UTC),
        )
    except ClientExistsError:
        raise ClientSetupError(f"A client {client_id} is already registered.") from None
    return secret


async def rotate_client_secret(directory: DirectoryStore, client_id: str) -> str:
    """A fresh secret for the client (the old one and every token issued with it stop working)."""
    store = PartnerStore(directory.engine)
    if await store.client(client_id.strip()) is None:
        raise ClientSetupError(f"No client {client_id} is registered.")
    secret = new_secret()
    secret_hash = await asyncio.to_thread(hash_password, secret)
    if not await store.rotate_secret(client_id.strip(), secret_hash, datetime.now(UTC)):
        raise ClientSetupError(f"No client {client_id} is registered.")
    return secret


async def _bindings(directory: DirectoryStore, written: Sequence[str]) -> list[tuple[str, int]]:
    """(region, entity pk) for each "REGION:TAX-ID"; every Tax ID must be a known entity."""
    parsed: list[tuple[str, str]] = []
    for binding in written:
        region, _, tax_id = binding.partition(":")
        region = region.strip().upper()
        normalised = valid_tax_id(tax_id)
        if region not in REGION_CODES or normalised is None:
            raise ClientSetupError(
                f"A binding is REGION:TAX-ID, e.g. GA:58-6000006 (regions: {', '.join(REGION_CODES)}); "
                f"not {binding!r}."
            )
        parsed.append((region, normalised))
    if not parsed:
        raise ClientSetupError("Bind the client to at least one Tax ID in a region (--bind GA:58-6000006).")
    found = await directory.entities_by_tax_ids(sorted({tax_id for _, tax_id in parsed}))
    missing = sorted({tax_id for _, tax_id in parsed} - set(found))
    if missing:
        raise ClientSetupError(f"No provider entity has the Tax ID {', '.join(missing)}.")
    return [(region, found[tax_id].pk) for region, tax_id in parsed]
