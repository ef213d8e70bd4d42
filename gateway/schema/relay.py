"""Relay pieces: the Node interface, page info, opaque cursors and `first` limits."""

from __future__ import annotations

import asyncio
import base64
import binascii
import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import strawberry
from strawberry.types.nodes import SelectedField

from gateway.errors import BadUserInput, RegionUnavailable
from gateway.ids import urlsafe_b64
from gateway.loaders import RegionQuery
from regions.base.records import Page

if TYPE_CHECKING:
    from aiodataloader import DataLoader

    from gateway.context import GatewayContext

Q = TypeVar("Q")
R = TypeVar("R")

MAX_FIRST = 100


@strawberry.interface(description="An object with a global id that carries its type and region.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def page_size(first: int | None, default: int = 20) -> int:
    """`first` checked against the contract's limits (1 to 100)."""
    if first is None:
        return default
    if first < 0 or first > MAX_FIRST:
        raise BadUserInput(f"`first` must be between 0 and {MAX_FIRST}.", argument="first")
    return first


def encode_cursor(*values: Any) -> str:
    return urlsafe_b64(orjson.dumps(values))


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The values of a cursor this gateway issued; anything else is bad input."""
    if cursor is None:
        return None
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise BadUserInput("`after` is not a cursor from this list.", argument="after")
    return values


def selects(info: Any, name: str) -> bool:
    """Whether the current field's own selection asks for `name` (look-ahead, through fragments)."""
    pending = [selection for field in info.selected_fields for selection in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        else:  # a fragment spread or inline fragment: its fields belong to this selection too
            pending.extend(selection.selections)
    return False


async def region_pages(
    context: GatewayContext, loader: DataLoader[RegionQuery[Q], Page[R]], keys: list[RegionQuery[Q]]
) -> list[Page[R]]:
    """Each region's page, all at once; a failed region is noted and skipped, the others are served."""
    outcomes = await asyncio.gather(*(loader.load(key) for key in keys), return_exceptions=True)
    pages: list[Page[R]] = []
    for key, outcome in zip(keys, outcomes, strict=True):
        if isinstance(outcome, RegionUnavailable):
            context.region_failed(key.region)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            pages.append(outcome)
    return pages


def merge_pages(pages: list[Page[R]], limit: int, order: Callable[[R], Any]) -> tuple[list[R], bool]:
    """The first `limit` items of several pages sorted alike (newest first), and whether more follow."""
    merged = heapq.merge(*(page.items for page in pages), key=order, reverse=True)
    items = [item for _, item in zip(range(limit + 1), merged, strict=False)]
    return items[:limit], len(items) > limit or any(page.has_more for page in pages)
