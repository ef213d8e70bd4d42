"""The shortcuts of the request pipeline answer exactly as strawberry's own way does: extension hooks run
from a plan (gateway/schema/pipeline.py) pass exceptions from hook to hook as strawberry's exit stacks
do, and resolvers called without strawberry's wrapper (gateway/executor/resolvers.py) get arguments
converted once per document, yet never share them between requests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.relay import GlobalID
from strawberry.types import arguments as strawberry_arguments

from gateway.executor.extension import compiled_execution
from gateway.schema.schema import GatewaySchema

# ------------------------------------------------------------------ hooks


class RefusedError(Exception):
    """What a hook raises in these tests (as the limits and partner extensions raise theirs)."""


def recording_extensions(events: list[str], failure: str | None) -> list[type[SchemaExtension]]:
    """Extensions that note every step of theirs in `events`; `failure` names the one that misbehaves:
    `<hook>:<how>`, how being `in` (raises before its yield), `out` (raises after it), `twice` (yields
    again), `swallow` (catches what its yield raises)."""

    def hook(name: str, is_async: bool) -> Any:
        def before() -> None:
            events.append(f"{name} in")
            if failure == f"{name}:in":
                raise RefusedError(name)

        def after(error: BaseException | None) -> None:
            events.append(f"{name} out" + (f" after {type(error).__name__}" if error else ""))
            if failure == f"{name}:out":
                raise RefusedError(name)

        if is_async:

            async def async_hook(self: SchemaExtension) -> AsyncIterator[None]:
                before()
                try:
                    yield
                except Exception as error:
                    after(error)
                    if failure != f"{name}:swallow":
                        raise
                    return
                after(None)
                if failure == f"{name}:twice":
                    yield

            return async_hook

        def sync_hook(self: SchemaExtension) -> Iterator[None]:
            before()
            try:
                yield
            except Exception as error:
                after(error)
                if failure != f"{name}:swallow":
                    raise
                return
            after(None)
            if failure == f"{name}:twice":
                yield

        return sync_hook

    class First(SchemaExtension):
        on_operation = hook("first.operation", is_async=True)
        on_validate = hook("first.validate", is_async=False)
        on_execute = hook("first.execute", is_async=True)

    class Second(SchemaExtension):
        on_operation = hook("second.operation", is_async=False)
        on_parse = hook("second.parse", is_async=False)
        on_validate = hook("second.validate", is_async=False)
        on_execute = hook("second.execute", is_async=False)

    class Third(SchemaExtension):
        on_validate = hook("third.validate", is_async=True)
        on_execute = hook("third.execute", is_async=True)

    return [First, Second, Third]


@strawberry.type
class HookQuery:
    @strawberry.field
    def greeting(self) -> str:
        return "hello"


FAILURES = [
    None,
    *(
        f"{hook}:{how}"
        for hook in ("first.operation", "second.validate", "third.validate", "first.execute", "third.execute")
        for how in ("in", "out", "twice", "swallow")
    ),
]


async def answer(schema_class: type[strawberry.Schema], failure: str | None) -> tuple[list[str], Any]:
    events: list[str] = []
    schema = schema_class(query=HookQuery, extensions=recording_extensions(events, failure))
    try:
        result = await schema.execute("{ greeting }")
    except Exception as error:  # raised out of execute: part of what must match
        return events, ("raised", type(error).__name__, str(error))
    return events, (result.data, [error.message for error in result.errors or []])


@pytest.mark.parametrize("failure", FAILURES)
async def test_planned_hooks_run_as_strawberry_runs_them(failure: str | None) -> None:
    expected = await answer(strawberry.Schema, failure)
    planned = await answer(GatewaySchema, failure)

    assert planned == expected


def test_synchronous_execution_keeps_strawberry_s_way() -> None:
    def answer_sync(schema_class: type[strawberry.Schema]) -> tuple[list[str], Any]:
        events: list[str] = []
        extensions = [
            extension for extension in recording_extensions(events, None) if extension.__name__ == "Second"
        ]
        result = schema_class(query=HookQuery, extensions=extensions).execute_sync("{ greeting }")
        return events, (result.data, result.errors)

    assert answer_sync(GatewaySchema) == answer_sync(strawberry.Schema)
    assert answer_sync(GatewaySchema)[0]  # the hooks ran


# -------------------------------------------------------------- resolvers

converted_inputs: list[Any] = []


@strawberry.input
class Filter:
    name: str | None = None
    tags: list[str] | None = None
    pages: list[list[int]] | None = None


def tagged(root: Any, info: strawberry.Info, tag: str = "none") -> str:
    return f"{type(root).__name__}:{tag}:{type(info).__name__}"


@strawberry.type
class ResolverQuery:
    tagged: str = strawberry.field(resolver=tagged)

    @strawberry.field
    async def search(self, info: strawberry.Info, filter: Filter, first: int = 10) -> str:
        converted_inputs.append(filter)
        seen = f"{filter.name}|{filter.tags}|{filter.pages}|{first}|{type(info.context).__name__}"
        # A resolver may change what it was given: the next request must not see it.
        filter.name = "changed"
        if filter.tags is not None:
            filter.tags.append("added")
        if filter.pages:
            filter.pages[0].append(99)
        return seen

    @strawberry.field
    def node_type(self, id: GlobalID) -> str:
        return id.type_name


def resolver_schema(*, compiled: bool) -> strawberry.Schema:
    return GatewaySchema(query=ResolverQuery, extensions=[compiled_execution()] if compiled else [])


SEARCH = '{ search(filter: {name: "a", tags: ["x"], pages: [[1], [2]]}, first: 3) }'
EXPECTED_SEARCH = {"search": "a|['x']|[[1], [2]]|3|dict"}


async def test_constant_arguments_are_converted_once_and_never_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversions: list[object] = []
    convert = strawberry_arguments.convert_argument

    def counted(value: object, *args: Any, **kwargs: Any) -> object:
        conversions.append(value)
        return convert(value, *args, **kwargs)

    monkeypatch.setattr(strawberry_arguments, "convert_argument", counted)
    schema = resolver_schema(compiled=True)
    converted_inputs.clear()

    answers = [await schema.execute(SEARCH, context_value={}) for _ in range(3)]

    assert [(a.data, a.errors) for a in answers] == [(EXPECTED_SEARCH, None)] * 3
    first_request = len(conversions)
    assert first_request > 0
    await schema.execute(SEARCH, context_value={})
    assert len(conversions) == first_request  # converted on the first request only
    first, second = converted_inputs[0], converted_inputs[1]
    assert first is not second
    assert first.tags is not second.tags
    assert first.pages[0] is not second.pages[0]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (SEARCH, None),
        ("query ($f: Filter!) { search(filter: $f) }", {"f": {"name": "v", "tags": ["y"]}}),
        ('{ a: search(filter: {}) b: search(filter: {name: "b"}, first: 1) }', None),
        ('{ nodeType(id: "VXNlcjox") }', None),
        ('{ tagged a: tagged(tag: "x") }', None),
        ('{ nodeType(id: "not a global id") }', None),
        ("{ search(filter: {tags: 1}) }", None),
    ],
)
async def test_direct_calls_answer_as_strawberry_s_wrapper(
    document: str, variables: dict[str, Any] | None
) -> None:
    def outcome(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
        return result.data, [(error.message, error.path) for error in result.errors or []]

    compiled = resolver_schema(compiled=True)
    plain = resolver_schema(compiled=False)
    for _ in range(2):  # the first request converts, the second reuses
        expected = outcome(await plain.execute(document, variables, context_value={}))
        assert outcome(await compiled.execute(document, variables, context_value={})) == expected
