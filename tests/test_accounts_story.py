"""The life of an account through HTTP (the Online Provider Tools page and the Online Affiliate FAQ): agreement, processing, registration,
approval, sign-in, region switching, removal; and the association rules around it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from gateway.directory.tables import associations, users
from gateway.ids import encode_id
from tests.account_steps import (
    DECIDE,
    NEW_PASSWORD,
    PENDING,
    USER_ERRORS,
    VIEWER,
    active_person,
    audit_trail,
    decide,
    problems,
    register,
    registration,
)
from tests.conftest import Gateway

SUBMIT_AGREEMENT = f"""mutation ($input: EnrollmentAgreementInput!) {{ submitEnrollmentAgreement(input: $input) {{
  entity {{ taxId name kind agreement {{ status signatoryName processedAt }} }} {USER_ERRORS} }} }}"""
PROCESS_AGREEMENT = f"""mutation ($input: ProcessEnrollmentAgreementInput!) {{
  processEnrollmentAgreement(input: $input) {{ entity {{ taxId agreement {{ status processedAt }} }} {USER_ERRORS} }} }}"""
SWITCH = f"""mutation ($region: RegionCode!) {{ switchRegion(input: {{region: $region}}) {{
  viewer {{ activeRegion {{ code }} }} {USER_ERRORS} }} }}"""
REQUEST = f"""mutation ($taxId: String!, $region: RegionCode!) {{
  requestAssociation(input: {{taxId: $taxId, region: $region}}) {{
  association {{ id status access requestedAt decidedAt region {{ code }} entity {{ taxId }} }} {USER_ERRORS} }} }}"""
REMOVE = f"""mutation ($id: ID!) {{ removeAssociation(input: {{associationId: $id}}) {{
  association {{ id status region {{ code }} entity {{ taxId }} }} {USER_ERRORS} }} }}"""
CLAIM = """query ($n: String!) { claims(search: {claimNumber: $n}) { totalCount edges { node { id claimNumber } } } }"""
NODE = "query ($id: ID!) { node(id: $id) { id } }"

MESA_VERDE = "46-4600001"
HARBOR = "95-1000001"
PEACHTREE = "58-6000006"
SUNRISE = "33-8000008"  # an entity without an agreement on file


async def _sign_in_status(gateway: Gateway, user_id: str, password: str = NEW_PASSWORD) -> int:
    response = await gateway.client.post("/auth/sign-in", json={"userId": user_id, "password": password})
    return response.status_code


async def _claim(gateway: Gateway, number: str, person: str) -> dict[str, Any]:
    body = await gateway.query(CLAIM, {"n": number}, as_user=person)
    assert "errors" not in body, body
    claims: dict[str, Any] = body["data"]["claims"]
    return claims


async def test_the_whole_life_of_an_account(writable_gateway: Gateway) -> None:
    gateway = writable_gateway

    # an organization files its agreement, and a representative processes it
    agreement = {
        "taxId": "464600001",
        "entityName": "Mesa Verde Clinic",
        "kind": "GROUP",
        "signatoryName": "Rosa Delgado",
        "signatoryTitle": "Managing Partner",
        "signatoryEmail": "rosa.delgado@mesaverde.example",
    }
    submitted = (await gateway.query(SUBMIT_AGREEMENT, {"input": agreement}))["data"][
        "submitEnrollmentAgreement"
    ]
    assert submitted["userErrors"] == []
    assert submitted["entity"]["taxId"] == MESA_VERDE
    assert submitted["entity"]["agreement"]["status"] == "SUBMITTED"
    early = await register(gateway, registration("lena.ortiz", [(MESA_VERDE, "SCAL")]))
    assert problems(early) == [("AGREEMENT_NOT_ON_FILE", ["input", "associations", "0", "taxId"])]
    processed = await gateway.query(
        PROCESS_AGREEMENT, {"input": {"taxId": MESA_VERDE, "accept": True}}, as_user="rep.ga"
    )
    entity = processed["data"]["processEnrollmentAgreement"]["entity"]
    assert entity["agreement"]["status"] == "PROCESSED"
    assert entity["agreement"]["processedAt"] is not None

    # a person registers and asks for three associations; she may sign in to finish her set-up only
    payload = await register(
        gateway, registration("Lena.Ortiz", [(MESA_VERDE, "SCAL"), (HARBOR, "SCAL"), (PEACHTREE, "GA")])
    )
    assert payload["userErrors"] == []
    user = payload["user"]
    assert (user["userId"], user["kind"], user["status"]) == ("lena.ortiz", "PROVIDER_STAFF", "REGISTERING")
    assert [
        (a["entity"]["taxId"], a["region"]["code"], a["status"], a["access"]) for a in user["associations"]
    ] == [
        (MESA_VERDE, "SCAL", "PENDING", "CLINICAL"),
        (HARBOR, "SCAL", "PENDING", "CLINICAL"),
        (PEACHTREE, "GA", "PENDING", "CLINICAL"),
    ]
    assert await _sign_in_status(gateway, "lena.ortiz") == 200

    # each representative sees the requests of their own region only, and decides them
    scal_queue = (await gateway.query(PENDING, as_user="rep.scal"))["data"]["pendingAssociations"]["edges"]
    lena_in_scal = [e["node"] for e in scal_queue if e["node"]["user"]["userId"] == "lena.ortiz"]
    assert {n["entity"]["taxId"] for n in lena_in_scal} == {MESA_VERDE, HARBOR}
    assert all(n["region"]["code"] == "SCAL" and n["user"]["status"] == "REGISTERING" for n in lena_in_scal)
    mesa, harbor, peachtree = (a["id"] for a in user["associations"])
    outside = await decide(gateway, "rep.scal", peachtree, approve=True)
    assert problems(outside) == [("NOT_FOUND", ["input", "associationId"])]
    first = await decide(gateway, "rep.scal", harbor, approve=True)
    assert first["userErrors"] == []
    assert first["association"]["status"] == "ACTIVE"
    assert first["association"]["decidedAt"] is not None
    assert first["association"]["user"] == {"userId": "lena.ortiz", "status": "ACTIVE"}
    denied = await decide(gateway, "rep.scal", mesa, approve=False, reason="The group has not named you yet.")
    assert denied["association"]["status"] == "DENIED"
    assert denied["association"]["decisionReason"] == "The group has not named you yet."
    assert (await decide(gateway, "rep.ga", peachtree, approve=True))["association"]["status"] == "ACTIVE"

    # she signs in: two approved regions, no active one until she switches
    gateway.tokens["lena.ortiz"] = await gateway.sign_in("LENA.ORTIZ ", NEW_PASSWORD)
    viewer = (await gateway.query(VIEWER, as_user="lena.ortiz"))["data"]["viewer"]
    assert viewer["user"]["status"] == "ACTIVE"
    assert {r["code"] for r in viewer["approvedRegions"]} == {"SCAL", "GA"}
    assert viewer["activeRegion"] is None
    switched = (await gateway.query(SWITCH, {"region": "GA"}, as_user="lena.ortiz"))["data"]["switchRegion"]
    assert switched == {"viewer": {"activeRegion": {"code": "GA"}}, "userErrors": []}
    refused = (await gateway.query(SWITCH, {"region": "NCAL"}, as_user="lena.ortiz"))["data"]["switchRegion"]
    assert refused["viewer"] is None
    assert refused["userErrors"] == [
        {
            "code": "REGION_NOT_APPROVED",
            "field": ["input", "region"],
            "message": "We are unable to switch you to this area of care",
        }
    ]
    viewer = (await gateway.query(VIEWER, as_user="lena.ortiz"))["data"]["viewer"]
    assert viewer["activeRegion"] == {"code": "GA"}

    # she sees Harbor's SCAL claims; once she removes that association they are gone from every path
    found = await _claim(gateway, "SCAL0000000001", "lena.ortiz")
    assert found["totalCount"] == 1
    claim_id = found["edges"][0]["node"]["id"]
    assert (await gateway.query(NODE, {"id": claim_id}, as_user="lena.ortiz"))["data"]["node"] == {
        "id": claim_id
    }
    removed = (await gateway.query(REMOVE, {"id": harbor}, as_user="lena.ortiz"))["data"]["removeAssociation"]
    assert removed["userErrors"] == []
    assert removed["association"]["status"] == "REMOVED"
    assert (await _claim(gateway, "SCAL0000000001", "lena.ortiz"))["totalCount"] == 0
    assert (await gateway.query(NODE, {"id": claim_id}, as_user="lena.ortiz"))["data"]["node"] is None
    assert (await _claim(gateway, "GA0000000001", "lena.ortiz"))["totalCount"] == 1
    viewer = (await gateway.query(VIEWER, as_user="lena.ortiz"))["data"]["viewer"]
    assert {r["code"] for r in viewer["approvedRegions"]} == {"GA"}
    assert ("SCAL", HARBOR, "REMOVED") in {
        (a["region"]["code"], a["entity"]["taxId"], a["status"]) for a in viewer["user"]["associations"]
    }

    # every step left an audit event, and none of them holds the password
    for action in (
        "submit_agreement",
        "process_agreement",
        "register_user",
        "decide_association",
        "sign_in",
        "switch_region",
        "remove_association",
    ):
        assert await audit_trail(gateway, action), action
    [registered] = [e for e in await audit_trail(gateway, "register_user") if e["outcome"] == "ok"]
    assert registered["actor"] == "lena.ortiz"
    refusals = [e for e in await audit_trail(gateway, "switch_region") if e["outcome"] == "refused"]
    assert refusals[-1]["detail"]["codes"] == ["REGION_NOT_APPROVED"]
    everything = [
        str(e)
        for action in ("register_user", "sign_in", "decide_association")
        for e in await audit_trail(gateway, action)
    ]
    assert not any(NEW_PASSWORD in event for event in everything)


async def test_two_simultaneous_registrations_of_one_user_id_make_one_account(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    entries = [
        registration("twin.user", [(HARBOR, "SCAL")], firstName="First"),
        registration("TWIN.USER", [(HARBOR, "NCAL"), (PEACHTREE, "GA")], firstName="Second"),
    ]

    payloads = await asyncio.gather(*(register(gateway, entry) for entry in entries))

    codes = sorted(problems(p)[0][0] if p["userErrors"] else "OK" for p in payloads)
    assert codes == ["ALREADY_EXISTS", "OK"]
    [loser] = [p for p in payloads if p["userErrors"]]
    assert loser["user"] is None
    assert problems(loser) == [("ALREADY_EXISTS", ["input", "userId"])]
    [winner] = [p for p in payloads if not p["userErrors"]]
    async with gateway.runtime.directory.engine.connect() as connection:
        [(pk, first_name)] = (
            await connection.execute(
                select(users.c.id, users.c.first_name).where(users.c.user_id == "twin.user")
            )
        ).all()
        count = (
            await connection.execute(
                select(func.count()).select_from(associations).where(associations.c.user_id == pk)
            )
        ).scalar_one()
    # the account and its requests are all the winner's: nothing of the loser was half-written
    assert first_name == winner["user"]["profile"]["firstName"]
    assert count == len(winner["user"]["associations"])


async def test_registration_is_checked_whole_and_writes_nothing_when_refused(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    entry = registration(
        "no such user!",
        [("12345", "SCAL"), (SUNRISE, "SCAL"), (HARBOR, "SCAL"), (HARBOR, "SCAL")],
        kind="REGIONAL_REPRESENTATIVE",
        password="no such user! is short",
        email="not-an-email",
        phone="call me",
        lastName=" ",
    )

    payload = await register(gateway, entry)

    assert payload["user"] is None
    assert sorted(problems(payload)) == sorted(
        [
            ("INVALID", ["input", "userId"]),
            ("PASSWORD_GUIDELINES", ["input", "password"]),
            ("NOT_ALLOWED", ["input", "kind"]),
            ("INVALID", ["input", "profile", "lastName"]),
            ("INVALID", ["input", "profile", "email"]),
            ("INVALID", ["input", "profile", "phone"]),
            ("INVALID", ["input", "associations", "0", "taxId"]),
            ("AGREEMENT_NOT_ON_FILE", ["input", "associations", "1", "taxId"]),
            ("ALREADY_EXISTS", ["input", "associations", "3"]),
        ]
    )
    assert all(error["message"] for error in payload["userErrors"])
    nothing = await register(gateway, registration("first.request", []))
    assert problems(nothing) == [("INVALID", ["input", "associations"])]
    taken = await register(gateway, registration("Dana.Reyes", [(HARBOR, "SCAL")]))
    assert problems(taken) == [("ALREADY_EXISTS", ["input", "userId"])]
    # a refused registration leaves the user id free and the directory as it was
    async with gateway.runtime.directory.engine.connect() as connection:
        found = (
            await connection.execute(
                select(func.count()).select_from(users).where(users.c.user_id == "first.request")
            )
        ).scalar_one()
    assert found == 0
    assert (await register(gateway, registration("first.request", [(HARBOR, "SCAL")])))["userErrors"] == []


async def test_third_party_administrators_get_administrative_access_to_attested_groups_only(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    no_employer = await register(
        gateway, registration("tpa.one", [(PEACHTREE, "GA")], kind="THIRD_PARTY_ADMINISTRATOR")
    )
    assert problems(no_employer) == [
        ("INVALID", ["input", "employerTaxId"]),
        ("NOT_ALLOWED", ["input", "associations", "0", "taxId"]),
    ]
    not_a_tpa = await register(
        gateway,
        registration(
            "tpa.one", [(PEACHTREE, "GA")], kind="THIRD_PARTY_ADMINISTRATOR", employer_tax_id=HARBOR
        ),
    )
    assert ("INVALID", ["input", "employerTaxId"]) in problems(not_a_tpa)
    not_attested = await register(
        gateway,
        registration(
            "tpa.one", [(HARBOR, "SCAL")], kind="THIRD_PARTY_ADMINISTRATOR", employer_tax_id="77-7000007"
        ),
    )
    assert problems(not_attested) == [("NOT_ALLOWED", ["input", "associations", "0", "taxId"])]

    user = await active_person(
        gateway,
        "tpa.one",
        [(PEACHTREE, "GA", "rep.ga")],
        kind="THIRD_PARTY_ADMINISTRATOR",
        employer_tax_id="777000007",
    )

    assert [a["access"] for a in user["associations"]] == ["ADMINISTRATIVE"]
    body = await gateway.query(
        'query { claims(search: {claimNumber: "GA0000000001"}) { edges { node { diagnosisCodes member { dateOfBirth } } } } }',
        as_user="tpa.one",
    )
    assert body["data"]["claims"]["edges"] == [
        {"node": {"diagnosisCodes": None, "member": {"dateOfBirth": None}}}
    ]
    asked = (await gateway.query(REQUEST, {"taxId": HARBOR, "region": "SCAL"}, as_user="tpa.one"))["data"]
    assert problems(asked["requestAssociation"]) == [("NOT_ALLOWED", ["input", "taxId"])]


async def test_requesting_an_association_follows_the_agreement_and_refuses_duplicates(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway

    async def ask(person: str | None, tax_id: str, region: str) -> dict[str, Any]:
        body = await gateway.query(REQUEST, {"taxId": tax_id, "region": region}, as_user=person)
        if person is None:
            return body
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["requestAssociation"]
        return payload

    signed_out = await ask(None, HARBOR, "SCAL")
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert problems(await ask("omar.haddad", "95-100000", "SCAL")) == [("INVALID", ["input", "taxId"])]
    assert problems(await ask("omar.haddad", "00-0000000", "SCAL")) == [("INVALID", ["input", "taxId"])]
    assert problems(await ask("omar.haddad", SUNRISE, "SCAL")) == [
        ("AGREEMENT_NOT_ON_FILE", ["input", "taxId"])
    ]
    assert problems(await ask("dana.reyes", HARBOR, "SCAL")) == [("ALREADY_EXISTS", ["input", "taxId"])]
    assert problems(await ask("dana.reyes", PEACHTREE, "GA")) == [("ALREADY_EXISTS", ["input", "taxId"])]
    assert problems(await ask("rep.scal", HARBOR, "SCAL")) == [("NOT_ALLOWED", ["input", "taxId"])]
    asked = await ask("omar.haddad", "951000001", "NCAL")
    assert asked["userErrors"] == []
    association = asked["association"]
    assert (association["status"], association["access"], association["entity"]["taxId"]) == (
        "PENDING",
        "CLINICAL",
        HARBOR,
    )
    # pending is not yet access
    assert (await _claim(gateway, "NCAL0000000001", "omar.haddad"))["totalCount"] == 0
    # a denied request may be asked again; it is pending once more, its old decision gone
    denied = await decide(gateway, "rep.scal", association["id"], approve=False, reason="x")
    assert problems(denied) == [("NOT_FOUND", ["input", "associationId"])]  # NCAL is not rep.scal's region
    withdrawn = (await gateway.query(REMOVE, {"id": association["id"]}, as_user="omar.haddad"))["data"]
    assert withdrawn["removeAssociation"]["association"]["status"] == "REMOVED"
    again = await ask("omar.haddad", HARBOR, "NCAL")
    assert again["userErrors"] == []
    assert (again["association"]["id"], again["association"]["status"]) == (association["id"], "PENDING")


async def test_decisions_belong_to_the_representatives_of_the_region(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    pending = (await gateway.query(VIEWER, as_user="dana.reyes"))["data"]["viewer"]["user"]["associations"]
    [dana_ga] = [a["id"] for a in pending if a["status"] == "PENDING"]
    forged = "QXNzb2NpYXRpb246Ojk5OTk5"  # Association::99999

    assert problems(await decide(gateway, "dana.reyes", dana_ga, approve=True)) == [
        ("NOT_ALLOWED", ["input", "associationId"])
    ]
    assert problems(await decide(gateway, "rep.scal", dana_ga, approve=True)) == [
        ("NOT_FOUND", ["input", "associationId"])
    ]
    assert problems(await decide(gateway, "rep.ga", forged, approve=True)) == [
        ("NOT_FOUND", ["input", "associationId"])
    ]
    assert problems(await decide(gateway, "rep.ga", "not an id", approve=True)) == [
        ("NOT_FOUND", ["input", "associationId"])
    ]
    assert problems(await decide(gateway, "rep.ga", dana_ga, approve=False)) == [
        ("INVALID", ["input", "reason"])
    ]
    assert problems(await decide(gateway, "rep.ga", dana_ga, approve=False, reason="  ")) == [
        ("INVALID", ["input", "reason"])
    ]
    denied = await decide(gateway, "rep.ga", dana_ga, approve=False, reason="Peachtree has not named you.")
    assert denied["association"]["status"] == "DENIED"
    assert problems(await decide(gateway, "rep.ga", dana_ga, approve=True)) == [
        ("INVALID", ["input", "associationId"])
    ]
    signed_out = await gateway.query(DECIDE, {"input": {"associationId": dana_ga, "approve": True}})
    assert signed_out["data"] is None
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # nobody approves their own request, even a representative of its region
    async with gateway.runtime.directory.engine.begin() as connection:
        rep_pk = (
            await connection.execute(select(users.c.id).where(users.c.user_id == "rep.scal"))
        ).scalar_one()
        entity_pk = (
            (
                await connection.execute(
                    select(associations.c.entity_id).where(associations.c.region == "SCAL")
                )
            )
            .scalars()
            .first()
        )
        own = (
            await connection.execute(
                insert(associations)
                .values(
                    user_id=rep_pk,
                    entity_id=entity_pk,
                    region="SCAL",
                    access="CLINICAL",
                    status="PENDING",
                    requested_at=datetime.now(UTC),
                )
                .returning(associations.c.id)
            )
        ).scalar_one()
    assert problems(await decide(gateway, "rep.scal", encode_id("Association", None, own), approve=True)) == [
        ("NOT_ALLOWED", ["input", "associationId"])
    ]


async def test_people_remove_only_their_own_associations(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    omar = (await gateway.query(VIEWER, as_user="omar.haddad"))["data"]["viewer"]["user"]["associations"]
    [omar_co] = [a["id"] for a in omar if a["region"]["code"] == "CO"]

    others = (await gateway.query(REMOVE, {"id": omar_co}, as_user="dana.reyes"))["data"]["removeAssociation"]
    forged = (await gateway.query(REMOVE, {"id": "Zm9yZ2Vk"}, as_user="dana.reyes"))["data"][
        "removeAssociation"
    ]

    assert problems(others) == problems(forged) == [("NOT_FOUND", ["input", "associationId"])]
    assert others["userErrors"][0]["message"] == forged["userErrors"][0]["message"]
    assert (await _claim(gateway, "CO0000000001", "omar.haddad"))["totalCount"] == 1
    removed = (await gateway.query(REMOVE, {"id": omar_co}, as_user="omar.haddad"))["data"][
        "removeAssociation"
    ]
    assert removed["association"]["status"] == "REMOVED"
    again = (await gateway.query(REMOVE, {"id": omar_co}, as_user="omar.haddad"))["data"]["removeAssociation"]
    assert problems(again) == [("INVALID", ["input", "associationId"])]
    assert (await _claim(gateway, "CO0000000001", "omar.haddad"))["totalCount"] == 0
