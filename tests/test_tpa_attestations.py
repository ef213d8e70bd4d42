"""TPA attestations the right way round: "TPA Attestation (Must be completed by the Provider Group)" (seed
000). The group's signatory attests with no sign-in, a representative processes it, and only then do the
third-party administrator's people reach the group's claims."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from gateway.directory.generation import directory_changed
from gateway.directory.tables import outbox, tpa_attestations
from gateway.ids import encode_id
from tests.account_steps import USER_ERRORS, active_person, audit_trail, problems, register, registration
from tests.conftest import Gateway
from tests.test_enrollment import agreement, process, submit

ATTEST = f"""mutation ($input: TpaAttestationInput!) {{ submitTpaAttestation(input: $input) {{
  attestation {{ id status signatoryName signatoryTitle submittedAt processedAt group {{ taxId name }} tpa {{ taxId name }} }}
  {USER_ERRORS} }} }}"""
PROCESS_ATTESTATION = f"""mutation ($id: ID!, $accept: Boolean!) {{ processTpaAttestation(input: {{attestationId: $id, accept: $accept}}) {{
  attestation {{ id status processedAt }} {USER_ERRORS} }} }}"""
QUEUE = """query { representativeQueue { enrollmentAgreements { taxId name agreement { status } }
  tpaAttestations { id status group { taxId } tpa { taxId } signatoryName } } }"""
CLAIM = """query ($n: String!) { claims(search: {claimNumber: $n}) { totalCount edges { node { claimNumber diagnosisCodes } } } }"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on TpaAttestation { status } } }"

HARBOR = "95-1000001"
PEACHTREE = "58-6000006"
SUMMIT = "77-7000007"
SUNRISE = "33-8000008"  # on file without an agreement
NEW_TPA = "47-4722222"


def attestation(group: str, tpa: str, **fields: str) -> dict[str, Any]:
    entry = {
        "groupTaxId": group,
        "tpaTaxId": tpa,
        "signatoryName": "Dr. Ana Ruiz",
        "signatoryTitle": "Medical Director",
        "signatoryEmail": "ana.ruiz@harbormed.example",
    }
    entry.update(fields)
    return entry


async def attest(gateway: Gateway, entry: dict[str, Any]) -> dict[str, Any]:
    body = await gateway.query(ATTEST, {"input": entry})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["submitTpaAttestation"]
    return payload


async def process_attestation(
    gateway: Gateway, person: str, attestation_id: str, *, accept: bool = True
) -> Any:
    return await gateway.query(PROCESS_ATTESTATION, {"id": attestation_id, "accept": accept}, as_user=person)


async def test_a_group_attests_for_its_tpa_and_access_follows_processing(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    # given a third-party administrator with a processed agreement of its own
    assert (await submit(gateway, agreement(NEW_TPA, kind="THIRD_PARTY_ADMINISTRATOR")))["userErrors"] == []
    assert (await process(gateway, "rep.scal", NEW_TPA))["userErrors"] == []

    # when Harbor's signatory attests for it, with no sign-in
    filed = await attest(gateway, attestation(HARBOR, NEW_TPA))

    assert filed["userErrors"] == []
    submitted = filed["attestation"]
    assert submitted["status"] == "SUBMITTED"
    assert (submitted["group"]["taxId"], submitted["tpa"]["taxId"]) == (HARBOR, NEW_TPA)
    assert (submitted["signatoryName"], submitted["signatoryTitle"]) == ("Dr. Ana Ruiz", "Medical Director")
    assert problems(await attest(gateway, attestation(HARBOR, NEW_TPA))) == [
        ("ALREADY_EXISTS", ["input", "tpaTaxId"])
    ]
    # then until it is processed, the TPA's people cannot even ask for the group
    early = await register(
        gateway,
        registration(
            "tpa.early", [(HARBOR, "SCAL")], kind="THIRD_PARTY_ADMINISTRATOR", employer_tax_id=NEW_TPA
        ),
    )
    assert problems(early) == [("NOT_ALLOWED", ["input", "associations", "0", "taxId"])]

    # the representatives' queue holds it; nobody else has a queue
    queue = (await gateway.query(QUEUE, as_user="rep.ga"))["data"]["representativeQueue"]
    assert (submitted["id"], HARBOR, NEW_TPA) in {
        (a["id"], a["group"]["taxId"], a["tpa"]["taxId"]) for a in queue["tpaAttestations"]
    }
    assert (await gateway.query(QUEUE, as_user="dana.reyes"))["data"]["representativeQueue"] is None
    assert (await gateway.query(QUEUE))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # only a representative processes it
    not_allowed = (await process_attestation(gateway, "dana.reyes", submitted["id"]))["data"][
        "processTpaAttestation"
    ]
    assert problems(not_allowed) == [("NOT_ALLOWED", ["input", "attestationId"])]
    forged = (await process_attestation(gateway, "rep.ga", encode_id("TpaAttestation", None, 999_999)))[
        "data"
    ]["processTpaAttestation"]
    assert problems(forged) == [("NOT_FOUND", ["input", "attestationId"])]
    done = (await process_attestation(gateway, "rep.ga", submitted["id"]))["data"]["processTpaAttestation"]
    assert done["userErrors"] == []
    assert done["attestation"]["status"] == "PROCESSED"
    again = (await process_attestation(gateway, "rep.scal", submitted["id"]))["data"]["processTpaAttestation"]
    assert problems(again) == [("INVALID", ["input", "attestationId"])]
    # the signatory is told, in an email without PHI
    async with gateway.runtime.directory.engine.connect() as connection:
        emails = (
            (await connection.execute(select(outbox).where(outbox.c.kind == "tpa_attestation_processed")))
            .mappings()
            .all()
        )
    assert [e["recipient"] for e in emails] == ["ana.ruiz@harbormed.example"]
    assert "has been processed" in emails[0]["body"]
    assert [e["outcome"] for e in await audit_trail(gateway, "process_tpa_attestation")] == [
        "refused",
        "refused",
        "ok",
        "refused",
    ]

    # and now the TPA's staff reach Harbor's claims, administratively (no clinical fields)
    await active_person(
        gateway,
        "tpa.harbor",
        [(HARBOR, "SCAL", "rep.scal")],
        kind="THIRD_PARTY_ADMINISTRATOR",
        employer_tax_id=NEW_TPA,
    )
    found = (await gateway.query(CLAIM, {"n": "SCAL0000000001"}, as_user="tpa.harbor"))["data"]["claims"]
    assert found["edges"] == [{"node": {"claimNumber": "SCAL0000000001", "diagnosisCodes": None}}]


async def test_an_attestation_is_checked_whole(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    assert (await submit(gateway, agreement("46-4633333")))["userErrors"] == []  # submitted, not processed

    refused = await attest(
        gateway, attestation("1234", "12", signatoryName=" ", signatoryEmail="not an email")
    )
    assert sorted(problems(refused)) == [
        ("INVALID", ["input", "groupTaxId"]),
        ("INVALID", ["input", "signatoryEmail"]),
        ("INVALID", ["input", "signatoryName"]),
        ("INVALID", ["input", "tpaTaxId"]),
    ]
    assert problems(await attest(gateway, attestation(HARBOR, HARBOR))) == [
        ("INVALID", ["input", "tpaTaxId"])
    ]
    # the group needs a processed agreement (the Online Provider Tools page); a TPA attests for nobody
    for group in ("46-4633333", SUNRISE, "46-4699999"):
        refused = await attest(gateway, attestation(group, SUMMIT))
        assert problems(refused) == [("AGREEMENT_NOT_ON_FILE", ["input", "groupTaxId"])], group
    assert problems(await attest(gateway, attestation(SUMMIT, "47-4722223"))) == [
        ("AGREEMENT_NOT_ON_FILE", ["input", "groupTaxId"]),
        ("AGREEMENT_NOT_ON_FILE", ["input", "tpaTaxId"]),
    ]
    # the one authorized must be on file as a third-party administrator
    assert problems(await attest(gateway, attestation(HARBOR, PEACHTREE))) == [
        ("AGREEMENT_NOT_ON_FILE", ["input", "tpaTaxId"])
    ]
    assert [e["outcome"] for e in await audit_trail(gateway, "submit_tpa_attestation")][-6:] == [
        "refused"
    ] * 6


async def test_a_tpa_reaches_a_group_only_while_its_attestation_is_processed(
    writable_gateway: Gateway,
) -> None:
    # given Summit's demo attestation by Peachtree, and tess.nguyen's ACTIVE association with Peachtree
    gateway = writable_gateway
    before = (await gateway.query(CLAIM, {"n": "GA0000000001"}, as_user="tess.nguyen"))["data"]["claims"]
    assert before["totalCount"] == 1

    # when the attestation is no longer in force (as if it had never been processed)
    async with gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(update(tpa_attestations).values(status="SUBMITTED", processed_at=None))
    await directory_changed(gateway.runtime.cache)
    try:
        # then the association alone grants nothing, on every path
        hidden = (await gateway.query(CLAIM, {"n": "GA0000000001"}, as_user="tess.nguyen"))["data"]["claims"]
        assert hidden["totalCount"] == 0
        viewer = await gateway.query("query { viewer { approvedRegions { code } } }", as_user="tess.nguyen")
        assert viewer["data"]["viewer"]["approvedRegions"] == []
    finally:
        async with gateway.runtime.directory.engine.begin() as connection:
            await connection.execute(update(tpa_attestations).values(status="PROCESSED"))
        await directory_changed(gateway.runtime.cache)


async def test_an_attestation_is_seen_by_representatives_and_the_two_organizations(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    async with gateway.runtime.directory.engine.connect() as connection:
        pk = (await connection.execute(select(tpa_attestations.c.id))).scalars().first()
    node_id = encode_id("TpaAttestation", None, pk)
    seen = {
        person: (await gateway.query(NODE, {"id": node_id}, as_user=person))["data"]["node"]
        for person in ("rep.scal", "tess.nguyen", "dana.reyes", "omar.haddad")
    }
    assert seen["rep.scal"] == {"id": node_id, "status": "PROCESSED"}
    assert seen["tess.nguyen"] == {"id": node_id, "status": "PROCESSED"}
    # dana has asked for Peachtree (PENDING): a related Tax ID; omar has nothing to do with either
    assert seen["omar.haddad"] is None
