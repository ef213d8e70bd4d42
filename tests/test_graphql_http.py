"""GraphQL over HTTP as the spec and HTTP.md describe it: media types, methods, malformed bodies, CSRF."""

from __future__ import annotations

import pytest

from tests.conftest import Gateway

RESPONSE_JSON = "application/graphql-response+json"
PREFLIGHT = {"apollo-require-preflight": "true"}


async def test_the_newer_media_type_is_answered_when_accepted(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/graphql", json={"query": "{ regions { code } }"}, headers={"accept": RESPONSE_JSON}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(RESPONSE_JSON)
    plain = await gateway.client.post("/graphql", json={"query": "{ regions { code } }"})
    assert plain.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ regions { code }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ regions { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($f: Int) { claims(search: {}, first: $f) { totalCount } }", {"f": "many"}, "BAD_USER_INPUT"),
    ],
)
async def test_requests_that_cannot_run_get_no_data_and_a_4xx_under_the_newer_media_type(
    gateway: Gateway, document: str, variables: dict[str, object] | None, code: str
) -> None:
    body = {"query": document, "variables": variables}
    newer = await gateway.client.post("/graphql", json=body, headers={"accept": RESPONSE_JSON})
    assert newer.status_code == 400
    assert "data" not in newer.json()
    assert newer.json()["errors"][0]["extensions"]["code"] == code
    # plain JSON clients keep the traditional 200, still without data
    plain = await gateway.client.post("/graphql", json=body)
    assert plain.status_code == 200
    assert "data" not in plain.json()


async def test_queries_run_over_get_with_the_preflight_header(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/graphql", params={"query": "{ regions { code } }"}, headers=PREFLIGHT
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["regions"]) == 7


async def test_a_mutation_over_get_is_405(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/graphql",
        params={"query": "mutation { switchRegion(input: {region: SCAL}) { userErrors { code } } }"},
        headers=PREFLIGHT,
    )
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"query": "{ regions { code } }", "x": "\xff\xfe"}', "application/json"),  # not UTF-8
        (b'{"query": 42}', "application/json"),
        (b'{"query": "{ regions { code } }", "variables": [1]}', "application/json"),
        (b'{"query": "{ regions { code } }", "operationName": 7}', "application/json"),
        (b'{"query": "{ regions { code } }", "extensions": "x"}', "application/json"),
        (b"", "application/json"),
        (b"<xml/>", "application/xml"),
    ],
)
async def test_malformed_bodies_are_4xx_with_a_message_never_500(
    gateway: Gateway, content: bytes, content_type: str
) -> None:
    response = await gateway.client.post(
        "/graphql", content=content, headers={"content-type": content_type, **PREFLIGHT}
    )
    assert 400 <= response.status_code < 500
    error = response.json()["errors"][0]
    assert error["message"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("method", "content_type"),
    [
        ("GET", None),
        ("POST", "text/plain"),
        ("POST", "application/x-www-form-urlencoded"),
        ("POST", "multipart/form-data; boundary=x"),
    ],
)
async def test_requests_a_browser_could_forge_need_a_preflight_header(
    gateway: Gateway, method: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    if method == "GET":
        refused = await gateway.client.get("/graphql", params={"query": "{ regions { code } }"})
    else:
        refused = await gateway.client.post(
            "/graphql", content=b'{"query": "{ regions { code } }"}', headers=headers
        )
    assert refused.status_code == 400
    assert "preflight" in refused.json()["errors"][0]["message"]


async def test_json_posts_need_no_preflight_header(gateway: Gateway) -> None:
    # application/json cannot be sent cross-site without a preflight, so it is safe as it is.
    response = await gateway.client.post("/graphql", json={"query": "{ regions { code } }"})
    assert response.status_code == 200


async def test_a_browser_opening_the_endpoint_is_sent_to_the_bundled_graphiql(gateway: Gateway) -> None:
    response = await gateway.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 307
    assert response.headers["location"] == "/graphiql"


async def test_batches_run_each_operation(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/graphql", json=[{"query": "{ regions { code } }"}, {"query": "{ viewer { user { userId } } }"}]
    )
    assert response.status_code == 200
    first, second = response.json()
    assert len(first["data"]["regions"]) == 7
    assert second["data"]["viewer"] is None
