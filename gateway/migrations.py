"""Apply the Alembic histories: one for the directory, one shared by every regional store."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import regions.base
from gateway import directory

DIRECTORY_SCRIPTS = Path(directory.__file__).parent / "migrations"
REGION_SCRIPTS = Path(regions.base.__file__).parent / "migrations"


def alembic_config(script_location: Path, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, script_location: Path) -> tuple[str, str] | None:
    """Bring one store to the newest revision of its history; returns the revisions it went from and to,
    or None when it was there already."""

    def run(connection: Connection) -> tuple[str, str] | None:
        before = _revision(connection)
        command.upgrade(alembic_config(script_location, connection), "head")
        after = _revision(connection)
        return None if after == before else (before, after)

    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as connection:
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys enforced, SQLite
            # refuses to drop a table other rows point at (the users of a directory seeded before one).
            # The pragma takes effect only outside a transaction, so it is set before the migrations' one
            # begins, and every reference is checked before that transaction commits.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                moved = await connection.run_sync(run)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"a migration left {len(broken)} rows pointing at nothing")
            return moved
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()


def _revision(connection: Connection) -> str:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or "empty"
