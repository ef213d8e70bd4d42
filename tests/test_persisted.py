"""Automatic persisted queries and trusted documents."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.__main__ import main
from gateway.persisted import TrustMode
from tests.conftest import Gateway, redis_prefix, settings_for, start_gateway
from tests.services import StoreUrls

REGIONS = "query Regions { regions { code } }"
REGIONS_HASH = hashlib.sha256(REGIONS.encode()).hexdigest()


def _apq(digest: str, query: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if query is not None:
        body["query"] = query
    return body


async def test_apq_miss_register_hit(gateway: Gateway) -> None:
    document = "query Apq { regions { name } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    miss = await gateway.client.post("/graphql", json=_apq(digest))
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await gateway.client.post("/graphql", json=_apq(digest, document))
    assert len(registered.json()["data"]["regions"]) == 7
    hit = await gateway.client.post("/graphql", json=_apq(digest))
    assert hit.json() == registered.json()
    # GET works too: the document never travels again
    over_get = await gateway.client.get(
        "/graphql",
        params={"extensions": f'{{"persistedQuery":{{"version":1,"sha256Hash":"{digest}"}}}}'},
        headers={"apollo-require-preflight": "true"},
    )
    assert over_get.json() == registered.json()


async def test_apq_hash_mismatch_and_malformed_extension(gateway: Gateway) -> None:
    mismatch = await gateway.client.post("/graphql", json=_apq("0" * 64, REGIONS))
    assert mismatch.status_code == 400
    assert "does not match" in mismatch.json()["errors"][0]["message"]
    malformed = await gateway.client.post(
        "/graphql", json={"query": REGIONS, "extensions": {"persistedQuery": {"version": 2}}}
    )
    assert malformed.status_code == 400


@pytest.fixture
async def trusted_gateway(
    seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Gateway]:
    mode = getattr(request, "param", TrustMode.ENFORCE)
    data_dir = tmp_path_factory.mktemp("trusted")
    document = data_dir / "regions.graphql"
    document.write_text(REGIONS)
    manifest = data_dir / "trusted.json"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("TRUSTED_DOCUMENTS_FILE", str(manifest))
    try:
        assert main(["trust-documents", str(document)]) == 0
    finally:
        monkeypatch.undo()
    settings = settings_for(
        seeded,
        data_dir,
        trusted_documents=mode,
        trusted_documents_file=manifest,
        redis_prefix=redis_prefix("trusted"),
    )
    async for running in start_gateway(settings):
        yield running


async def test_only_trusted_documents_run_when_enforced(trusted_gateway: Gateway) -> None:
    by_hash = await trusted_gateway.client.post("/graphql", json=_apq(REGIONS_HASH))
    assert len(by_hash.json()["data"]["regions"]) == 7
    by_text = await trusted_gateway.client.post("/graphql", json={"query": REGIONS})
    assert by_text.status_code == 200
    stranger = await trusted_gateway.client.post("/graphql", json={"query": "{ regions { name } }"})
    assert stranger.status_code == 400
    assert stranger.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # APQ cannot be used to smuggle a new document in
    document = "{ regions { contacts { technicalSupportPhone } } }"
    smuggled = await trusted_gateway.client.post(
        "/graphql", json=_apq(hashlib.sha256(document.encode()).hexdigest(), document)
    )
    assert smuggled.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("trusted_gateway", [TrustMode.LOG], indirect=True)
async def test_log_only_mode_runs_strangers_and_logs_their_hash(
    trusted_gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.persisted"):
        response = await trusted_gateway.client.post("/graphql", json={"query": "{ regions { name } }"})
    assert len(response.json()["data"]["regions"]) == 7
    [record] = [r for r in caplog.records if r.name == "gateway.persisted"]
    assert record.fields["document_hash"] == hashlib.sha256(b"{ regions { name } }").hexdigest()  # type: ignore[attr-defined]


def test_trust_documents_refuses_a_file_that_is_not_graphql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.graphql"
    broken.write_text("{ regions {")
    monkeypatch.setenv("TRUSTED_DOCUMENTS_FILE", str(tmp_path / "t.json"))
    assert main(["trust-documents", str(broken)]) == 1
    assert not (tmp_path / "t.json").exists()
