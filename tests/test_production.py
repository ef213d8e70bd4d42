"""Production mode: no introspection, no field suggestions, no IDE, and masked errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from regions.base.adapter import RegionAdapter
from regions.base.queries import ClaimSearch
from regions.base.records import ClaimRecord, Page
from tests.conftest import Gateway, redis_prefix, settings_for, start_gateway
from tests.services import StoreUrls


@pytest.fixture
async def production(seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    settings = settings_for(
        seeded,
        tmp_path_factory.mktemp("production"),
        environment="production",
        redis_prefix=redis_prefix("prod"),
    )
    async for running in start_gateway(settings):
        yield running


async def test_introspection_is_off(production: Gateway) -> None:
    body = (
        await production.client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    ).json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_field_suggestions_are_off(production: Gateway, gateway: Gateway) -> None:
    document = {"query": "{ regionz { code } }"}
    development = (await gateway.client.post("/graphql", json=document)).json()
    assert "Did you mean" in development["errors"][0]["message"]
    body = (await production.client.post("/graphql", json=document)).json()
    assert "Did you mean" not in body["errors"][0]["message"]
    assert "regions" not in body["errors"][0]["message"]


async def test_there_is_no_ide(production: Gateway) -> None:
    response = await production.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code in {400, 404}
    assert "graphiql" not in response.text.lower()


class BrokenAdapter(RegionAdapter):
    """A region whose code has a bug: it raises with secrets in the message."""

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        raise RuntimeError("SELECT * FROM claims WHERE password = 'hunter2'")


async def test_unexpected_errors_are_masked_with_the_request_id(production: Gateway) -> None:
    regions = production.runtime.regions
    assert isinstance(regions, dict)
    broken = type("BrokenSouthernCalifornia", (BrokenAdapter,), {"rules": regions["SCAL"].rules})
    original = regions["SCAL"]
    regions["SCAL"] = broken(original.store)
    try:
        response = await production.post(
            "{ claims(search: {}) { totalCount } }",
            as_user="dana.reyes",
            headers={"x-request-id": "mask-me-1"},
        )
    finally:
        regions["SCAL"] = original
    assert response.status_code == 200
    text = response.text
    for secret in ("hunter2", "SELECT", "Traceback"):
        assert secret not in text
    [error] = response.json()["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "mask-me-1"}
