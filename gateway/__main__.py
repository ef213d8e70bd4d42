"""Command line: serve, migrate, seed, trust-documents, export-schema, create-client, rotate-client-secret."""

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


def trust_documents(settings: Settings, paths: list[Path]) -> int:
    """Register each file's document in the trusted-documents manifest; prints `hash  file`."""
    from graphql import GraphQLSyntaxError, parse

    from gateway.persisted import TrustedDocuments

    registry = TrustedDocuments.load(settings.trusted_documents_path)
    for path in paths:
        document = path.read_text()
        try:
            parse(document)
        except GraphQLSyntaxError as error:
            print(f"{path}: not a GraphQL document ({error.message})", file=sys.stderr)
            return 1
        print(f"{registry.register(document)}  {path}")
    registry.save()
    return 0


async def _partner_client(settings: Settings, args: argparse.Namespace) -> int:
    """create-client and rotate-client-secret: print the client id and its new secret, once."""
    from gateway.migrations import DIRECTORY_SCRIPTS, upgrade
    from gateway.partners.admin import ClientSetupError, NewClient, create_client, rotate_client_secret

    runtime = Runtime.create(settings)
    try:
        # Clients live in the directory alone: the regional stores need not even answer.
        await upgrade(runtime.directory.engine, DIRECTORY_SCRIPTS)
        if args.command == "create-client":
            request = NewClient(
                client_id=args.client_id,
                name=args.name,
                scopes=args.scope,
                bindings=args.bind,
                requests_per_minute=args.requests_per_minute,
                cost_per_minute=args.cost_per_minute,
            )
            secret = await create_client(runtime.directory, request)
        else:
            secret = await rotate_client_secret(runtime.directory, args.client_id)
    except ClientSetupError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        await runtime.close()
    print(f"client_id={args.client_id.strip()}")
    print(f"client_secret={secret}")
    print("The secret is shown only this once; the gateway keeps nothing but its hash.", file=sys.stderr)
    return 0


def _serve(settings: Settings, workers: int) -> int:
    import uvicorn

    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        loop="auto",
        ws="websockets-sansio",
        http="auto",
        log_config=None,
        access_log=False,
        # The app believes forwarded headers only from FORWARDED_ALLOW_IPS (gateway/app.py); uvicorn's
        # own setting would believe them from 127.0.0.1 whatever the deployment says.
        proxy_headers=False,
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
    trust = commands.add_parser("trust-documents", help="register GraphQL documents as trusted (persisted)")
    trust.add_argument("paths", nargs="+", type=Path)
    from gateway.partners.records import DEFAULT_COST_PER_MINUTE, DEFAULT_REQUESTS_PER_MINUTE

    create = commands.add_parser("create-client", help="register a partner client (docs/partners.md)")
    create.add_argument("--client-id", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope", action="append", required=True, help='e.g. "claims:read messages:read"; repeatable'
    )
    create.add_argument(
        "--bind",
        action="append",
        required=True,
        metavar="REGION:TAX-ID",
        help="e.g. GA:58-6000006; repeatable",
    )
    create.add_argument("--requests-per-minute", type=int, default=DEFAULT_REQUESTS_PER_MINUTE)
    create.add_argument("--cost-per-minute", type=int, default=DEFAULT_COST_PER_MINUTE)
    rotate = commands.add_parser("rotate-client-secret", help="give a partner client a new secret")
    rotate.add_argument("client_id")
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("path", nargs="?", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "seed":
        return asyncio.run(_seed(settings, args.claims_per_region, args.seed, args.if_empty))
    if args.command == "trust-documents":
        return trust_documents(settings, args.paths)
    if args.command == "export-schema":
        export_schema(args.path)
        return 0
    if args.command in {"create-client", "rotate-client-secret"}:
        return asyncio.run(_partner_client(settings, args))
    if args.workers > 1 and not settings.redis_url:
        # Each worker would keep its own sessions, limits and subscriptions: a token signed in on one
        # would be refused by the others.
        print("serve --workers N needs REDIS_URL, which the workers share", file=sys.stderr)
        return 2
    if args.prepare:
        asyncio.run(_seed(settings, 500, 2026, only_if_empty=True))
    return _serve(settings, args.workers)


if __name__ == "__main__":
    sys.exit(main())
