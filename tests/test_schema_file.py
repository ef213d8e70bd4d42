"""The committed schema.graphql is exported from code, and keeps the client contract."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from gateway.schema.schema import schema

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "contract" / "schema.graphql"

# What later issues add to the contract: mutations, the subscription, guest look-ups and their types.
NOT_YET_BUILT: tuple[str, ...] = ()


def test_the_committed_schema_is_the_one_the_code_exports() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `python -m gateway export-schema`"
    )


def test_the_schema_breaks_nothing_of_the_contract_it_has_built() -> None:
    if not CONTRACT.exists():  # pragma: no cover - the contract sits beside the repo in every checkout
        raise AssertionError(f"client contract not found at {CONTRACT}")
    breaks = find_breaking_changes(build_schema(CONTRACT.read_text()), build_schema(schema.as_str()))
    unexpected = [
        change.description
        for change in breaks
        if not any(
            change.description.startswith(f"{name}")
            or f".{name}" in change.description
            or f" {name}" in change.description
            for name in NOT_YET_BUILT
        )
    ]
    assert unexpected == []
