"""The compiled executor works out response paths only where something needs one (a resolver, an error,
graphql-core's completion): a page's objects cost no path each when nothing goes wrong, and the paths it
does build are the ones graphql-core would (tests/test_executor_differential.py compares whole answers)."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import orjson
import pytest
from graphql.pyutils import Path

from gateway.ids import decode_id, encode_id
from gateway.schema.relay import decode_cursor, encode_cursor
from tests.conftest import Gateway

PAGE = """query ($first: Int!) { claims(search: {}, first: $first) { edges { cursor node { id claimNumber
  status billedAmount receivedOn region { code } entity { taxId } billingProvider { npi }
  member { memberId dateOfBirth planType } payment { amount paidOn } } } } }"""


async def test_a_page_builds_as_many_paths_whatever_its_size(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Path] = []
    new = Path.__new__

    def counted(cls: type[Path], *args: Any) -> Path:
        path = new(cls, *args)
        built.append(path)
        return path

    monkeypatch.setattr(Path, "__new__", staticmethod(counted))
    await gateway.query(PAGE, {"first": 100}, as_user="dana.reyes")  # warm: the kept records are read

    async def paths(first: int) -> int:
        built.clear()
        body = await gateway.query(PAGE, {"first": first}, as_user="dana.reyes")
        assert "errors" not in body
        assert len(body["data"]["claims"]["edges"]) == first
        return len(built)

    assert await paths(2) == await paths(100)


def test_ids_and_cursors_are_unpadded_url_safe_base64() -> None:
    for pk in (1, 62, 12345, 10**17):
        raw = f"Claim:SCAL:{pk}".encode()
        assert encode_id("Claim", "SCAL", pk) == base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        assert decode_id(encode_id("Claim", "SCAL", pk)) == ("Claim", "SCAL", pk)
    values = (date(2026, 1, 31).isoformat(), "SCAL0000000001?>")
    expected = base64.urlsafe_b64encode(orjson.dumps(list(values))).rstrip(b"=").decode()
    assert encode_cursor(*values) == expected
    assert decode_cursor(encode_cursor(*values), 2) == list(values)
