"""The Alembic histories build exactly the tables the code declares, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from gateway.directory.tables import metadata as directory_metadata
from gateway.migrations import DIRECTORY_SCRIPTS, alembic_config, upgrade
from regions.base.engine import create_store_engine
from regions.base.tables import metadata as region_metadata
from tests.services import StoreUrls


def _differences(connection: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("store", ["directory", "SCAL", "NW"])
async def test_migrated_stores_match_the_declared_tables(seeded: StoreUrls, store: str) -> None:
    url = seeded.directory if store == "directory" else seeded.regions[store]
    metadata = directory_metadata if store == "directory" else region_metadata
    engine = create_store_engine(url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences, metadata)
    finally:
        await engine.dispose()
    assert differences == []


async def test_a_directory_with_people_signed_in_upgrades_on_sqlite(tmp_path: Path) -> None:
    # given a directory at the revision before the users table was rebuilt, with a person and her session
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'directory.sqlite3'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(
                lambda sync: command.upgrade(alembic_config(DIRECTORY_SCRIPTS, sync), "0003_partner_clients")
            )
            await connection.exec_driver_sql(
                "INSERT INTO users (id, user_id, kind, status, password_hash, first_name, last_name, email,"
                " organization, failed_sign_ins, created_at) VALUES (1, 'dana.reyes', 'PROVIDER_STAFF', 'ACTIVE',"
                " 'x', 'Dana', 'Reyes', 'dana@example.com', 'Harbor', 0, '2026-01-01 00:00:00')"
            )
            await connection.exec_driver_sql(
                "INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_seen_at, expires_at)"
                " VALUES ('s1', 1, 'h', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-02 00:00:00')"
            )

        # when it is brought to the newest revision (SQLite enforces foreign keys on the store's connections)
        await upgrade(engine, DIRECTORY_SCRIPTS)

        # then the person and her session are still there, and the tables match the code
        async with engine.connect() as connection:
            sessions = (await connection.exec_driver_sql("SELECT id, user_id FROM sessions")).all()
            differences = await connection.run_sync(_differences, directory_metadata)
    finally:
        await engine.dispose()
    assert [tuple(row) for row in sessions] == [("s1", 1)]
    assert differences == []
