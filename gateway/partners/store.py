"""Reads and writes of partner clients in the national directory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.directory.tables import entities, partner_bindings, partner_clients
from gateway.partners.records import Binding, PartnerClient


class ClientExistsError(Exception):
    """A client with this client id is already registered."""


def scopes_text(scopes: Iterable[str]) -> str:
    """Scopes as OAuth writes them: space-separated, here in a stable order."""
    return " ".join(sorted(scopes))


class PartnerStore:
    """Partner clients and their bindings, over the directory's engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def client(self, client_id: str) -> PartnerClient | None:
        """The client with its bindings, in one statement (it runs on every partner request)."""
        statement = (
            select(partner_clients, partner_bindings.c.region, entities.c.tax_id)
            .select_from(partner_clients)
            .outerjoin(partner_bindings, partner_bindings.c.partner_client_id == partner_clients.c.id)
            .outerjoin(entities, entities.c.id == partner_bindings.c.entity_id)
            .where(partner_clients.c.client_id == client_id)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(statement)).mappings().all()
        return _client(rows) if rows else None

    async def create(
        self,
        *,
        client_id: str,
        name: str,
        secret_hash: str,
        scopes: Iterable[str],
        requests_per_minute: int,
        cost_per_minute: int,
        bindings: Sequence[tuple[str, int]],
        at: datetime,
    ) -> None:
        """Register a client and its bindings, given as (region, entity pk), in one transaction."""
        try:
            async with self.engine.begin() as connection:
                result = await connection.execute(
                    insert(partner_clients)
                    .values(
                        client_id=client_id,
                        name=name,
                        secret_hash=secret_hash,
                        scopes=scopes_text(scopes),
                        requests_per_minute=requests_per_minute,
                        cost_per_minute=cost_per_minute,
                        created_at=at,
                    )
                    .returning(partner_clients.c.id)
                )
                pk = int(result.scalar_one())
                if bindings:
                    await connection.execute(
                        insert(partner_bindings),
                        [
                            {"partner_client_id": pk, "entity_id": entity_pk, "region": region}
                            for region, entity_pk in sorted(set(bindings))
                        ],
                    )
        except IntegrityError:
            raise ClientExistsError(client_id) from None

    async def rotate_secret(self, client_id: str, secret_hash: str, at: datetime) -> bool:
        """Replace the secret; tokens issued before `at` stop working. False when there is no such client."""
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(partner_clients)
                .where(partner_clients.c.client_id == client_id)
                .values(secret_hash=secret_hash, rotated_at=at)
            )
        return bool(result.rowcount)

    async def set_disabled(self, client_id: str, at: datetime | None) -> bool:
        """Switch a client off (`at`) or on again (None). False when there is no such client."""
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(partner_clients).where(partner_clients.c.client_id == client_id).values(disabled_at=at)
            )
        return bool(result.rowcount)


def _client(rows: Sequence[RowMapping]) -> PartnerClient:
    first = rows[0]
    return PartnerClient(
        pk=first["id"],
        client_id=first["client_id"],
        name=first["name"],
        secret_hash=first["secret_hash"],
        scopes=frozenset(first["scopes"].split()),
        requests_per_minute=first["requests_per_minute"],
        cost_per_minute=first["cost_per_minute"],
        bindings=frozenset(
            Binding(region=row["region"], tax_id=row["tax_id"]) for row in rows if row["tax_id"] is not None
        ),
        created_at=first["created_at"],
        rotated_at=first["rotated_at"],
        disabled_at=first["disabled_at"],
    )
