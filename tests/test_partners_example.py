"""The partner guide's example, run as docs/partners.md writes it: the documents registered with
`trust-documents`, then examples/partner_client.py as a subprocess against a live server over freshly seeded
stores — once where only trusted documents run, once where documents arrive as automatic persisted queries."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_app
from gateway.persisted import TrustMode
from regions.base.engine import create_store_engine
from regions.base.tables import attachments, messages
from tests.conftest import open_stores, seed_stores, settings_for
from tests.live import live_server
from tests.services import StoreUrls

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "partners.md"
DOCUMENTS = sorted((ROOT / "examples" / "documents").glob("*.graphql"))


@pytest.fixture(scope="module")
async def stores(tmp_path_factory: pytest.TempPathFactory) -> StoreUrls:
    urls = await open_stores("sqlite", tmp_path_factory, "partner-example")
    await seed_stores(urls, tmp_path_factory.mktemp("seed-partner-example"))
    return urls


def guide_commands() -> list[list[str]]:
    """The shell commands of the guide's "Run the example" section, as argument lists."""
    section = GUIDE.read_text().split("## Run the example", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the guide shows the commands in a sh block"
    return [shlex.split(line) for line in block[1].replace("\\\n", " ").splitlines() if line.strip()]


@asynccontextmanager
async def store_engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_store_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def trust_command() -> list[str]:
    """The guide's command that registers the example documents as trusted."""
    [line] = [
        line
        for line in GUIDE.read_text().splitlines()
        if line.startswith("python -m gateway trust-documents")
    ]
    return shlex.split(line)


async def run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_the_guide_names_each_document_by_its_hash() -> None:
    guide = GUIDE.read_text()
    for path in DOCUMENTS:
        assert path.read_text() in guide, f"the guide writes out {path.name} as it is"
        assert hashlib.sha256(path.read_bytes()).hexdigest() in guide, (
            f"the guide gives the hash of {path.name}"
        )


@pytest.mark.parametrize("documents", ["trusted", "automatic"])
async def test_the_example_runs_as_the_guide_writes_it(
    stores: StoreUrls, tmp_path: Path, documents: str
) -> None:
    # given the guide's commands: exports, trust-documents, then the example
    commands = guide_commands()
    env = {**os.environ, "DATA_DIR": str(tmp_path), "TRUSTED_DOCUMENTS_FILE": str(tmp_path / "trusted.json")}
    for command in commands:
        if command[0] == "export":
            env.update(assignment.split("=", 1) for assignment in command[1:])
    trust = trust_command()
    [example] = [c for c in commands if c[:2] == ["python", "examples/partner_client.py"]]
    assert env["PARTNER_CLIENT_ID"] == "summit-billing"
    mode = TrustMode.OFF
    if documents == "trusted":
        files = [str(path.relative_to(ROOT)) for pattern in trust[4:] for path in sorted(ROOT.glob(pattern))]
        assert len(files) == len(DOCUMENTS)
        code, out, err = await run(sys.executable, *trust[1:4], *files, env=env)
        assert code == 0, err
        assert len(out.splitlines()) == len(DOCUMENTS)
        mode = TrustMode.ENFORCE  # production: nothing else runs
    settings = settings_for(
        stores,
        tmp_path / "gateway",
        trusted_documents_file=tmp_path / "trusted.json",
        trusted_documents=mode,
        redis_prefix=f"partner-example-{documents}:",
    )
    app = create_app(settings)
    async with live_server(app) as url:
        # when
        code, out, err = await run(sys.executable, *example[1:], env={**env, "GATEWAY_URL": url})
        # then
        assert code == 0, out + err
        lines = out.splitlines()
        assert lines[0] == "token: scope claims:read eligibility:read messages:read messages:write"
        assert lines[1] == "claim GA0000000001: PAID (F1), paid 240.00 by EFT EFT20260110003 on 2026-01-10"
        assert re.fullmatch(r"claims received since 2026-01-01: \d+", lines[2])
        assert int(lines[2].rsplit(" ", 1)[1]) > 0
        assert (
            lines[3]
            == "sent: The message has been sent successfully; itemized-statement.pdf (application/pdf)"
        )
        assert lines[4] == "eligibility M700000001: eligible, HMO group 700100"
        assert re.fullmatch(r"271: \d+ segments, ST\*271\*0001\*005010X279A1~", lines[5])
    # and the documentation is filed on the claim, with its PDF, under the client's name
    async with store_engine(settings.region_database_urls["GA"]) as engine, engine.connect() as connection:
        rows = (
            await connection.execute(
                select(messages.c.owner_user_id, attachments.c.filename, attachments.c.content_type)
                .join(attachments, attachments.c.message_id == messages.c.id)
                .where(messages.c.body == "Itemized statement for this claim, as requested.")
            )
        ).all()
    assert ("client:summit-billing", "itemized-statement.pdf", "application/pdf") in [
        tuple(row) for row in rows
    ]
