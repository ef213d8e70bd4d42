"""The limits count what a document asks for, once each: aliases of `__typename` are aliases like any
other, and a directive is one directive (not two because the walk passed it twice)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gateway


def limit_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    extensions: dict[str, Any] = error["extensions"]
    return extensions


async def test_aliases_of_typename_count_against_the_alias_limit(gateway: Gateway) -> None:
    many = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    few = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"

    refused = limit_error(await gateway.query(many))
    answered = await gateway.query(few)

    assert refused == {"code": "QUERY_TOO_COMPLEX", "limit": "aliases", "value": 31, "maximum": 30}
    assert answered["data"]["a29"] == "Query"


TWO = "@include(if: true) @skip(if: false)"


async def test_each_directive_counts_once(gateway: Gateway) -> None:
    # given: two directives on each root field, which the limits used to pass twice
    fifty = "{ " + " ".join(f"r{i}: __typename {TWO}" for i in range(25)) + " }"
    fifty_two = "{ " + " ".join(f"r{i}: __typename {TWO}" for i in range(26)) + " }"

    answered = await gateway.query(fifty)
    refused = limit_error(await gateway.query(fifty_two))

    assert answered["data"]["r24"] == "Query"
    assert refused == {"code": "QUERY_TOO_COMPLEX", "limit": "directives", "value": 52, "maximum": 50}
