"""Health, readiness, metrics and request ids (docs/http.md, "Operations")."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import Gateway


async def test_health_and_readiness(gateway: Gateway) -> None:
    assert (await gateway.client.get("/healthz")).status_code == 200
    ready = await gateway.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


async def test_every_response_carries_a_request_id(gateway: Gateway) -> None:
    mine = await gateway.client.get("/healthz", headers={"x-request-id": "client-chose-this-1"})
    assert mine.headers["x-request-id"] == "client-chose-this-1"
    generated = await gateway.client.post("/graphql", json={"query": "{ regions { code } }"})
    assert len(generated.headers["x-request-id"]) == 32
    # a header that could forge log lines is replaced, not echoed
    forged = await gateway.client.get("/healthz", headers={"x-request-id": 'evil"\n{"level":"x'})
    assert forged.headers["x-request-id"] != 'evil"\n{"level":"x'


async def test_metrics_speak_prometheus_with_the_contract_names(gateway: Gateway) -> None:
    await gateway.query(
        "query { claims(search: {}, first: 3) { edges { node { claimNumber } } } }", as_user="dana.reyes"
    )
    text = (await gateway.client.get("/metrics")).text
    for name in (
        "graphql_requests_total",
        "graphql_request_duration_seconds_bucket",
        'region_backend_statements_total{region="SCAL"}',
        'region_backend_duration_seconds_bucket{le="0.001",region="SCAL"}',
        "dataloader_batch_size_bucket",
        'cache_requests_total{cache="session"',
    ):
        assert name in text, name
    assert 'graphql_requests_total{operation_type="query",outcome="ok"}' in text


async def test_log_lines_carry_the_request_id_and_no_variables(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.http"):
        await gateway.client.post(
            "/graphql",
            json={
                "query": "query Q($n: String!) { claims(search: {claimNumber: $n}) { totalCount } }",
                "variables": {"n": "SCAL0000000001"},
            },
            headers={
                "x-request-id": "trace-me-42",
                "authorization": f"Bearer {await gateway.token('dana.reyes')}",
            },
        )
    lines = [
        record.fields  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "gateway.http" and getattr(record, "fields", {}).get("request_id") == "trace-me-42"
    ]
    assert len(lines) == 1
    [fields] = lines
    assert fields["path"] == "/graphql"
    assert fields["status"] == 200
    assert fields["operation_type"] == "query"
    assert fields["operation_name"] == "Q"
    assert fields["principal"] == "dana.reyes"
    assert "SCAL0000000001" not in str(fields)


async def test_request_outcomes_are_counted(gateway: Gateway) -> None:
    def count(outcome: str, operation_type: str) -> float:
        value = gateway.runtime.metrics.registry.get_sample_value(
            "graphql_requests_total", {"operation_type": operation_type, "outcome": outcome}
        )
        return value or 0.0

    ok, rejected = count("ok", "query"), count("rejected", "unknown")
    await gateway.client.post("/graphql", json={"query": "{ regions { code } }"})
    await gateway.client.post("/graphql", json={"query": "{ regions {"})
    assert count("ok", "query") == ok + 1
    assert count("rejected", "unknown") == rejected + 1
    text = (await gateway.client.get("/metrics")).text
    assert "graphql_request_duration_seconds_count" in text
