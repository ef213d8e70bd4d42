"""What the gateway works out from a parsed document, kept per document so that a repeated document is
not walked again: its validation, its limits' measures, its guest look-ups."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

from graphql import Node

V = TypeVar("V")

DOCUMENTS_KEPT: Final = 512


class PerDocument(Generic[V]):
    """Values derived from a document or one of its nodes (and whatever else `key` names), for the
    documents seen last.

    Keyed by the node's identity: the parser cache hands back one DocumentNode per text, and an identity
    costs nothing to hash, where a node's own hash walks its whole tree. Each entry holds its node, so an
    id cannot be reused while its entry lives."""

    def __init__(self, size: int = DOCUMENTS_KEPT) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, Hashable], tuple[Node, V]] = OrderedDict()

    def get(self, node: Node, key: Hashable, compute: Callable[[], V]) -> V:
        """The value kept for `node` and `key`, computed on first sight."""
        entry_key = (id(node), key)
        entry = self._entries.get(entry_key)
        if entry is not None and entry[0] is node:
            self._entries.move_to_end(entry_key)
            return entry[1]
        value = compute()
        self._entries[entry_key] = (node, value)
        self._entries.move_to_end(entry_key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()
