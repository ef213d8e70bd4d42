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

    async with engine.begin() as connection:
        return await connection.run_sync(run)


def _revision(connection: Connection) -> str:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or "empty"
