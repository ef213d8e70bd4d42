"""Answers that may hold health information must never sit in a shared cache (a proxy, a CDN, a
browser's disk): every /graphql answer and every download says `Cache-Control: no-store`, and so does
any route added later unless it says otherwise."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.conftest import Gateway

PREFLIGHT = {"apollo-require-preflight": "true"}
CLAIM_ATTACHMENTS = """query ($n: String!) { claims(search: {claimNumber: $n}) { edges { node {
  member { dateOfBirth } messages(first: 50) { edges { node { attachments { id } } } } } } } }"""


def no_store(response: Response | object) -> bool:
    headers = getattr(response, "headers", {})
    return "no-store" in headers.get("cache-control", "")


async def test_graphql_answers_are_not_stored(gateway: Gateway) -> None:
    token = await gateway.token("dana.reyes")
    signed_in = {"authorization": f"Bearer {token}"}

    answers = [
        await gateway.client.post(
            "/graphql",
            json={"query": CLAIM_ATTACHMENTS, "variables": {"n": "SCAL0000000002"}},
            headers=signed_in,
        ),
        await gateway.client.get("/graphql", params={"query": "{ regions { code } }"}, headers=PREFLIGHT),
        await gateway.client.post("/graphql", json=[{"query": "{ regions { code } }"}]),
        await gateway.client.post("/graphql", json={"query": "{ nothing }"}),
        await gateway.client.post("/graphql", content=b"{", headers={"content-type": "application/json"}),
    ]

    assert [response.status_code < 500 for response in answers] == [True] * len(answers)
    assert [no_store(response) for response in answers] == [True] * len(answers)


async def test_attachment_downloads_and_their_refusals_are_not_stored(gateway: Gateway) -> None:
    token = await gateway.token("dana.reyes")
    signed_in = {"authorization": f"Bearer {token}"}
    body = await gateway.query(CLAIM_ATTACHMENTS, {"n": "SCAL0000000002"}, as_user="dana.reyes")
    [edge] = body["data"]["claims"]["edges"]
    attachment_id = next(
        attachment["id"]
        for message in edge["node"]["messages"]["edges"]
        for attachment in message["node"]["attachments"]
    )

    download = await gateway.client.get(f"/attachments/{attachment_id}", headers=signed_in)
    anonymous = await gateway.client.get(f"/attachments/{attachment_id}")
    missing = await gateway.client.get("/attachments/nothing-here", headers=signed_in)

    assert download.status_code == 200
    assert anonymous.status_code in {401, 404}
    assert missing.status_code == 404
    assert [no_store(download), no_store(anonymous), no_store(missing)] == [True, True, True]


async def test_a_download_route_added_later_is_not_stored_without_saying_so(gateway: Gateway) -> None:
    # given: a new route (an export, an X12 file) that sets no caching header of its own
    async def export(_request: Request) -> Response:
        return PlainTextResponse("ISA*00*...~", media_type="application/edi-x12")

    route = Route("/exports/test-only", export)
    gateway.app.router.routes.insert(0, route)
    try:
        response = await gateway.client.get("/exports/test-only")
    finally:
        gateway.app.router.routes.remove(route)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


async def test_what_may_be_cached_still_says_so(gateway: Gateway) -> None:
    keys = await gateway.client.get("/.well-known/jwks.json")

    assert keys.headers["cache-control"] == "public, max-age=300"
