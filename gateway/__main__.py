"""Command line: serve, migrate, seed, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from gateway.observability import configure_logging
from gateway.runtime import Runtime
from gateway.settings import Settings

SCHEMA_FILE = Path("schema.graphql")


async def _migrate(settings: Settings) -> int:
    runtime = Runtime.create(settings)
    try:
        failures = await runtime.migrate()
    finally:
        await runtime.close()
    for region, reason in failures.items():
        print(f"region {region} not migrated: {reason}", file=sys.stderr)
    return 0


async def _seed(settings: Settings, claims_per_region: int, random_seed: int, only_if_empty: bool) -> int:
    from gateway.seed import seed, stores_are_empty

    runtime = Runtime.create(settings)
    try:
        await runtime.migrate()
        engines = {code: adapter.store.engine for code, adapter in runtime.regions.items()}
        if only_if_empty and not await stores_are_empty(runtime.directory.engine, engines):
            print("stores already hold data; not seeding")
            return 0
        report = await seed(
            runtime.directory.engine,
            engines,
            claims_per_region=claims_per_region,
            random_seed=random_seed,
            progress=sys.stderr.isatty(),
        )
        print(report.summary())
    finally:
        await runtime.close()
    return 0


def export_schema(path: Path) -> None:
    from gateway.schema.schema import schema

    path.write_text(schema.as_str() + "\n")


def _serve(settings: Settings, workers: int) -> int:
    import uvicorn

    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        loop="auto",
        http="auto",
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve HTTP on HOST:PORT")
    serve.add_argument(
        "--prepare", action="store_true", help="migrate, and seed the demo data into empty stores"
    )
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate", help="apply migrations to the directory and every regional store")
    seed = commands.add_parser("seed", help="create the demo data (DEMO_DATA.md) and generated bulk data")
    seed.add_argument("--claims-per-region", type=int, default=500)
    seed.add_argument("--seed", type=int, default=2026, help="random seed of the bulk data")
    seed.add_argument("--if-empty", action="store_true", help="only when the stores hold no data yet")
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("path", nargs="?", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "seed":
        return asyncio.run(_seed(settings, args.claims_per_region, args.seed, args.if_empty))
    if args.command == "export-schema":
        export_schema(args.path)
        return 0
    if args.prepare:
        asyncio.run(_seed(settings, 500, 2026, only_if_empty=True))
    return _serve(settings, args.workers)


if __name__ == "__main__":
    sys.exit(main())
