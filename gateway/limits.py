"""What one GraphQL request may ask for: depth, aliases, tokens, root fields, directives, overlapping
selections, batch size, and a cost estimate in which a connection's cost is multiplied by its `first`
(the IBM cost model that Apollo's demand control and Cosmo use). Every refusal is QUERY_TOO_COMPLEX and
names its limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    is_composite_type,
    is_list_type,
)
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import SchemaExtension

from gateway.documents import PerDocument, SelectionMeasure, SelectionWalk, fragments_of, selection_levels
from gateway.errors import QueryTooComplex


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Defaults let every documented client operation through (a 100-claim page with its nested objects
    costs about 700) and stop abuse; every one is configurable."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    max_root_fields: int = 20
    max_directives: int = 50
    max_cost: int = 25_000
    max_batch_operations: int = 10
    max_document_bytes: int = 64 * 1024
    # What a request body (not a multipart upload) may hold beyond its document: variables, names, a batch.
    max_variables_bytes: int = 1024 * 1024
    # How many selections one level of a document may hold that graphql-core's rule "fields can be
    # merged" compares pair by pair: the fields of one response name, or the fragments spread there.
    max_overlaps: int = 20
    # The size assumed for a list field that takes no `first` (e.g. a claim's diagnosis codes).
    assumed_list_size: int = 10


@dataclass(slots=True)
class Measures:
    depth: int = 0
    aliases: int = 0
    root_fields: int = 0
    directives: int = 0
    cost: int = 0
    overlaps: int = 0


# Counts stop here: past any limit, and small enough that a document of fragments spreading each other
# many times over cannot make the arithmetic itself expensive.
_CEILING = 10**12


@dataclass(frozen=True, slots=True)
class _Tally:
    """The measures of a selection set; `fields` counts those at its own level (at the root: root fields)."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    directives: int = 0
    cost: int = 0


_NOTHING = _Tally()


def _named(type_: GraphQLOutputType) -> tuple[GraphQLNamedType, bool]:
    """The named type under list and non-null wrappers, and whether a list wraps it."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or is_list_type(type_)
        type_ = type_.of_type
    return type_, is_list


def _field_type(parent: GraphQLNamedType | None, name: str) -> GraphQLOutputType | None:
    """The type of a field of `parent` (objects and interfaces; the introspection fields anywhere)."""
    if name == "__schema":
        return SchemaMetaFieldDef.type
    if name == "__type":
        return TypeMetaFieldDef.type
    if name == "__typename":
        return TypeNameMetaFieldDef.type
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        definition = parent.fields.get(name)
        return None if definition is None else definition.type
    return None


class _LimitMeasure(SelectionMeasure[_Tally]):
    """Depth, aliases, root fields, directives and cost, as one sum over the selections."""

    def __init__(self, variables: Mapping[str, Any], limits: QueryLimits) -> None:
        self.variables = variables
        self.limits = limits

    def zero(self) -> _Tally:
        return _NOTHING

    def add(self, total: _Tally, part: _Tally) -> _Tally:
        if part is _NOTHING:
            return total
        return _Tally(
            depth=max(total.depth, part.depth),
            aliases=min(total.aliases + part.aliases, _CEILING),
            fields=min(total.fields + part.fields, _CEILING),
            directives=min(total.directives + part.directives, _CEILING),
            cost=min(total.cost + part.cost, _CEILING),
        )

    def directives(self, count: int) -> _Tally:
        return _Tally(directives=count)

    def field(self, walk: SelectionWalk[_Tally], field: FieldNode, parent: GraphQLNamedType | None) -> _Tally:
        name = field.name.value
        type_ = _field_type(parent, name)
        named, is_list = (None, False) if type_ is None else _named(type_)
        inner = walk.measure(field.selection_set, named)
        introspection = name.startswith("__")
        cost = 0
        if not introspection and field.selection_set is not None and is_composite_type(named):
            cost = min(self._size(field, is_list) * (1 + inner.cost), _CEILING)
        return _Tally(
            depth=1 + inner.depth,
            aliases=min((field.alias is not None) + inner.aliases, _CEILING),
            # Introspection (allowed only where it is on) is no root field and costs nothing.
            fields=0 if introspection else 1,
            directives=inner.directives,
            cost=cost,
        )

    def _size(self, field: FieldNode, is_list: bool) -> int:
        """How many items a field is expected to return: its `first`, the ids it is given, or a guess."""
        arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
        for name in ("first", "ids"):
            value = arguments.get(name)
            if isinstance(value, VariableNode):
                resolved = self.variables.get(value.name.value)
                if name == "first" and isinstance(resolved, int):
                    return max(resolved, 0)
                if name == "ids" and isinstance(resolved, list):
                    return len(resolved)
            elif isinstance(value, IntValueNode):
                return max(int(value.value), 0)
            elif isinstance(value, ListValueNode):
                return len(value.values)
        if "first" in arguments or field.name.value == "edges":
            # `first` given as null, or the edges of a connection already sized by its `first`.
            return 20 if field.name.value != "edges" else 1
        return self.limits.assumed_list_size if is_list else 1


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: QueryLimits,
) -> Measures:
    """Depth, aliases, root fields, directives and cost of one operation with its variables (measured once
    per operation and values of the variables that size its lists; the result is shared, not to be
    changed)."""
    names = _SIZING_VARIABLES.get(operation, None, lambda: _sizing_variables(operation, fragments))
    sizes = tuple(_size_of(variables.get(name)) for name in names)
    return _MEASURED.get(
        operation, (schema, limits, sizes), lambda: _measure(schema, operation, fragments, variables, limits)
    )


# Operations are keyed by identity (gateway/documents.py); fragments come with their operation's document.
_SIZING_VARIABLES: PerDocument[tuple[str, ...]] = PerDocument()
_MEASURED: PerDocument[Measures] = PerDocument()


class _SizingVariables(SelectionMeasure[frozenset[str]]):
    """The variables given as a `first` or `ids` argument anywhere in an operation."""

    def zero(self) -> frozenset[str]:
        return frozenset()

    def add(self, total: frozenset[str], part: frozenset[str]) -> frozenset[str]:
        return total | part if part else total

    def field(
        self, walk: SelectionWalk[frozenset[str]], field: FieldNode, parent: GraphQLNamedType | None
    ) -> frozenset[str]:
        names = frozenset(
            argument.value.name.value
            for argument in field.arguments or ()
            if argument.name.value in {"first", "ids"} and isinstance(argument.value, VariableNode)
        )
        return self.add(names, walk.measure(field.selection_set, None))


def _sizing_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The variables a measure can read: those given as a `first` or `ids` argument anywhere."""
    return tuple(sorted(SelectionWalk(_SizingVariables(), fragments).measure(operation.selection_set, None)))


def _size_of(value: Any) -> tuple[str, int] | None:
    """All a measure reads of a sizing variable: an int's value, a list's length (`_LimitMeasure._size`)."""
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, list):
        return ("list", len(value))
    return None


def _measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: QueryLimits,
) -> Measures:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Measures()
    tally = SelectionWalk(_LimitMeasure(variables, limits), fragments, schema).measure(
        operation.selection_set, root
    )
    return Measures(
        depth=tally.depth,
        aliases=tally.aliases,
        root_fields=tally.fields,
        directives=tally.directives + len(operation.directives or ()),
        cost=tally.cost,
    )


def measure_document(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limits: QueryLimits
) -> Measures:
    """The measures of a whole document, taken before it is validated so that no limit waits on the
    validation's own work: for each limit the largest over its operations (one walk for them all, so a
    fragment is measured once however many operations spread it), and its overlaps. Measured once per
    document and values of the variables that size its lists."""
    names = _DOCUMENT_SIZING_VARIABLES.get(document, None, lambda: _document_sizing_variables(document))
    sizes = tuple(_size_of(variables.get(name)) for name in names)
    return _DOCUMENT_MEASURED.get(
        document, (schema, limits, sizes), lambda: _measure_document(schema, document, variables, limits)
    )


_DOCUMENT_SIZING_VARIABLES: PerDocument[tuple[str, ...]] = PerDocument()
_DOCUMENT_MEASURED: PerDocument[Measures] = PerDocument()


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        definition for definition in document.definitions if isinstance(definition, OperationDefinitionNode)
    ]


def _document_sizing_variables(document: DocumentNode) -> tuple[str, ...]:
    walk = SelectionWalk(_SizingVariables(), fragments_of(document))
    names: frozenset[str] = frozenset()
    for operation in _operations(document):
        names |= walk.measure(operation.selection_set, None)
    return tuple(sorted(names))


def _measure_document(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limits: QueryLimits
) -> Measures:
    walk = SelectionWalk(_LimitMeasure(variables, limits), fragments_of(document), schema)
    largest = Measures(overlaps=_overlaps(document))
    for operation in _operations(document):
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue  # an operation type the schema lacks: validation says so
        tally = walk.measure(operation.selection_set, root)
        largest.depth = max(largest.depth, tally.depth)
        largest.aliases = max(largest.aliases, tally.aliases)
        largest.root_fields = max(largest.root_fields, tally.fields)
        largest.directives = max(largest.directives, tally.directives + len(operation.directives or ()))
        largest.cost = max(largest.cost, tally.cost)
    return largest


def _overlaps(document: DocumentNode) -> int:
    """The most selections graphql-core's rule "fields can be merged" compares pair by pair at one level
    (`OverlappingFieldsCanBeMergedRule`): the fields of one response name, or the fragments spread."""
    most = 0
    for level in selection_levels(document):
        names: Counter[str] = Counter()
        spreads = 0
        for selection in level:
            if isinstance(selection, FieldNode):
                names[(selection.alias or selection.name).value] += 1
            else:
                spreads += 1
        most = max(most, spreads, *names.values())
    return most


def enforce(measures: Measures, limits: QueryLimits) -> None:
    checks = (
        ("depth", measures.depth, limits.max_depth),
        ("aliases", measures.aliases, limits.max_aliases),
        ("rootFields", measures.root_fields, limits.max_root_fields),
        ("directives", measures.directives, limits.max_directives),
        ("cost", measures.cost, limits.max_cost),
        ("overlaps", measures.overlaps, limits.max_overlaps),
    )
    for name, value, maximum in checks:
        if value > maximum:
            raise QueryTooComplex(
                f"The operation exceeds the {name} limit: {value} is more than {maximum}.",
                limit=name,
                value=value,
                maximum=maximum,
            )


def body_too_large(limits: QueryLimits) -> HTTPException:
    """The 413 of a request body (JSON, or a GET's none) larger than a document and its variables."""
    maximum = limits.max_document_bytes + limits.max_variables_bytes
    return HTTPException(
        413, f"The request body exceeds {maximum} bytes (a document and its variables, or a batch of them)."
    )


def too_many_operations(count: int, limits: QueryLimits) -> QueryTooComplex | None:
    if count > limits.max_batch_operations:
        return QueryTooComplex(
            f"The batch exceeds the operations limit: {count} is more than {limits.max_batch_operations}.",
            limit="operations",
            value=count,
            maximum=limits.max_batch_operations,
        )
    return None


def document_too_large(size: int, limits: QueryLimits) -> QueryTooComplex | None:
    if size > limits.max_document_bytes:
        return QueryTooComplex(
            f"The document exceeds the size limit: {size} bytes is more than {limits.max_document_bytes}.",
            limit="documentBytes",
            value=size,
            maximum=limits.max_document_bytes,
        )
    return None


# graphql-core 3.3 meters the work of its rule "fields can be merged" and aborts validation once this is
# spent (`MAX_COMPLEXITY_BUDGET`, a module attribute the rule reads as each validation starts). Its
# 500,000 took seconds of a core; the overlaps limit keeps documents far below, this bounds the rest.
VALIDATION_BUDGET = 50_000


def limits_extension(limits: QueryLimits) -> type[SchemaExtension]:
    """A schema extension enforcing `limits`: tokens while parsing, the rest before validation."""
    overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = VALIDATION_BUDGET

    class QueryLimitsExtension(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            self.execution_context.parse_options["max_tokens"] = limits.max_tokens
            yield

        def on_validate(self) -> Iterator[None]:
            # Before validation (this extension comes before the one that validates), so that a
            # document too large for a limit never costs graphql-core's rules their work.
            context = self.execution_context
            document = context.graphql_document
            if not context.pre_execution_errors and document is not None:
                enforce(
                    measure_document(context.schema._schema, document, context.variables or {}, limits),
                    limits,
                )
            yield

    return QueryLimitsExtension
