"""Where the gateway follows a library's internals (for speed: README "How a query runs"), it names the
upstream code and version it follows, and these tests fail when that code changes, so that an upgrade is
a moment to read the mirror again rather than a silent difference.

Two kinds of check: the source of each upstream function or class the gateway mirrors, by its SHA-256
as of the version named (any change, even one that keeps behaviour, asks for a look); and the behaviour
the gateway relies on (names of strawberry's resolver wrappers, graphql-core's reference cycle, strawberry's
`_raw_info`). tests/test_graphql_http_paths.py, tests/test_execution_pipeline.py and
tests/test_executor_differential.py compare the answers of both code paths besides."""

from __future__ import annotations

import gc
import hashlib
import importlib
import inspect
import weakref
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from graphql import GraphQLResolveInfo, parse
from graphql.execution import Executor

from gateway.executor import compiler, extension, resolvers
from gateway.graphql_http import GraphQLEndpoint
from gateway.schema import pipeline, prefetch

STRAWBERRY = "strawberry-graphql 0.341.2"
GRAPHQL_CORE = "graphql-core 3.3.2"


@dataclass(frozen=True)
class Mirror:
    ours: Any  # what follows the upstream code; its docstring names it and the version
    upstream: str  # the upstream function or class, by its dotted path
    version: str  # the distribution and version whose source `sha256` is of
    sha256: str


FROM_RESOLVER = "strawberry.schema.schema_converter.GraphQLCoreConverter.from_resolver"
MIRRORS = [
    Mirror(
        GraphQLEndpoint._run_json_post,
        "strawberry.http.async_base_view.AsyncBaseHTTPView.run",
        STRAWBERRY,
        "b278e647b7eee2e85196f5499025e0210bef4d161a6aa1ed7a26edb196a15209",
    ),
    Mirror(
        pipeline.PlannedRunner,
        "strawberry.extensions.runner.SchemaExtensionsRunner",
        STRAWBERRY,
        "32c30abf56616b97077effaaf5a80ef489aaef91dc589e8fbe188c4bfce0892b",
    ),
    Mirror(
        pipeline._Step,
        "strawberry.extensions.context.ExtensionContextManagerBase",
        STRAWBERRY,
        "b0fedb683f49fb13ffab127f99aef08ed3593b79a89e8eb336b1e293dc44a14b",
    ),
    Mirror(
        resolvers.Resolvers.direct_call,
        FROM_RESOLVER,
        STRAWBERRY,
        "bcac1354fecdee79efc4cb931554163d64df8f0061909eab4d3687eba0c19ffb",
    ),
    Mirror(
        resolvers.DirectCall,
        FROM_RESOLVER,
        STRAWBERRY,
        "bcac1354fecdee79efc4cb931554163d64df8f0061909eab4d3687eba0c19ffb",
    ),
    Mirror(
        compiler._attribute,
        FROM_RESOLVER,
        STRAWBERRY,
        "bcac1354fecdee79efc4cb931554163d64df8f0061909eab4d3687eba0c19ffb",
    ),
    Mirror(
        compiler._origin,
        "strawberry.schema.schema_converter.GraphQLCoreConverter._get_is_type_of",
        STRAWBERRY,
        "0126f98e3aef16762c6cfebd29eefc9bf47866048061d530e714158070f7d7eb",
    ),
    Mirror(
        prefetch.selected,
        "strawberry.types.info.Info",
        STRAWBERRY,
        "edf200d501fa3b3fa23558e9879f09ceb8f3b0f2ae2be804fc32060fa03bce0a",
    ),
    Mirror(
        extension._unlink,
        "graphql.execution.executor.Executor.__init__",
        GRAPHQL_CORE,
        "9b630bd4461cc4eab658e07af601e2d8c14e610ff06a3b3bf0fe3172243ca05d",
    ),
]


def _find(dotted: str) -> Any:
    """The object at a dotted path: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            found = getattr(found, name)
        return found
    raise LookupError(dotted)


@pytest.mark.parametrize("mirror", MIRRORS, ids=lambda mirror: f"{mirror.ours.__qualname__}")
def test_the_mirrored_upstream_code_is_the_version_named(mirror: Mirror) -> None:
    source = inspect.getsource(_find(mirror.upstream))
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == mirror.sha256, (
        f"{mirror.upstream} is not what it was in {mirror.version}: read {mirror.ours.__qualname__} against "
        "it again, then name the new version in its docstring and here, with the new hash"
    )


@pytest.mark.parametrize("mirror", MIRRORS, ids=lambda mirror: f"{mirror.ours.__qualname__}")
def test_each_mirror_names_what_it_follows(mirror: Mirror) -> None:
    docstring = " ".join((inspect.getdoc(mirror.ours) or "").split())
    assert f"{mirror.version}'s `{mirror.upstream}`" in docstring


# ------------------------------------------------------------ the behaviour relied on


@strawberry.type(name="MirrorItem")
class _Item:
    name: str


@strawberry.type
class _Query:
    @strawberry.field
    def item(self, info: strawberry.Info) -> _Item:
        _SEEN.append(info)
        return _Item(name="x")

    @strawberry.field
    async def later(self) -> str:
        return "x"


_SEEN: list[strawberry.Info] = []
_SCHEMA = strawberry.Schema(query=_Query)


def test_strawberry_wraps_resolvers_as_the_compiler_recognises_them() -> None:
    graphql_schema = _SCHEMA._schema
    query = graphql_schema.query_type
    item = graphql_schema.get_type("MirrorItem")
    assert query is not None
    assert item is not None
    # resolvers go through the wrappers `Resolvers.direct_call` recognises by name
    for name in ("item", "later"):
        resolve = query.fields[name].resolve
        assert resolve is not None
        assert resolve.__qualname__.endswith(resolvers._STRAWBERRY_RESOLVERS), resolve.__qualname__
    # a field without a resolver reads an attribute through strawberry's basic wrapper
    basic = item.fields["name"].resolve  # type: ignore[union-attr]
    assert basic is not None
    assert basic.__qualname__.endswith("._get_basic_result")
    definition = item.extensions[resolvers.STRAWBERRY_DEFINITION]  # type: ignore[union-attr]
    assert compiler._attribute(definition.fields[0], basic) == "name"
    # and an object type is told by strawberry's own isinstance check, or by none
    is_type_of = item.is_type_of  # type: ignore[union-attr]
    assert is_type_of is None or is_type_of.__qualname__.startswith("GraphQLCoreConverter.")
    assert compiler._origin(item) is _Item  # type: ignore[arg-type]


async def test_strawberrys_info_holds_graphql_cores_as_raw_info() -> None:
    _SEEN.clear()
    result = await _SCHEMA.execute("{ item { name } }")
    assert result.errors is None
    [info] = _SEEN
    raw = info._raw_info
    # graphql-core's info (or strawberry's copy of its fields), with what the look-ahead reads
    assert set(GraphQLResolveInfo._fields) <= set(raw._fields)
    assert [node.name.value for node in raw.field_nodes] == ["item"]
    assert raw.fragments == {}
    assert prefetch.selected(info) == frozenset({"name"})


def test_graphql_cores_executor_refers_to_itself_until_unlinked() -> None:
    # given an executor as graphql-core builds it
    executor = Executor.build(_SCHEMA._schema, parse("{ item { name } }"))
    assert isinstance(executor, Executor)
    # its resolve-info helpers are its own bound methods: a cycle, freed only by the cycle collector
    gc.disable()
    try:
        kept = weakref.ref(executor)
        del executor
        assert kept() is not None, "graphql-core no longer makes the cycle: `_unlink` can go"
        gc.collect()
        executor = Executor.build(_SCHEMA._schema, parse("{ item { name } }"))
        assert isinstance(executor, Executor)
        unlinked = weakref.ref(executor)
        # when unlinked as the compiled execution does
        extension._unlink(executor)
        del executor
        # then it is freed at once
        assert unlinked() is None
    finally:
        gc.enable()
