"""No dead code: vulture finds nothing unused in the gateway, the regions, the tests or the bench.

What vulture cannot see being used is told apart here by what it is, not by a list of names: a hook a
library calls (a method or attribute that a library base class of its class defines), a field of a
strawberry type (GraphQL reads it), a member of an enum (read by value). The few names left over are
listed with the reason each is used."""

from __future__ import annotations

import ast
import importlib
import inspect
from enum import Enum
from pathlib import Path
from types import ModuleType

from vulture import Vulture
from vulture.core import Item

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["gateway", "regions", "tests", "bench", "examples"]
# Alembic reads a migration's `revision`, `down_revision`, `upgrade` and `downgrade` by name.
EXCLUDE = ["*/migrations/versions/*"]
# Functions registered by a decorator, called by what they are registered with.
IGNORE_DECORATORS = [
    "@strawberry.field",
    "@strawberry.mutation",
    "@strawberry.subscription",
    "@compiles",  # SQLAlchemy's compiler extension
    "@pytest.fixture",
]
# Used where vulture cannot look, each with where.
USED_ELSEWHERE = {
    # Called from the plans' generated source (gateway/executor/compiler.py writes `st.field_path(...)`).
    "field_path",
    # graphql-core's Visitor dispatches `enter_<node kind>` by name.
    "enter_directive",
    # Set on request.state for the access log line, which reads it with `state.get("principal_id")`.
    "principal_id",
    # uvicorn.Server reads it to stop serving (set on an instance, so no base class shows it).
    "should_exit",
    # aiodataloader's DataLoader calls `self.batch_load_fn`, which its __init__ may also set.
    "batch_load_fn",
    # authlib passes it to a token generator by keyword (gateway/oauth.py `_TokenServer._token`).
    "include_refresh_token",
    # graphql-core's overlapping-fields rule reads its module's budget (set in gateway/limits.py).
    "MAX_COMPLEXITY_BUDGET",
    # aiosmtpd calls its handler's `handle_<SMTP verb>` by name (tests/mail_inbox.py).
    "handle_DATA",
}


def _module(path: Path) -> ModuleType:
    relative = path.resolve().relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return importlib.import_module(".".join(parts))


def _enclosing_class(item: Item) -> tuple[ast.ClassDef, ModuleType] | None:
    """The innermost class statement whose body holds the finding (classes made inside functions too)."""
    path = Path(item.filename)
    tree = ast.parse(path.read_text())
    found: ast.ClassDef | None = None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ClassDef)
            and node.lineno <= item.first_lineno <= (node.end_lineno or node.lineno)
            and (found is None or node.lineno > found.lineno)
        ):
            found = node
    return None if found is None else (found, _module(path))


def _resolve(expression: ast.expr, module: ModuleType) -> object:
    """A base class named in a class statement, looked up in its module (None when it is not a name)."""
    if isinstance(expression, ast.Subscript):  # Generic[...] and the like
        expression = expression.value
    if isinstance(expression, ast.Name):
        return vars(module).get(expression.id)
    if isinstance(expression, ast.Attribute):
        owner = _resolve(expression.value, module)
        return getattr(owner, expression.attr, None)
    return None


def _is_ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in {"gateway", "regions", "tests", "bench", "examples"}


def _classes(node: ast.ClassDef, module: ModuleType) -> list[type]:
    """Every class the statement's class is made of: itself when the module holds it, else its bases."""
    made = vars(module).get(node.name)
    if inspect.isclass(made):
        return list(made.__mro__)
    bases = [_resolve(base, module) for base in node.bases]
    return [cls for base in bases if inspect.isclass(base) for cls in base.__mro__]


def _used_by_a_library(item: Item) -> bool:
    enclosing = _enclosing_class(item)
    if enclosing is None:
        return False
    node, module = enclosing
    classes = _classes(node, module)
    if any(issubclass(cls, Enum) for cls in classes):
        return True  # members are read by value (from stores, from GraphQL enums)
    made = vars(module).get(node.name)
    definition = getattr(made, "__strawberry_definition__", None)
    if definition is not None and item.name in {field.python_name for field in definition.fields}:
        return True  # a GraphQL field: the executor reads it
    libraries = [cls for cls in classes if cls is not object and not _is_ours(cls)]

    def hook(name: str) -> bool:
        return any(name in vars(cls) or name in getattr(cls, "__annotations__", {}) for cls in libraries)

    if hook(item.name):
        return True  # a hook the library calls, or an attribute it reads
    # An argument of such a hook, which the library passes whether it is read or not.
    return item.typ == "variable" and any(
        isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
        and hook(statement.name)
        and statement.lineno <= item.first_lineno <= (statement.end_lineno or statement.lineno)
        for statement in node.body
    )


def test_vulture_finds_no_dead_code() -> None:
    vulture = Vulture(ignore_names=sorted(USED_ELSEWHERE), ignore_decorators=IGNORE_DECORATORS)
    vulture.scavenge([str(ROOT / path) for path in PATHS], exclude=EXCLUDE)
    dead = [
        item.get_report(add_size=False)
        for item in vulture.get_unused_code(min_confidence=60)
        if not _used_by_a_library(item)
    ]
    assert dead == [], "\n".join(dead)
