"""Seeding the stores: wipe what a seed owns, then write the fixed records and the bulk around them."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Never

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm

from gateway.directory.tables import (
    agreements,
    associations,
    entities,
    outbox,
    partner_bindings,
    partner_clients,
    password_reset_tokens,
    recovery_codes,
    sessions,
    support_case_replies,
    support_cases,
    tpa_attestations,
    users,
)
from gateway.seed.bulk import RegionGenerator, plan_directory
from gateway.seed.care import CareRows
from gateway.seed.care_bulk import generated_care
from gateway.seed.fixed import DirectoryRows, Row, directory_rows, partner_rows, region_rows
from regions.base.registry import REGION_CODES
from regions.base.tables import (
    accumulators,
    allergies,
    attachments,
    authorization_services,
    authorizations,
    benefits,
    claims,
    conditions,
    coverages,
    encounters,
    immunizations,
    lab_results,
    medications,
    members,
    messages,
    providers,
)

BATCH_SIZE = 2_000
# Children before parents, so every delete is FK-safe. Sessions are not seeded, but they hang off users.
DIRECTORY_TABLES: tuple[Table, ...] = (
    partner_bindings,
    partner_clients,
    password_reset_tokens,
    recovery_codes,
    support_case_replies,
    support_cases,
    outbox,
    sessions,
    associations,
    tpa_attestations,
    agreements,
    users,
    entities,
)
REGION_TABLES: tuple[Table, ...] = (
    attachments,
    messages,
    authorization_services,
    authorizations,
    claims,
    benefits,
    accumulators,
    coverages,
    conditions,
    medications,
    allergies,
    immunizations,
    lab_results,
    encounters,
    members,
    providers,
)


@dataclass(frozen=True, slots=True)
class RegionCounts:
    providers: int
    members: int
    claims: int
    messages: int
    attachments: int


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What one seed wrote, for the command line to print."""

    entities: int
    users: int
    associations: int
    regions: Mapping[str, RegionCounts]

    @property
    def claims(self) -> int:
        return sum(counts.claims for counts in self.regions.values())

    def summary(self) -> str:
        """A few lines: the directory, then one line per region."""
        lines = [f"directory: {self.entities} entities, {self.users} users, {self.associations} associations"]
        for code, counts in self.regions.items():
            lines.append(
                f"{code}: {counts.providers} providers, {counts.members} members, {counts.claims} claims, "
                f"{counts.messages} messages, {counts.attachments} attachments"
            )
        return "\n".join(lines)


async def stores_are_empty(directory_engine: AsyncEngine, region_engines: Mapping[str, AsyncEngine]) -> bool:
    """True when the directory has no users: regional rows nobody can sign in to see count as empty."""
    # The region engines are in the signature so callers need not know that only the directory decides.
    async with directory_engine.connect() as connection:
        count = (await connection.execute(select(func.count()).select_from(users))).scalar_one()
    return int(count) == 0


async def seed(
    directory_engine: AsyncEngine,
    region_engines: Mapping[str, AsyncEngine],
    *,
    claims_per_region: int = 500,
    random_seed: int = 2026,
    fixed_entity_claims: int = 150,
    progress: bool = False,
) -> SeedReport:
    """Replace everything a seed owns with the fixed demo records and `random_seed`'s bulk data."""
    unknown = sorted(set(region_engines) - set(REGION_CODES))
    if unknown:
        raise ValueError(f"no such region: {', '.join(unknown)}")
    if claims_per_region < 0 or fixed_entity_claims < 0:
        raise ValueError("claim counts must not be negative")
    # The directory plan covers every region, whichever stores are given, so entity keys never shift.
    generated_entities, generated_rows = plan_directory(
        random.Random(random_seed), REGION_CODES, claims_per_region
    )
    directory = _merge(directory_rows(), generated_rows)
    generators = {
        code: RegionGenerator(
            code,
            # One stream per region: a region's data does not depend on which other stores are seeded.
            random.Random(f"{random_seed}:{code}"),
            region_rows(code),
            generated_entities,
            claims_per_region,
            fixed_entity_claims,
        )
        for code in REGION_CODES
        if code in region_engines
    }
    await _write_directory(directory_engine, directory)
    total = sum(len(generator.rows.claims) + generator.claim_count for generator in generators.values())
    with tqdm(total=total, unit="claim", desc="seeding", disable=not progress) as bar:
        # Regions are separate stores, so they are written side by side; one failing cancels the rest.
        async with asyncio.TaskGroup() as group:
            tasks = {
                code: group.create_task(
                    _write_region(
                        region_engines[code], generator, bar, random.Random(f"{random_seed}:{code}:care")
                    )
                )
                for code, generator in generators.items()
            }
    return SeedReport(
        entities=len(directory.entities),
        users=len(directory.users),
        associations=len(directory.associations),
        regions={code: task.result() for code, task in tasks.items()},
    )


def _merge(fixed: DirectoryRows, generated: DirectoryRows) -> DirectoryRows:
    return DirectoryRows(
        entities=fixed.entities + generated.entities,
        agreements=fixed.agreements + generated.agreements,
        tpa_attestations=fixed.tpa_attestations + generated.tpa_attestations,
        users=fixed.users + generated.users,
        associations=fixed.associations + generated.associations,
    )


async def _write_directory(engine: AsyncEngine, rows: DirectoryRows) -> None:
    async with _seeding_transaction(engine, DIRECTORY_TABLES) as connection:
        await _wipe(connection, DIRECTORY_TABLES)
        await _insert(connection, entities, rows.entities)
        await _insert(connection, agreements, rows.agreements)
        await _insert(connection, tpa_attestations, rows.tpa_attestations)
        await _insert(connection, users, rows.users)
        await _insert(connection, associations, rows.associations)
        clients, bindings = partner_rows()
        await _insert(connection, partner_clients, clients)
        await _insert(connection, partner_bindings, bindings)
        await _move_sequences_past(
            connection, (entities, agreements, tpa_attestations, users, associations, partner_clients)
        )


async def _write_region(
    engine: AsyncEngine, generator: RegionGenerator, bar: tqdm[Never], care_rng: random.Random
) -> RegionCounts:
    """One transaction per region: a failed seed leaves the region as it was."""
    rows = generator.rows
    claim_count, message_count = len(rows.claims), len(rows.messages)
    async with _seeding_transaction(engine, REGION_TABLES) as connection:
        await _wipe(connection, REGION_TABLES)
        await _insert(connection, providers, rows.providers)
        await _insert(connection, members, rows.members)
        await _insert(connection, claims, rows.claims)
        await _insert(connection, messages, rows.messages)
        await _insert(connection, attachments, rows.attachments)
        if rows.care is not None:
            await _insert_care(connection, rows.care)
        bar.update(claim_count)
        for claim_rows, message_rows in generator.claim_batches(BATCH_SIZE):
            await _insert(connection, claims, claim_rows)
            await _insert(connection, messages, message_rows)
            claim_count += len(claim_rows)
            message_count += len(message_rows)
            bar.update(len(claim_rows))
        # Last: the accumulators count what the claims applied to them.
        coverage_rows, benefit_rows, accumulator_rows = generator.coverage.rows()
        await _insert(connection, coverages, coverage_rows)
        await _insert(connection, benefits, benefit_rows)
        await _insert(connection, accumulators, accumulator_rows)
        # Generated authorizations (about one for every twenty claims) and charts, numbered after the fixed.
        fixed_authorizations = len(rows.care.authorizations) if rows.care else 0
        await _insert_care(
            connection,
            generated_care(
                generator.region,
                care_rng,
                rows.members[len(rows.members) - len(generator.member_pks) :],
                [*generator.fixed_billers, *generator.generated_billers],
                max(10, generator.claim_count // 20),
                fixed_authorizations + 1,
                generator.next_message_pk,
            ),
        )
        await _move_sequences_past(connection, REGION_TABLES)
    return RegionCounts(
        providers=len(rows.providers),
        members=len(rows.members),
        claims=claim_count,
        messages=message_count,
        attachments=len(rows.attachments),
    )


async def _insert_care(connection: AsyncConnection, care: CareRows) -> None:
    """Authorizations before the messages about them, then the clinical records."""
    await _insert(connection, authorizations, care.authorizations)
    await _insert(connection, authorization_services, care.authorization_services)
    await _insert(connection, messages, care.messages)
    for table, table_rows in (
        (conditions, care.conditions),
        (medications, care.medications),
        (allergies, care.allergies),
        (immunizations, care.immunizations),
        (lab_results, care.lab_results),
        (encounters, care.encounters),
    ):
        await _insert(connection, table, table_rows)


@asynccontextmanager
async def _seeding_transaction(
    engine: AsyncEngine, tables: Sequence[Table]
) -> AsyncIterator[AsyncConnection]:
    """A transaction that, on SQLite, checks foreign keys once at the end instead of row by row."""
    async with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            async with connection.begin():
                yield connection
            return
        # SQLite checks a deleted parent against every child row lacking an index (messages.in_reply_to_id):
        # quadratic on a re-seed. The pragma only takes effect outside a transaction, hence the commits.
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.commit()
        try:
            async with connection.begin():
                yield connection
                await _check_foreign_keys(connection, tables)
        finally:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()


async def _check_foreign_keys(connection: AsyncConnection, tables: Sequence[Table]) -> None:
    """Fail the seed, and so roll it back, if any row points at a missing parent."""
    for table in tables:
        result = await connection.exec_driver_sql(f"PRAGMA foreign_key_check({table.name})")
        broken = result.fetchall()
        if broken:
            raise RuntimeError(f"seed broke foreign keys of {table.name}: {broken[:5]}")


async def _wipe(connection: AsyncConnection, tables: Sequence[Table]) -> None:
    if connection.dialect.name == "postgresql":
        # One TRUNCATE of the whole family skips the per-row foreign-key checks a DELETE would run.
        await connection.execute(text(f"TRUNCATE TABLE {', '.join(table.name for table in tables)}"))
        return
    for table in tables:
        await connection.execute(table.delete())


async def _insert(connection: AsyncConnection, table: Table, rows: Sequence[Row]) -> None:
    for start in range(0, len(rows), BATCH_SIZE):
        await connection.execute(insert(table), list(rows[start : start + BATCH_SIZE]))


async def _move_sequences_past(connection: AsyncConnection, tables: Sequence[Table]) -> None:
    """PostgreSQL hands out serial ids from a sequence that explicit ids do not advance: move it past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.c:
            continue
        # The names are the store's own tables, never input.
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )
