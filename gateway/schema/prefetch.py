"""Batch at the parent: a list resolver looks ahead at what its items' selection asks for and loads it
for the whole page at once, through the loaders (so access rules apply as on every path), leaving each
value in a private attribute of the item. The item's field then reads that attribute: no awaitable per
item under graphql-core, and a plain attribute read under the compiled executor, which knows the
attribute from the field's metadata (`prefetched(...)`). An item built anywhere else holds MISSING
there, and its resolver loads the value itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from enum import Enum
from typing import Any, Final, Protocol, TypeVar, cast

from graphql import FieldNode

from gateway.context import Info
from gateway.documents import fields_of

T = TypeVar("T")
K = TypeVar("K")
K_contra = TypeVar("K_contra", contravariant=True)
V_co = TypeVar("V_co", covariant=True)

# Field metadata naming the private attribute where a list resolver leaves the field's value.
PREFETCHED: Final = "gateway.prefetched"


class Prefetch(Enum):
    """What an item's private attribute holds when nothing was prefetched for it."""

    MISSING = "missing"


MISSING: Final = Prefetch.MISSING


def prefetched(attribute: str) -> dict[str, object]:
    """Field metadata: the field's value may wait in `attribute` (MISSING when it does not)."""
    return {PREFETCHED: attribute}


def later(awaitable: Awaitable[T]) -> T:
    """A field value still to be loaded. Both executors await whatever a resolver returns, so a plain
    resolver may hand over a load instead of a value; the cast only tells the type checker what the
    load brings."""
    return cast(T, awaitable)


class Loads(Protocol[K_contra, V_co]):
    """What a page needs of a loader (gateway/loaders.py)."""

    def load(self, key: K_contra) -> Awaitable[V_co]: ...


async def load_for_page(loader: Loads[K, T], keys: Sequence[K | None]) -> list[T | Prefetch | None]:
    """One load per distinct key of a page's items, all at once (the loader makes them one batch per
    region), handed back item by item: what was loaded, None for an item without a key, MISSING where
    the load failed (the item's own field then loads again and reports the failure at its path)."""
    distinct = list(dict.fromkeys(key for key in keys if key is not None))
    outcomes = await asyncio.gather(*map(loader.load, distinct), return_exceptions=True)
    found: dict[K, T | Prefetch] = {}
    for key, outcome in zip(distinct, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception):
                raise outcome
            found[key] = MISSING
        else:
            found[key] = outcome
    return [None if key is None else found[key] for key in keys]


# The look-ahead of one document's field nodes, kept with the nodes so that a recycled id never matches.
_LOOKAHEAD: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[Sequence[FieldNode], frozenset[str]]] = {}
_LOOKAHEAD_SIZE = 4096


def selected(info: Info, *path: str) -> frozenset[str]:
    """Names of the fields selected at `path` below the current field, e.g. `selected(info, "edges",
    "node")`, through fragments; @skip and @include are not evaluated, so a field they leave out may be
    prefetched for nothing, never missed."""
    raw: Any = info._raw_info
    nodes: Sequence[FieldNode] = raw.field_nodes
    key = (tuple(map(id, nodes)), path)
    known = _LOOKAHEAD.get(key)
    if known is not None and all(a is b for a, b in zip(known[0], nodes, strict=True)):
        return known[1]
    fragments = raw.fragments
    level = [node.selection_set for node in nodes if node.selection_set is not None]
    for name in path:
        level = [
            field.selection_set
            for field in fields_of(level, fragments)
            if field.name.value == name and field.selection_set is not None
        ]
    names = frozenset(field.name.value for field in fields_of(level, fragments))
    if len(_LOOKAHEAD) >= _LOOKAHEAD_SIZE:
        _LOOKAHEAD.clear()
    _LOOKAHEAD[key] = (list(nodes), names)
    return names
