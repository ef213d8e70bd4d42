"""Enrollment agreements (the Online Provider Tools page, step 1): one per Tax ID, TPA attestations, processing by representatives."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.directory.tables import agreements, entities
from tests.account_steps import USER_ERRORS, audit_trail, problems, register, registration
from tests.conftest import Gateway

SUBMIT = f"""mutation ($input: EnrollmentAgreementInput!) {{ submitEnrollmentAgreement(input: $input) {{
  entity {{ id taxId name kind agreement {{ status signatoryName signatoryTitle submittedAt processedAt }} }}
  {USER_ERRORS} }} }}"""
PROCESS = f"""mutation ($taxId: String!, $accept: Boolean!) {{
  processEnrollmentAgreement(input: {{taxId: $taxId, accept: $accept}}) {{
  entity {{ taxId agreement {{ status processedAt }} }} {USER_ERRORS} }} }}"""
ENTITY = """query ($taxId: String!) { entity(taxId: $taxId) { taxId name kind agreement { status }
  attestedBy { taxId } } }"""

HARBOR = "95-1000001"
PEACHTREE = "58-6000006"
SUNRISE = "33-8000008"  # on file without an agreement


def agreement(tax_id: str, kind: str = "GROUP", **fields: Any) -> dict[str, Any]:
    entry = {
        "taxId": tax_id,
        "entityName": f"Organization {tax_id}",
        "kind": kind,
        "signatoryName": "Rosa Delgado",
        "signatoryTitle": "Managing Partner",
        "signatoryEmail": "rosa.delgado@example.org",
    }
    entry.update(fields)
    return entry


async def submit(gateway: Gateway, entry: dict[str, Any]) -> dict[str, Any]:
    body = await gateway.query(SUBMIT, {"input": entry})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["submitEnrollmentAgreement"]
    return payload


async def process(gateway: Gateway, person: str, tax_id: str, *, accept: bool = True) -> dict[str, Any]:
    body = await gateway.query(PROCESS, {"taxId": tax_id, "accept": accept}, as_user=person)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["processEnrollmentAgreement"]
    return payload


@pytest.mark.parametrize(
    "tax_id",
    [
        "12-345678",
        "12-34567890",
        "1234567890",
        "ab-cdefghi",
        "00-0000000",
        "000000000",
        "07-1234567",
        "96-5551234",
        "",
    ],
)
async def test_a_tax_id_is_nine_digits_with_an_issued_prefix(writable_gateway: Gateway, tax_id: str) -> None:
    payload = await submit(writable_gateway, agreement(tax_id))

    assert payload["entity"] is None
    assert problems(payload) == [("INVALID", ["input", "taxId"])]
    assert "nine digits" in payload["userErrors"][0]["message"]


async def test_an_agreement_is_filed_without_signing_in_and_checked_whole(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    refused = await submit(
        gateway,
        agreement("46-4611111", entityName="  ", signatoryEmail="rosa at example", signatoryTitle="x" * 201),
    )
    assert refused["entity"] is None
    assert sorted(problems(refused)) == [
        ("INVALID", ["input", "entityName"]),
        ("INVALID", ["input", "signatoryEmail"]),
        ("INVALID", ["input", "signatoryTitle"]),
    ]

    filed = await submit(gateway, agreement("464611111", entityName="  Canyon Pediatrics  "))

    assert filed["userErrors"] == []
    entity = filed["entity"]
    assert (entity["taxId"], entity["name"], entity["kind"]) == ("46-4611111", "Canyon Pediatrics", "GROUP")
    assert entity["agreement"]["status"] == "SUBMITTED"
    assert entity["agreement"]["processedAt"] is None
    events = [
        e for e in await audit_trail(gateway, "submit_agreement") if e["detail"].get("tax_id") == "46-4611111"
    ]
    assert [(e["outcome"], e["actor"]) for e in events] == [("refused", None), ("ok", None)]
    assert events[0]["detail"]["codes"] == ["INVALID"]


async def test_one_agreement_per_tax_id(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    assert problems(await submit(gateway, agreement(HARBOR))) == [("ALREADY_EXISTS", ["input", "taxId"])]
    # an entity on file without an agreement takes one, keeping its name; its kind must match
    assert problems(await submit(gateway, agreement(SUNRISE, kind="FACILITY"))) == [
        ("INVALID", ["input", "kind"])
    ]
    sunrise = await submit(gateway, agreement(SUNRISE, entityName="Sunrise UC LLC"))
    assert sunrise["userErrors"] == []
    assert sunrise["entity"]["name"] == "Sunrise Urgent Care"
    assert problems(await submit(gateway, agreement(SUNRISE))) == [("ALREADY_EXISTS", ["input", "taxId"])]

    # two organizations racing for one new Tax ID: one agreement, one ALREADY_EXISTS
    racing = await asyncio.gather(
        *(submit(gateway, agreement("46-4622222", entityName=n)) for n in ("A", "B"))
    )

    assert sorted(problems(p)[0][0] if p["userErrors"] else "OK" for p in racing) == ["ALREADY_EXISTS", "OK"]
    async with gateway.runtime.directory.engine.connect() as connection:
        count = (
            await connection.execute(
                select(func.count())
                .select_from(agreements.join(entities, entities.c.id == agreements.c.entity_id))
                .where(entities.c.tax_id == "46-4622222")
            )
        ).scalar_one()
    assert count == 1


async def test_attesting_tax_ids_on_an_agreement_grant_nothing(writable_gateway: Gateway) -> None:
    # given a TPA that names groups on its own agreement, as the first version of the API asked
    gateway = writable_gateway
    tpa = "47-4700007"
    filed = await submit(
        gateway, agreement(tpa, kind="THIRD_PARTY_ADMINISTRATOR", attestingTaxIds=[HARBOR, PEACHTREE])
    )
    assert filed["userErrors"] == []
    assert (await process(gateway, "rep.scal", tpa))["userErrors"] == []

    # then no group has attested for it: a provider group attests itself
    seen = (await gateway.query(ENTITY, {"taxId": tpa}, as_user="rep.scal"))["data"]["entity"]
    assert seen["attestedBy"] == []
    refused = await register(
        gateway,
        registration("tpa.two", [(HARBOR, "SCAL")], kind="THIRD_PARTY_ADMINISTRATOR", employer_tax_id=tpa),
    )
    assert problems(refused) == [("NOT_ALLOWED", ["input", "associations", "0", "taxId"])]


async def test_representatives_process_agreements(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    assert (await submit(gateway, agreement("46-4666666")))["userErrors"] == []
    assert (await submit(gateway, agreement("46-4677777")))["userErrors"] == []

    signed_out = await gateway.query(PROCESS, {"taxId": "46-4666666", "accept": True})
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert problems(await process(gateway, "dana.reyes", "46-4666666")) == [
        ("NOT_ALLOWED", ["input", "taxId"])
    ]
    assert problems(await process(gateway, "rep.ga", "4666")) == [("INVALID", ["input", "taxId"])]
    assert problems(await process(gateway, "rep.ga", "46-4699999")) == [("NOT_FOUND", ["input", "taxId"])]

    accepted = await process(gateway, "rep.ga", "464666666")
    rejected = await process(gateway, "rep.scal", "46-4677777", accept=False)

    assert accepted["entity"]["agreement"]["status"] == "PROCESSED"
    assert rejected["entity"]["agreement"]["status"] == "REJECTED"
    assert problems(await process(gateway, "rep.ga", "46-4666666")) == [("INVALID", ["input", "taxId"])]
    # people may ask to associate with the processed one only
    ok = await register(gateway, registration("new.staff", [("46-4666666", "GA")]))
    assert ok["userErrors"] == []
    no = await register(gateway, registration("new.staff2", [("46-4677777", "GA")]))
    assert problems(no) == [("AGREEMENT_NOT_ON_FILE", ["input", "associations", "0", "taxId"])]
    events = [
        e for e in await audit_trail(gateway, "process_agreement") if e["actor"] in {"rep.ga", "rep.scal"}
    ]
    assert {(e["actor"], e["outcome"], e["detail"].get("tax_id")) for e in events} >= {
        ("rep.ga", "ok", "46-4666666"),
        ("rep.scal", "ok", "46-4677777"),
        ("rep.ga", "refused", "46-4666666"),
    }
