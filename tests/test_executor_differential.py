"""The compiled executor answers exactly as graphql-core does: every query document of the suite
as every kind of demo person, objects they may not see and ids nobody issued, a region that is down, a
region whose look-ups fail inside a page, and queries generated from the schema. Two gateways run over the same seeded stores, one on each executor, and their
HTTP answers must be identical (data, errors, paths, status). The whole suite also runs on either executor
with GRAPHQL_EXECUTOR=compiled|graphql-core."""

from __future__ import annotations

import asyncio
import importlib
import itertools
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    parse,
    type_from_ast,
    validate,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from bench import run as bench
from bench.run import LARGE_PAGE
from gateway.executor.extension import CompiledPlans
from gateway.graphql_http import GraphQLEndpoint
from gateway.ids import encode_id
from gateway.loaders import shared_records
from gateway.schema.schema import schema as gateway_schema
from regions.base.adapter import RegionAdapter
from regions.base.errors import RegionUnavailableError
from regions.base.queries import ClaimSearch, MessageSearch, ProviderSearch
from regions.base.records import AttachmentRecord, ClaimRecord, MessageRecord, Page, ProviderRecord
from tests import test_claims
from tests.conftest import DEMO_PEOPLE, Gateway, redis_prefix, settings_for, start_gateway
from tests.services import StoreUrls

TESTS = Path(__file__).resolve().parent
SCHEMA = gateway_schema._schema
ANONYMOUS = None
# Each kind of person once (rep.ga sees as rep.scal does, in another region), and nobody signed in.
PEOPLE: tuple[str | None, ...] = (*(person for person in DEMO_PEOPLE if person != "rep.ga"), ANONYMOUS)
GENERATED_QUERIES = 30

NODE_FIELDS = """
fragment Everything on Node { id __typename
  ... on Claim { claimNumber status diagnosisCodes member { memberId dateOfBirth }
    entity { taxId name } billingProvider { npi region { code } } availableActions
    messages(first: 3) { totalCount edges { node { id subject attachments { filename } } } } }
  ... on Provider { npi name region { code } entity { taxId } }
  ... on Message { kind subject claim { claimNumber } onBehalfOf { npi } inReplyTo { id } attachments { sha256 } }
  ... on Attachment { filename sizeBytes }
  ... on User { userId profile { email } }
  ... on ProviderEntity { taxId name agreement { status } }
  ... on Association { status region { code } user { userId } entity { taxId } }
}"""
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { ...Everything } }" + NODE_FIELDS
NODE = "query ($id: ID!) { node(id: $id) { ...Everything } }" + NODE_FIELDS
IDS = """query { claims(search: {}, first: 3) { edges { node { id billingProvider { id } entity { id }
  messages(first: 2) { edges { node { id attachments { id } } } } } } }
  viewer { user { id associations { id } } } }"""
SHAPES = """query Shapes($withMember: Boolean!, $skipPayment: Boolean!, $first: Int) {
  first: claims(search: {}, first: $first) { ...Page }
  again: claims(search: {regions: [SCAL]}, first: 2) { edges { cursor node { __typename claimNumber } } }
  viewer { inBasket(first: 4) { edges { node { ... on Message { subject claim { ... on Claim { claimNumber } } } } } } }
}
fragment Page on ClaimConnection { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id ...Amounts member @include(if: $withMember) { firstName dateOfBirth }
    payment @skip(if: $skipPayment) { amount method } same: claimNumber claimNumber } } }
fragment Amounts on Claim { billedAmount paidAmount allowedAmount patientResponsibility }"""


@dataclass(frozen=True)
class Pair:
    """Two gateways over the same stores: graphql-core's and the compiled executor's."""

    core: Gateway
    compiled: Gateway

    async def compare(self, document: str, variables: dict[str, Any], person: str | None, label: str) -> None:
        core = await self.core.post(document, variables, as_user=person)
        compiled = await self.compiled.post(document, variables, as_user=person)
        assert (compiled.status_code, _normalised(compiled.json())) == (
            core.status_code,
            _normalised(core.json()),
        ), f"{label} as {person} with {variables}"

    async def compare_all(self, cases: list[tuple[str, dict[str, Any], str | None, str]]) -> None:
        """Many comparisons, a few at a time (each request has loaders of its own, so they cannot mix)."""
        gate = asyncio.Semaphore(3)

        async def one(case: tuple[str, dict[str, Any], str | None, str]) -> None:
            async with gate:
                await self.compare(*case)

        await asyncio.gather(*(one(case) for case in cases))


def _normalised(body: Any) -> Any:
    """An answer without what differs between any two requests (the request id of an internal error)."""
    for error in body.get("errors", []) if isinstance(body, dict) else []:
        error.get("extensions", {}).pop("requestId", None)
    return body


async def _pair(urls: StoreUrls, data_dir: Path, name: str) -> AsyncIterator[Pair]:
    # One data directory: both sign with the same key. Breakers never open, so that the two gateways, which
    # may call a failing region a different number of times, keep answering alike.
    common: dict[str, Any] = {
        "redis_prefix": redis_prefix(name),
        "breaker_failures": 1_000_000,
        "guest_lookups_per_address": 1_000_000,
        "guest_lookups_per_member": 1_000_000,
        "guest_min_response_ms": 0,
        "region_timeout_ms": 1500,
        # Few connections: the suite's PostgreSQL serves many gateways at once.
        "database_pool_size": 1,
    }
    async for core in start_gateway(settings_for(urls, data_dir, graphql_executor="graphql-core", **common)):
        async for compiled in start_gateway(
            settings_for(urls, data_dir, graphql_executor="compiled", **common)
        ):
            yield Pair(core, compiled)


@pytest.fixture(scope="module")
async def pair(seeded: StoreUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Pair]:
    async for running in _pair(seeded, tmp_path_factory.mktemp("differential"), "differential"):
        yield running


class LookupsDown(RegionAdapter):
    """A region whose pages answer but whose look-ups by id fail: errors deep inside a page, where a
    non-null field's failure nulls its parents up to the nearest nullable one."""

    async def providers_by_pks(self, pks: Sequence[int]) -> dict[int, ProviderRecord]:
        raise RegionUnavailableError(self.code, "refused")

    async def claims_by_pks(self, pks: Sequence[int]) -> dict[int, ClaimRecord]:
        raise RegionUnavailableError(self.code, "refused")

    async def messages_by_pks(self, pks: Sequence[int]) -> dict[int, MessageRecord]:
        raise RegionUnavailableError(self.code, "refused")

    async def attachments_by_message_pks(self, pks: Sequence[int]) -> dict[int, list[AttachmentRecord]]:
        raise RegionUnavailableError(self.code, "refused")


class Down(LookupsDown):
    """A region that answers nothing at all."""

    async def search_claims(self, search: ClaimSearch) -> Page[ClaimRecord]:
        raise RegionUnavailableError(self.code, "refused")

    async def search_messages(self, search: MessageSearch) -> Page[MessageRecord]:
        raise RegionUnavailableError(self.code, "refused")

    async def search_providers(self, search: ProviderSearch) -> Page[ProviderRecord]:
        raise RegionUnavailableError(self.code, "refused")


@asynccontextmanager
async def ncal_as(pair: Pair, faulty: type[RegionAdapter]) -> AsyncIterator[None]:
    """NCAL replaced, on both gateways, by an adapter with injected faults (and nothing of it kept from
    earlier requests), then restored. The pair's breakers never open, so both keep asking NCAL alike."""
    swapped = []
    for gateway in (pair.core, pair.compiled):
        regions = gateway.runtime.regions
        assert isinstance(regions, dict)
        healthy = regions["NCAL"]
        regions["NCAL"] = type(f"Faulty{faulty.__name__}", (faulty,), {"rules": healthy.rules})(healthy.store)
        shared_records(gateway.runtime.directory).clear()
        swapped.append((regions, healthy))
    try:
        yield
    finally:
        for regions, healthy in swapped:
            regions["NCAL"] = healthy


def _plans(gateway: Gateway) -> CompiledPlans:
    """The compiled executor's plans of a gateway, to check that it did not just leave it all to graphql-core."""
    for route in gateway.app.routes:
        endpoint = getattr(route, "endpoint", None)
        if isinstance(endpoint, GraphQLEndpoint):
            for extension in endpoint.schema.extensions:  # type: ignore[attr-defined]
                if isinstance(extension, CompiledPlans):
                    return extension
    raise AssertionError("the gateway runs without the compiled executor")


# ---------------------------------------------------------------------------------------------- corpus


# Queries whose answer is not a function of the data alone, so two executors asked one after the other
# differ whatever they do: the list of sessions marks the asking one `current` (each gateway of the pair
# signs in on its own), and each support case read-back is counted against the address's throttle.
ANSWERS_OF_THE_MOMENT = frozenset({"tests.test_sessions_list.SESSIONS", "tests.test_support_cases.READ_BACK"})


def _query_documents() -> Iterator[tuple[str, str]]:
    """Every valid query document held in a module constant of the suite or of the bench, by name."""
    modules = [f"tests.{path.stem}" for path in sorted(TESTS.glob("*.py"))] + ["bench.run"]
    seen: set[str] = set()
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if not isinstance(value, str) or "{" not in value or value in seen:
                continue
            try:
                document = parse(value)
            except GraphQLError:
                continue
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if not operations or any(op.operation is not OperationType.QUERY for op in operations):
                continue
            if len(operations) > 1 or validate(SCHEMA, document):
                continue
            if f"{module_name}.{name}" in ANSWERS_OF_THE_MOMENT:
                continue
            seen.add(value)
            yield f"{module_name}.{name}", value


CORPUS = sorted(_query_documents())

# Values a variable of a harvested document may take, by its type (and, for strings, by its name).
STRINGS = {
    "n": ["SCAL0000000001", "CO0000000001", "GA0000000001", "SCAL0000000099"],
    "claimNumber": ["SCAL0000000002", "NW0000000001"],
    "taxId": ["95-1000001", "84-2000002", "77-7000007", "12-3456789"],
    "t": ["84-2000002", "95-1000001"],
    "s": ["a", ""],
    "after": [None],
}


def _values(variable: str, type_: Any, ids: list[str]) -> list[Any]:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        return [[value for value in _values(variable, inner.of_type, ids) if value is not None][:3]]
    name = getattr(inner, "name", "")
    found: list[Any]
    if isinstance(inner, GraphQLEnumType):
        found = list(inner.values)[:2]
    elif isinstance(inner, GraphQLInputObjectType):
        found = [{}]
    elif name == "ID":
        found = ids[:2] or ["forged"]
    elif name == "Int":
        found = [3, 0]
    elif name == "Boolean":
        found = [True, False]
    elif name == "String":
        found = STRINGS.get(variable, ["x"])
    else:
        found = [None]
    return [*found, None] if nullable else found


def _assignments(document: str, ids: list[str]) -> list[dict[str, Any]]:
    """Two sets of variables for a document: the first value of each variable, then the next ones."""
    [operation] = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    options = {
        definition.variable.name.value: _values(
            definition.variable.name.value, type_from_ast(SCHEMA, definition.type), ids
        )
        for definition in operation.variable_definitions or ()
    }
    if not options:
        return [{}]
    return [{name: values[index % len(values)] for name, values in options.items()} for index in range(2)]


async def _ids(pair: Pair) -> list[str]:
    """Ids of objects some demo person may see, and ids nobody issued."""
    found: list[str] = []
    for person in ("dana.reyes", "omar.haddad", "tess.nguyen", "rep.scal"):
        body = await pair.core.query(IDS, as_user=person)
        found += _strings_under(body.get("data"), "id")
    forged = [
        encode_id("Claim", "SCAL", 999_999),
        encode_id("Claim", "XX", 1),
        encode_id("Claim", None, 1),
        encode_id("User", "SCAL", 1),
        encode_id("Nothing", None, 1),
        "not-an-id",
        "",
    ]
    return list(dict.fromkeys(found)) + forged


def _strings_under(value: Any, key: str) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == key and isinstance(v, str)] + [
            found for v in value.values() for found in _strings_under(v, key)
        ]
    if isinstance(value, list):
        return [found for item in value for found in _strings_under(item, key)]
    return []


# ----------------------------------------------------------------------------------------------- tests


def test_the_corpus_holds_the_documents_the_suite_asks_with() -> None:
    documents = {document for _name, document in CORPUS}
    # The hot shapes of the bench and the documents of the suite's own read tests are all in.
    assert {bench.LARGE_PAGE, bench.IN_BASKET, bench.PICKER, bench.SMALL, test_claims.PAGE} <= documents
    assert len(CORPUS) >= 20


async def test_every_query_of_the_suite_answers_alike_for_every_person(pair: Pair) -> None:
    ids = await _ids(pair)
    cases = []
    for (name, document), person in itertools.product(CORPUS, PEOPLE):
        assignments = _assignments(document, ids)
        # Every set of variables as the clinical user; the first as everyone else.
        for variables in assignments if person == "dana.reyes" else assignments[:1]:
            cases.append((document, variables, person, name))
    await pair.compare_all(cases)
    plans = _plans(pair.compiled).cache
    assert plans is not None
    # The compiled executor answered (not graphql-core on its behalf): every query here is one it takes on.
    assert plans.runs >= len(CORPUS)
    assert set(plans.not_compiled) <= {"introspection"}


async def test_ids_of_others_and_forged_ids_answer_alike(pair: Pair) -> None:
    ids = await _ids(pair)
    cases = [(NODES, {"ids": ids}, person, "nodes") for person in PEOPLE]
    cases += [
        (NODE, {"id": node_id}, person, "node")
        for person in ("dana.reyes", "tess.nguyen", "rep.scal", ANONYMOUS)
        for node_id in ids
    ]
    await pair.compare_all(cases)


async def test_fragments_aliases_directives_and_variables_answer_alike(pair: Pair) -> None:
    cases = [
        (SHAPES, {"withMember": member, "skipPayment": skip, "first": first}, person, "shapes")
        for member, skip, first in itertools.product((True, False), (True, False), (2, 0, 101, None))
        for person in ("dana.reyes", "tess.nguyen", ANONYMOUS)
    ]
    await pair.compare_all(cases)
    # Bad variables and unknown operations are refused before either executor runs, alike.
    await pair.compare(SHAPES, {"withMember": "yes", "skipPayment": False}, "dana.reyes", "bad variable")


def _hot_cases(ids: list[str]) -> list[tuple[str, dict[str, Any], str | None, str]]:
    """Dana's documents that read claims or messages, and the ids as nodes."""
    hot = [(name, document) for name, document in CORPUS if "claims" in document or "inBasket" in document]
    cases: list[tuple[str, dict[str, Any], str | None, str]] = [
        (document, variables, "dana.reyes", name)
        for name, document in hot
        for variables in _assignments(document, ids)
    ]
    return [*cases, (NODES, {"ids": ids}, "dana.reyes", "nodes")]


async def test_a_region_that_is_down_answers_alike(pair: Pair) -> None:
    ids = await _ids(pair)
    async with ncal_as(pair, Down):
        await pair.compare_all(_hot_cases(ids))
        body = await pair.compiled.query(LARGE_PAGE, as_user="dana.reyes")
    assert body["data"]["claims"]["edges"]
    assert [e["extensions"] for e in body["errors"]] == [{"code": "REGION_UNAVAILABLE", "region": "NCAL"}]


async def test_failures_deep_inside_a_page_null_the_same_parents(pair: Pair) -> None:
    ids = await _ids(pair)
    async with ncal_as(pair, LookupsDown):
        await pair.compare_all(_hot_cases(ids))
        body = await pair.compiled.query(LARGE_PAGE, as_user="dana.reyes")
    # The comparisons met errors with paths: a NCAL claim's billing provider failed inside the page, and
    # its non-null chain nulled everything up to the (non-null) root field, so `data` itself.
    assert body["data"] is None
    assert body["errors"][0]["path"][-1] == "billingProvider"


def _generated(count: int) -> list[str]:
    """Queries generated from the schema by hypothesis-graphql: a fixed set (derandomized) of `count`."""
    found: list[str] = []
    scalars = {
        "Date": st.dates().map(lambda d: _string_node(d.isoformat())),
        "DateTime": st.datetimes().map(lambda d: _string_node(d.isoformat() + "Z")),
        "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(
            lambda d: _string_node(str(d))
        ),
        "Upload": st.just(_null_node()),
    }

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(SCHEMA, custom_scalars=scalars))
    def collect(query: str) -> None:
        found.append(query)

    collect()
    return found


def _string_node(value: str) -> StringValueNode:
    return StringValueNode(value=value)


def _null_node() -> NullValueNode:
    return NullValueNode()


async def test_queries_generated_from_the_schema_answer_alike(pair: Pair) -> None:
    generated = _generated(GENERATED_QUERIES)
    assert len(generated) == GENERATED_QUERIES
    await pair.compare_all(
        [
            (document, {}, person, f"generated #{index}: {document}")
            for index, document in enumerate(generated)
            for person in ("dana.reyes", "tess.nguyen")
        ]
    )
