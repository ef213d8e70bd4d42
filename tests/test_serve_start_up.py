"""Starting the gateway: `serve` leaves migrations to `python -m gateway migrate` (the deployment's step);
`serve --prepare` (what `make run` does) migrates what answers, loads the demo data, starts while a region's
store is down, and says once serving where and as whom to sign in, with quiet start-up logs."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import inspect

from gateway.__main__ import _migrate
from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.seed.fixed import DEMO_PASSWORD, PEOPLE
from gateway.seed.sign_ins import WHAT_THEY_SHOW
from tests.conftest import settings_for
from tests.live import free_port
from tests.services import sqlite_urls

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:9/nothing_listens_here"
CLAIMS = "{ claims(search: {}, first: 5) { edges { node { claimNumber region { code } } } } }"
START_UP_SECONDS = 240  # seeding 500 claims a region on a busy machine


async def test_serve_does_not_migrate(tmp_path: Path) -> None:
    # given stores nobody migrated
    settings = settings_for(sqlite_urls(tmp_path), tmp_path)
    runtime = Runtime.create(settings)
    # when the gateway starts and stops
    async with LifespanManager(create_app(runtime=runtime)):
        pass
    # then it created no tables: migrating is `python -m gateway migrate`'s
    runtime = Runtime.create(settings)
    try:
        async with runtime.directory.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await runtime.close()
    assert tables == []


async def test_migrate_migrates_what_answers_and_fails_naming_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given Northern California's store down
    urls = sqlite_urls(tmp_path)
    settings = settings_for(replace(urls, regions={**urls.regions, "NCAL": UNREACHABLE}), tmp_path)
    # when the deployment step runs
    code = await _migrate(settings)
    # then it fails, naming the region, and every other store is at its newest revision
    assert code == 1
    assert "region NCAL not migrated" in capsys.readouterr().err
    runtime = Runtime.create(settings)
    try:
        for engine in (runtime.directory.engine, runtime.regions["SCAL"].store.engine):
            async with engine.connect() as connection:
                tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            assert "alembic_version" in tables
    finally:
        await runtime.close()


async def test_serve_prepare_starts_without_a_region_and_says_how_to_sign_in(tmp_path: Path) -> None:
    # given a fresh data directory, and Northern California's store down
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REGION_NCAL_DATABASE_URL": UNREACHABLE,
        "COOKIE_SECURE": "false",
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--prepare",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    try:
        # when it serves
        printed = ""
        deadline = time.monotonic() + START_UP_SECONDS
        while "Sign in as" not in printed or not printed.endswith("\n\n"):
            line = await asyncio.wait_for(process.stdout.readline(), deadline - time.monotonic())
            assert line, f"the server stopped: {await process.stderr.read()!r}"
            printed += line.decode()
        base_url = f"http://127.0.0.1:{port}"
        # then it says where, and as whom to sign in
        assert f"{base_url}/" in printed
        assert DEMO_PASSWORD in printed
        for person in PEOPLE:
            assert person.user_id in printed
        assert "summit-billing" in printed
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            # and serves the other regions, naming the one that is down
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["failing"] == ["region:NCAL"]
            signed_in = await client.post(
                "/auth/sign-in", json={"userId": "dana.reyes", "password": DEMO_PASSWORD}
            )
            token = signed_in.json()["access_token"]
            body = (
                await client.post(
                    "/graphql", json={"query": CLAIMS}, headers={"authorization": f"Bearer {token}"}
                )
            ).json()
        assert {edge["node"]["region"]["code"] for edge in body["data"]["claims"]["edges"]} == {"SCAL"}
        assert [error["extensions"]["code"] for error in body["errors"]] == ["REGION_UNAVAILABLE"]
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    logged = (await process.stderr.read()).decode()
    # and the start-up log says what happened, without Alembic's chatter
    assert "region NCAL did not answer" in logged
    assert '"message":"store migrated"' in logged
    assert "Context impl" not in logged
    assert "Running upgrade" not in logged


def test_every_demo_person_is_announced_and_in_the_readme() -> None:
    assert set(WHAT_THEY_SHOW) == {person.user_id for person in PEOPLE}
    readme = (ROOT / "README.md").read_text()
    for person in PEOPLE:
        row = f"| `{person.user_id}` | `{DEMO_PASSWORD}` |"
        assert row in readme, f"the README's demo accounts table lists {person.user_id}"
        assert readme.split(row, 1)[1].splitlines()[0].endswith(f"| {WHAT_THEY_SHOW[person.user_id]} |")
