"""One region down or slow costs only its own data: the others answer, within the deadline (HTTP.md)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from gateway.runtime import Runtime
from regions.base.adapter import RegionAdapter
from regions.base.queries import ClaimSearch
from regions.base.records import ClaimRecord, Page
from tests.clock import FakeClock
from tests.conftest import Gateway, settings_for, start_gateway
from tests.services import StoreUrls

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:9/nothing_listens_here"
CLAIMS = """query { claims(search: {}, first: 50) { totalCount edges { node { claimNumber region { code } } } } }"""


@pytest.fixture
async def ncal_down(seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    urls = replace(seeded, regions={**seeded.regions, "NCAL": UNREACHABLE})
    async for running in start_gateway(
        settings_for(urls, tmp_path_factory.mktemp("down"), region_timeout_ms=1500)
    ):
        yield running


async def test_a_gateway_starts_and_serves_when_a_region_is_unreachable(ncal_down: Gateway) -> None:
    # when
    started = time.perf_counter()
    body = await ncal_down.query(CLAIMS, as_user="dana.reyes")
    elapsed = time.perf_counter() - started
    # then the SCAL claims are served, NCAL's are missing, and one error names NCAL
    regions = {edge["node"]["region"]["code"] for edge in body["data"]["claims"]["edges"]}
    assert regions == {"SCAL"}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "REGION_UNAVAILABLE", "region": "NCAL"}
    assert elapsed < 1.5
    ready = await ncal_down.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["region:NCAL"]


async def test_the_breaker_opens_after_repeated_failures_and_answers_at_once(ncal_down: Gateway) -> None:
    for _ in range(6):
        await ncal_down.query(CLAIMS, as_user="dana.reyes")
    assert ncal_down.runtime.fanout.breakers["NCAL"].opened_at is not None
    started = time.perf_counter()
    body = await ncal_down.query(CLAIMS, as_user="dana.reyes")
    assert time.perf_counter() - started < 0.5
    assert body["errors"][0]["extensions"]["region"] == "NCAL"
    text = (await ncal_down.client.get("/metrics")).text
    assert 'region_backend_errors_total{kind="circuit_open",region="NCAL"}' in text


async def test_a_claim_number_search_is_not_failed_by_a_region_that_cannot_hold_it(
    ncal_down: Gateway,
) -> None:
    """Each region numbers its claims in its own format: a Southern California number is looked for in
    SCAL alone, so NCAL being down (its circuit open) costs that search nothing."""
    for _ in range(6):
        await ncal_down.query(CLAIMS, as_user="dana.reyes")
    assert ncal_down.runtime.fanout.breakers["NCAL"].opened_at is not None
    body = await ncal_down.query(
        """{ claims(search: {claimNumber: "SCAL0000000001"}) { totalCount edges { node { claimNumber } } } }""",
        as_user="dana.reyes",
    )
    assert "errors" not in body
    assert body["data"]["claims"]["totalCount"] == 1
    assert [edge["node"]["claimNumber"] for edge in body["data"]["claims"]["edges"]] == ["SCAL0000000001"]
    # a number of NCAL's own format still reports NCAL down
    body = await ncal_down.query(
        """{ claims(search: {claimNumber: "NCAL0000000001"}) { edges { node { claimNumber } } } }""",
        as_user="dana.reyes",
    )
    assert body["errors"][0]["extensions"]["region"] == "NCAL"


class SlowAdapter(RegionAdapter):
    """A region whose backend answers claims searches after a delay (an injected fault)."""

    delay = 5.0

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        await asyncio.sleep(self.delay)
        return await super().search_claims(search)


@pytest.fixture
async def ncal_slow(seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    async for running in start_gateway(
        settings_for(seeded, tmp_path_factory.mktemp("slow"), region_timeout_ms=300)
    ):
        regions = running.runtime.regions
        assert isinstance(regions, dict)
        slow = type("SlowNorthernCalifornia", (SlowAdapter,), {"rules": regions["NCAL"].rules})
        regions["NCAL"] = slow(regions["NCAL"].store)
        yield running


async def test_a_slow_region_costs_its_deadline_not_the_request(ncal_slow: Gateway) -> None:
    await ncal_slow.token("dana.reyes")  # signed in beforehand: the password check is not what is timed
    started = time.perf_counter()
    body = await ncal_slow.query(CLAIMS, as_user="dana.reyes")
    elapsed = time.perf_counter() - started
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL"}
    assert body["errors"][0]["extensions"] == {"code": "REGION_UNAVAILABLE", "region": "NCAL"}
    assert 0.3 <= elapsed < 1.5


class FlakyAdapter(RegionAdapter):
    """A region that refuses connections while `down` is set (an injected fault)."""

    down = True

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        if type(self).down:
            raise ConnectionRefusedError("injected")
        return await super().search_claims(search)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def ncal_flaky(
    seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock
) -> AsyncIterator[Gateway]:
    settings = settings_for(
        seeded, tmp_path_factory.mktemp("flaky"), breaker_failures=3, breaker_cooldown_seconds=0.3
    )
    async for running in start_gateway(settings, Runtime.create(settings, clock=clock)):
        regions = running.runtime.regions
        assert isinstance(regions, dict)
        flaky = type(
            "FlakyNorthernCalifornia", (FlakyAdapter,), {"rules": regions["NCAL"].rules, "down": True}
        )
        regions["NCAL"] = flaky(regions["NCAL"].store)
        yield running


async def test_the_breaker_half_opens_to_probe_and_closes_when_the_region_is_back(
    ncal_flaky: Gateway, clock: FakeClock
) -> None:
    breaker = ncal_flaky.runtime.fanout.breakers["NCAL"]
    for _ in range(3):
        await ncal_flaky.query(CLAIMS, as_user="dana.reyes")
    assert breaker.opened_at is not None
    # while open, NCAL is not even asked
    adapter = ncal_flaky.runtime.regions["NCAL"]
    type(adapter).down = False  # type: ignore[attr-defined]
    body = await ncal_flaky.query(CLAIMS, as_user="dana.reyes")
    assert body["errors"][0]["extensions"]["region"] == "NCAL"
    # after the cool-down one probe goes through, succeeds, and closes the circuit
    clock.advance(1.0)  # past the 0.3 s cool-down
    body = await ncal_flaky.query(CLAIMS, as_user="dana.reyes")
    assert "errors" not in body
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL", "NCAL"}
    assert breaker.opened_at is None


async def test_one_span_per_request_and_per_region_call(
    seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = settings_for(seeded, tmp_path_factory.mktemp("traced"))
    async for running in start_gateway(settings, Runtime.create(settings, tracer_provider=provider)):
        await running.query(CLAIMS, as_user="dana.reyes")
    names = [span.name for span in exporter.get_finished_spans()]
    assert names.count("POST /graphql") == 1
    region_calls = [s for s in exporter.get_finished_spans() if s.name == "region call"]
    assert {s.attributes["region"] for s in region_calls if s.attributes} == {"SCAL", "NCAL"}
    assert len(region_calls) <= 4  # the page and its providers, per region: never per field


class CrowdedAdapter(RegionAdapter):
    """A region whose PostgreSQL turns connections away: too many clients already."""

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        import asyncpg
        from sqlalchemy.exc import DBAPIError

        refused = asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already")
        error = DBAPIError("connect", None, refused)
        raise error from refused


async def test_a_region_turning_connections_away_is_unavailable_not_a_bug(gateway: Gateway) -> None:
    regions = gateway.runtime.regions
    assert isinstance(regions, dict)
    original = regions["NCAL"]
    regions["NCAL"] = type("CrowdedNorthernCalifornia", (CrowdedAdapter,), {"rules": original.rules})(
        original.store
    )
    try:
        body = await gateway.query(CLAIMS, as_user="dana.reyes")
    finally:
        regions["NCAL"] = original
        gateway.runtime.fanout.breakers["NCAL"].succeeded()
    assert body.get("data"), body
    assert {e["node"]["region"]["code"] for e in body["data"]["claims"]["edges"]} == {"SCAL"}
    assert body["errors"] == [
        {
            "message": body["errors"][0]["message"],
            "extensions": {"code": "REGION_UNAVAILABLE", "region": "NCAL"},
        }
    ]
