"""The committed schema.graphql is the one the code exports: clients and the web app build against it."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from gateway.schema.schema import schema

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_schema_is_the_one_the_code_exports() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    if committed != schema.as_str() + "\n":
        # Say what a client would notice first: a change that breaks the committed schema.
        breaks = find_breaking_changes(build_schema(committed), build_schema(schema.as_str()))
        raise AssertionError(
            "schema.graphql is stale: run `python -m gateway export-schema`"
            + "".join(f"\n  breaks: {change.description}" for change in breaks)
        )
