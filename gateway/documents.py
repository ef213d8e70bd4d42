"""What the gateway works out from a parsed document: the one walk of its selections that the limits,
guest counting, partner checks and the prefetch look-ahead share (linear in the document, however its
fragments spread each other), and what is kept per document so that a repeated document is not walked
again: its validation, its limits' measures, its guest look-ups."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Final, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

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


class Visits:
    """How many selections the walks below have visited in this process: a test (or the bench) reads it
    before and after a document to see that the walks stay linear in the document."""

    def __init__(self) -> None:
        self.count = 0


VISITS: Final = Visits()


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """A document's fragments by name."""
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def fields_of(
    selection_sets: Iterable[SelectionSetNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """The fields of some selection sets through inline fragments and fragment spreads, in document order,
    each fragment entered once: what is asked for, not how many times (see `SelectionWalk` for counts)."""
    found: list[FieldNode] = []
    entered: set[str] = set()
    # A stack of the selections still to see, not recursion: a chain of fragments, each spreading the
    # next, is as long as the token limit lets it be.
    pending = [iter(selection_set.selections) for selection_set in reversed(list(selection_sets))]
    while pending:
        selection = next(pending[-1], None)
        if selection is None:
            pending.pop()
            continue
        VISITS.count += 1
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            pending.append(iter(selection.selection_set.selections))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in entered:
                entered.add(name)
                pending.append(iter(fragment.selection_set.selections))
    return found


S = TypeVar("S")


class SelectionMeasure(ABC, Generic[S]):
    """What a walk adds up over the selections of an operation, as executed: a fragment spread twice
    counts twice. A measure is a sum (`zero`, `add`) of what each field and each selection's directives
    count; a field's own count may walk its selection set further (`SelectionWalk.measure`)."""

    @abstractmethod
    def zero(self) -> S: ...

    @abstractmethod
    def add(self, total: S, part: S) -> S: ...

    @abstractmethod
    def field(self, walk: SelectionWalk[S], field: FieldNode, parent: GraphQLNamedType | None) -> S:
        """What one field counts, under its parent type (None when there is no schema to ask)."""

    def directives(self, count: int) -> S:
        """What a selection's directives count (nothing, unless the measure counts them)."""
        return self.zero()


class SelectionWalk(Generic[S]):
    """The one walk of an operation's selections that every pre-execution check uses (the limits, guest
    counting, partner checks; the prefetch look-ahead uses `fields_of`). It is linear in the document:
    each fragment is measured once, under its own type condition, and its measure reused wherever it is
    spread, so `fragment F0 { ...F1 ...F1 } … fragment F20 { … }` costs twenty-one fragments, not 2**20.
    Unknown fragments and cycles measure nothing: validation refuses both before execution."""

    def __init__(
        self,
        measure: SelectionMeasure[S],
        fragments: Mapping[str, FragmentDefinitionNode],
        schema: GraphQLSchema | None = None,
    ) -> None:
        self._measure = measure
        self._fragments = fragments
        self._schema = schema
        self._measured: dict[str, S] = {}
        self._entered: set[str] = set()

    def measure(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> S:
        """The measure of a selection set whose fields belong to `parent`."""
        measure = self._measure
        total = measure.zero()
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            VISITS.count += 1
            if selection.directives:
                total = measure.add(total, measure.directives(len(selection.directives)))
            if isinstance(selection, FieldNode):
                total = measure.add(total, measure.field(self, selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                inner = self._type(selection.type_condition, parent)
                total = measure.add(total, self.measure(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                total = measure.add(total, self._fragment(selection.name.value))
        return total

    def _fragment(self, name: str) -> S:
        if name in self._measured:
            return self._measured[name]
        if name in self._entered or name not in self._fragments:
            return self._measure.zero()
        # The fragments it spreads are measured first, so that measuring one never recurses into
        # another: a chain of fragments is as long as the token limit lets it be.
        order = self._spread_first(name)
        self._entered.update(order)
        for each in order:
            fragment = self._fragments[each]
            condition = self._type(fragment.type_condition, None)
            self._measured[each] = self.measure(fragment.selection_set, condition)
        return self._measured[name]

    def _spread_first(self, name: str) -> list[str]:
        """`name` and the fragments it spreads, at any depth, not yet measured: each after those it spreads
        (a spread back into the chain is left out; validation refuses such cycles)."""
        order: list[str] = []
        on_path = {name}
        pending = [(name, iter(self._spreads(name)))]
        while pending:
            current, spreads = pending[-1]
            spread = next(spreads, None)
            if spread is None:
                pending.pop()
                order.append(current)
                continue
            if spread in on_path or spread in self._measured or spread in self._entered:
                continue
            if spread in self._fragments:
                on_path.add(spread)
                pending.append((spread, iter(self._spreads(spread))))
        return order

    def _spreads(self, name: str) -> list[str]:
        """The names of the fragments spread anywhere in a fragment."""
        names: list[str] = []
        pending = [self._fragments[name].selection_set]
        while pending:
            for selection in pending.pop().selections:
                VISITS.count += 1
                if isinstance(selection, FragmentSpreadNode):
                    names.append(selection.name.value)
                elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                    pending.append(selection.selection_set)
        return names

    def _type(
        self, condition: NamedTypeNode | None, parent: GraphQLNamedType | None
    ) -> GraphQLNamedType | None:
        """The type a fragment's fields belong to: its type condition, or the enclosing type."""
        if condition is None or self._schema is None:
            return parent
        return self._schema.get_type(condition.name.value) or parent


def selection_levels(document: DocumentNode) -> Iterator[list[FieldNode | FragmentSpreadNode]]:
    """Every level of a document, once: the fields and fragment spreads of an operation's, a fragment's
    or a field's selection set, with those of its inline fragments (which select at the same level);
    named fragments are levels of their own, not followed."""
    pending: list[SelectionSetNode] = [
        definition.selection_set
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        level: list[FieldNode | FragmentSpreadNode] = []
        inline = [pending.pop()]
        while inline:
            for selection in inline.pop().selections:
                VISITS.count += 1
                if isinstance(selection, InlineFragmentNode):
                    inline.append(selection.selection_set)
                elif isinstance(selection, FieldNode | FragmentSpreadNode):
                    level.append(selection)
                    if isinstance(selection, FieldNode) and selection.selection_set is not None:
                        pending.append(selection.selection_set)
        yield level
