"""The Alembic histories build exactly the tables the code declares, on every backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from gateway.directory.tables import metadata as directory_metadata
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
