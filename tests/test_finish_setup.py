"""A REGISTERING person signs in and finishes their set-up in Manage My Account (the Colorado welcome page: registering users
finish in Manage My Account); nothing else is open to them until a first association is ACTIVE, and then
"You will receive an email when your access has been completed" (the Colorado welcome page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.directory.tables import outbox
from tests.account_steps import NEW_PASSWORD, USER_ERRORS, decide, register, registration
from tests.conftest import Gateway

HARBOR = "95-1000001"
PEACHTREE = "58-6000006"
VIEWER = "query { viewer { user { userId status associations { id status } } approvedRegions { code } } }"
CLAIMS = 'query { claims(search: {claimNumber: "SCAL0000000001"}) { totalCount } }'
PROFILE = f"""mutation {{ updateProfile(input: {{jobTitle: "Billing lead"}}) {{ user {{ profile {{ work {{ jobTitle }} }} }} {USER_ERRORS} }} }}"""
REQUEST = f"""mutation {{ requestAssociation(input: {{taxId: "{PEACHTREE}", region: GA}}) {{ association {{ id status }} {USER_ERRORS} }} }}"""
MIXED = "query { viewer { user { userId } } claims(search: {}) { totalCount } }"


async def _emails(gateway: Gateway, recipient: str) -> list[dict[str, Any]]:
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(outbox).where(outbox.c.recipient == recipient).order_by(outbox.c.id)
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


async def test_a_registering_person_reaches_manage_my_account_only(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    # given a person who has just registered
    registered = await register(gateway, registration("ines.cho", [(HARBOR, "SCAL")]))
    assert registered["userErrors"] == []

    # when she signs in
    gateway.tokens["ines.cho"] = await gateway.sign_in("ines.cho", NEW_PASSWORD)

    # then Manage My Account answers: viewer, profile, associations
    viewer = (await gateway.query(VIEWER, as_user="ines.cho"))["data"]["viewer"]
    assert viewer["user"]["status"] == "REGISTERING"
    assert viewer["approvedRegions"] == []
    assert (await gateway.query(PROFILE, as_user="ines.cho"))["data"]["updateProfile"]["userErrors"] == []
    asked = (await gateway.query(REQUEST, as_user="ines.cho"))["data"]["requestAssociation"]
    assert asked["association"]["status"] == "PENDING"
    # and nothing else, not even mixed into an allowed operation
    for document in (CLAIMS, MIXED, 'query { node(id: "x") { id } }'):
        refused = await gateway.query(document, as_user="ines.cho")
        assert refused.get("data") is None, document
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", document

    # when a representative approves her first association
    harbor = next(a["id"] for a in registered["user"]["associations"])
    assert (await decide(gateway, "rep.scal", harbor, approve=True))["userErrors"] == []

    # then the same session reaches claims at once, and she is emailed that her access is complete
    assert (await gateway.query(CLAIMS, as_user="ines.cho"))["data"]["claims"]["totalCount"] == 1
    emails = await _emails(gateway, "ines.cho@clinic.example")
    assert [e["kind"] for e in emails] == ["association_decided", "access_complete"]
    complete = emails[1]
    assert complete["subject"] == "Your Online Affiliate access has been completed"
    assert "Your access has been completed" in complete["body"]

    # a later approval tells her of that association only
    peachtree = asked["association"]["id"]
    assert (await decide(gateway, "rep.ga", peachtree, approve=True))["userErrors"] == []
    assert [e["kind"] for e in await _emails(gateway, "ines.cho@clinic.example")] == [
        "association_decided",
        "access_complete",
        "association_decided",
    ]


async def test_a_denial_is_emailed_with_its_reason(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    registered = await register(gateway, registration("omid.rahi", [(HARBOR, "SCAL")]))
    [association] = registered["user"]["associations"]

    await decide(gateway, "rep.scal", association["id"], approve=False, reason="Harbor has not named you.")

    [email] = await _emails(gateway, "omid.rahi@clinic.example")
    assert email["kind"] == "association_decided"
    assert "Harbor has not named you." in email["body"]
    assert "not approved" in email["subject"]
