"""Small documents that ask for a great deal of work before anything executes: fragments spreading each
other, one field repeated thousands of times, overlapping fields compared pair by pair, deep nesting,
many aliases. Each is refused, or answered, after a number of node visits that grows with the document's
size, not with what it spreads to; the work is counted, never timed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode, parse
from graphql.validation.rules import overlapping_fields_can_be_merged

from gateway.documents import VISITS
from gateway.limits import VALIDATION_BUDGET
from tests.conftest import Gateway

# Every pre-execution walk together (limits, overlaps, sizing variables, guest counting, partner checks,
# prefetch) may visit each selection of a document a few times over; never once per spread.
VISITS_PER_SELECTION = 10


def fan_out(levels: int, leaf: str) -> str:
    """`{ ...F0 }` where each fragment spreads the next twice: 2**levels copies of `leaf`."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ ...F0 }} {fragments} fragment F{levels} on Query {{ {leaf} }}"


def selections(document: str) -> int:
    """How many selections a document holds (fields, spreads, inline fragments), each counted once."""
    parsed = parse(document, max_tokens=None)
    pending: list[SelectionSetNode] = [
        definition.selection_set for definition in parsed.definitions if hasattr(definition, "selection_set")
    ]
    count = 0
    while pending:
        for selection in pending.pop().selections:
            count += 1
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
            assert isinstance(selection, FieldNode | InlineFragmentNode | FragmentSpreadNode)
    return count


class MergeRuleWork:
    """How many field pairs graphql-core's rule "fields can be merged" compared."""

    def __init__(self) -> None:
        self.comparisons = 0


@pytest.fixture
def merge_rule_work(monkeypatch: pytest.MonkeyPatch) -> MergeRuleWork:
    work = MergeRuleWork()
    compare: Callable[..., Any] = overlapping_fields_can_be_merged.find_conflict

    def counted(*args: Any, **kwargs: Any) -> Any:
        work.comparisons += 1
        return compare(*args, **kwargs)

    monkeypatch.setattr(overlapping_fields_can_be_merged, "find_conflict", counted)
    return work


async def answer(gateway: Gateway, document: str) -> tuple[dict[str, Any], int]:
    """The JSON answer of an anonymous request and the selections the gateway visited for it."""
    before = VISITS.count
    response = await gateway.client.post("/graphql", json={"query": document})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, VISITS.count - before


def refused_for(body: dict[str, Any]) -> str:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    limit: str = error["extensions"]["limit"]
    return limit


async def test_fragments_spread_twice_at_every_level_are_walked_once_each(gateway: Gateway) -> None:
    # given: 2**30 copies of __typename in a document of 31 fragments, no sign-in
    document = fan_out(30, "__typename")

    # when
    body, visits = await answer(gateway, document)

    # then: answered, after visiting each selection a few times, not 2**30
    assert body == {"data": {"__typename": "Query"}}
    assert visits <= VISITS_PER_SELECTION * selections(document)


async def test_fragments_spreading_a_costly_field_are_refused_by_what_they_multiply_to(
    gateway: Gateway, merge_rule_work: MergeRuleWork
) -> None:
    document = fan_out(30, "regions { code }")

    body, visits = await answer(gateway, document)

    assert refused_for(body) in {"rootFields", "cost"}
    assert visits <= VISITS_PER_SELECTION * selections(document)
    assert merge_rule_work.comparisons == 0  # refused before validation began


async def test_a_field_repeated_thousands_of_times_is_refused_before_validation(
    gateway: Gateway, merge_rule_work: MergeRuleWork
) -> None:
    document = "{ " + "__typename " * 4900 + "}"

    body, visits = await answer(gateway, document)

    assert refused_for(body) == "overlaps"
    assert merge_rule_work.comparisons == 0
    assert visits <= VISITS_PER_SELECTION * selections(document)


@pytest.mark.parametrize(
    "document",
    [
        "{ " + "regions { code } " * 1200 + "}",
        "{ " + "... on Query { regions { code } } " * 500 + "}",
        "{ "
        + " ".join(f"...F{i}" for i in range(500))
        + " } "
        + " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(500)),
    ],
    ids=["same-field", "inline-fragments", "distinct-fragments"],
)
async def test_overlapping_selections_never_reach_the_pairwise_merge_rule(
    gateway: Gateway, merge_rule_work: MergeRuleWork, document: str
) -> None:
    body, _ = await answer(gateway, document)

    assert refused_for(body) in {"overlaps", "rootFields"}
    assert merge_rule_work.comparisons == 0


async def test_overlaps_within_every_limit_cost_the_merge_rule_no_more_than_its_budget(
    gateway: Gateway, merge_rule_work: MergeRuleWork
) -> None:
    # given: as many overlapping selections as each limit allows, level by level
    codes = " ".join(["code"] * 20)
    fragments = " ".join(f"fragment F{i} on Query {{ regions {{ {codes} }} }}" for i in range(20))
    document = "{ " + " ".join(f"...F{i}" for i in range(20)) + " } " + fragments

    body, _ = await answer(gateway, document)

    # then: answered either way (with data, or with validation given up), within the budget
    assert "errors" in body or body["data"]["regions"]
    assert merge_rule_work.comparisons <= VALIDATION_BUDGET


async def test_deep_nesting_is_refused_without_a_server_error(gateway: Gateway) -> None:
    too_deep_to_parse = "{" + " viewer {" * 300 + " id" + " }" * 301
    link = "viewer { user { associations { entity { providers(region: SCAL) { edges { node { entity { "
    # as deep as the parser allows (200 selection sets)
    deep = "{ " + link * 24 + "npi" + " }" * (24 * 8 + 1)

    unparsed, _ = await answer(gateway, too_deep_to_parse)
    body, visits = await answer(gateway, deep)

    assert unparsed["errors"]
    assert unparsed.get("data") is None
    assert refused_for(body) == "depth"
    assert visits <= VISITS_PER_SELECTION * selections(deep)


async def test_a_chain_of_fragments_as_long_as_the_token_limit_allows_is_walked_without_recursion(
    gateway: Gateway,
) -> None:
    # given: each fragment spreads the next, six hundred deep (a name of its own, so nothing is cached)
    name = f"C{uuid.uuid4().hex[:8]}_"
    chain = " ".join(f"fragment {name}{i} on Query {{ ...{name}{i + 1} }}" for i in range(600))
    document = f"query {{ ...{name}0 }} {chain} fragment {name}600 on Query {{ __typename }}"

    body, visits = await answer(gateway, document)

    # then: walked through (no RecursionError, no 500), and answered or refused by validation
    assert selections(document) <= visits <= VISITS_PER_SELECTION * selections(document)
    assert (
        body.get("data") == {"__typename": "Query"} or body["errors"][0]["message"] == "Validation aborted."
    )


async def test_many_aliases_of_typename_are_counted(gateway: Gateway) -> None:
    document = "{ " + " ".join(f"a{i}: __typename" for i in range(1500)) + " }"

    body, visits = await answer(gateway, document)

    assert refused_for(body) == "aliases"
    assert visits <= VISITS_PER_SELECTION * selections(document)
