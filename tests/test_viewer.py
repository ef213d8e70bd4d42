"""The signed-in person's own view: profile, associations, approved regions, in-basket, the provider picker."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import DEMO_PEOPLE, Gateway
from tests.demo import APPROVED_REGIONS

VIEWER = """query { viewer {
  user { userId kind status profile { firstName lastName email work { organization } }
    associations { status access region { code } entity { taxId name } } }
  activeRegion { code } approvedRegions { code }
} }"""


@pytest.mark.parametrize("person", DEMO_PEOPLE)
async def test_the_viewer_sees_their_own_account(gateway: Gateway, person: str) -> None:
    body = await gateway.query(VIEWER, as_user=person)
    assert "errors" not in body
    viewer = body["data"]["viewer"]
    assert viewer["user"]["userId"] == person
    assert viewer["user"]["status"] == "ACTIVE"
    assert {r["code"] for r in viewer["approvedRegions"]} == APPROVED_REGIONS[person]


async def test_associations_carry_status_and_access_level(gateway: Gateway) -> None:
    dana = (await gateway.query(VIEWER, as_user="dana.reyes"))["data"]["viewer"]["user"]
    found = {
        (a["entity"]["taxId"], a["region"]["code"], a["status"], a["access"]) for a in dana["associations"]
    }
    assert found == {
        ("95-1000001", "SCAL", "ACTIVE", "CLINICAL"),
        ("95-1000001", "NCAL", "ACTIVE", "CLINICAL"),
        ("58-6000006", "GA", "PENDING", "CLINICAL"),
    }
    tess = (await gateway.query(VIEWER, as_user="tess.nguyen"))["data"]["viewer"]["user"]
    assert tess["kind"] == "THIRD_PARTY_ADMINISTRATOR"
    assert [(a["entity"]["taxId"], a["access"]) for a in tess["associations"]] == [
        ("58-6000006", "ADMINISTRATIVE")
    ]
    filtered = await gateway.query(
        "query { viewer { user { associations(status: PENDING) { region { code } } } } }",
        as_user="dana.reyes",
    )
    assert filtered["data"]["viewer"]["user"]["associations"] == [{"region": {"code": "GA"}}]


IN_BASKET = """query ($folder: MessageFolder, $region: RegionCode, $unread: Boolean, $first: Int, $after: String) {
  viewer { inBasket(folder: $folder, region: $region, unreadOnly: $unread, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind folder subject sentAt readAt region { code }
      claim { claimNumber entity { taxId } } inReplyTo { id kind } attachments { id filename contentType sizeBytes sha256 } } }
  } }
}"""


async def test_the_in_basket_holds_the_viewers_messages_newest_first(gateway: Gateway) -> None:
    body = await gateway.query(IN_BASKET, {"first": 100}, as_user="dana.reyes")
    assert "errors" not in body
    basket = body["data"]["viewer"]["inBasket"]
    nodes = [edge["node"] for edge in basket["edges"]]
    assert nodes, "the demo in-basket is not empty"
    assert [n["sentAt"] for n in nodes] == sorted((n["sentAt"] for n in nodes), reverse=True)
    assert {n["region"]["code"] for n in nodes} <= {"SCAL", "NCAL"}
    assert all(n["claim"] is None or n["claim"]["entity"]["taxId"] == "95-1000001" for n in nodes)
    replies = await gateway.query(
        IN_BASKET, {"folder": "CUSTOMER_SERVICE_REPLY", "first": 100}, as_user="dana.reyes"
    )
    letters = [e["node"] for e in replies["data"]["viewer"]["inBasket"]["edges"]]
    assert letters
    # the plan's letters: acknowledgements, and letters about referrals and authorizations
    replies_kinds = {
        "ACKNOWLEDGEMENT_LETTER",
        "AUTHORIZATION_DECISION_LETTER",
        "AUTHORIZATION_REQUEST_FOR_INFORMATION",
    }
    assert all(n["folder"] == "CUSTOMER_SERVICE_REPLY" and n["kind"] in replies_kinds for n in letters)


CLAIM_MESSAGES = """query ($n: String!) { claims(search: {claimNumber: $n}) { edges { node { messages(first: 50) {
  totalCount edges { node { id kind folder inReplyTo { id kind }
    attachments { id filename contentType sizeBytes sha256 } } } } } } } }"""


async def _claim_messages(gateway: Gateway, number: str, person: str) -> list[dict[str, object]]:
    body = await gateway.query(CLAIM_MESSAGES, {"n": number}, as_user=person)
    assert "errors" not in body
    [edge] = body["data"]["claims"]["edges"]
    messages = edge["node"]["messages"]
    assert messages["totalCount"] == len(messages["edges"])
    return [e["node"] for e in messages["edges"]]


async def test_a_california_submission_has_its_acknowledgement_letter(gateway: Gateway) -> None:
    messages = await _claim_messages(gateway, "SCAL0000000002", "dana.reyes")
    letter = next(m for m in messages if m["kind"] == "ACKNOWLEDGEMENT_LETTER")
    assert letter["folder"] == "CUSTOMER_SERVICE_REPLY"
    assert letter["inReplyTo"]["kind"] == "SUPPORTING_DOCUMENTATION"
    sent = next(m for m in messages if m["id"] == letter["inReplyTo"]["id"])
    assert sent["folder"] == "SENT"
    [pdf] = sent["attachments"]
    assert pdf["contentType"] == "application/pdf"
    assert pdf["filename"].endswith(".pdf")


async def test_the_in_basket_pages_and_filters(gateway: Gateway) -> None:
    first = await gateway.query(IN_BASKET, {"first": 3}, as_user="omar.haddad")
    basket = first["data"]["viewer"]["inBasket"]
    assert len(basket["edges"]) == 3
    assert basket["pageInfo"]["hasNextPage"]
    second = await gateway.query(
        IN_BASKET, {"first": 3, "after": basket["pageInfo"]["endCursor"]}, as_user="omar.haddad"
    )
    ids_first = {e["node"]["id"] for e in basket["edges"]}
    ids_second = {e["node"]["id"] for e in second["data"]["viewer"]["inBasket"]["edges"]}
    assert ids_first.isdisjoint(ids_second)
    only_co = await gateway.query(IN_BASKET, {"first": 50, "region": "CO"}, as_user="omar.haddad")
    assert {e["node"]["region"]["code"] for e in only_co["data"]["viewer"]["inBasket"]["edges"]} == {"CO"}
    unread = await gateway.query(IN_BASKET, {"first": 50, "unread": True}, as_user="dana.reyes")
    assert all(e["node"]["readAt"] is None for e in unread["data"]["viewer"]["inBasket"]["edges"])
    # a region she is not approved for is simply empty
    ga = await gateway.query(IN_BASKET, {"first": 50, "region": "GA"}, as_user="dana.reyes")
    assert ga["data"]["viewer"]["inBasket"]["edges"] == []


async def test_messages_and_attachments_are_unreachable_by_others(gateway: Gateway) -> None:
    body = await gateway.query(IN_BASKET, {"first": 20}, as_user="dana.reyes")
    nodes = [edge["node"] for edge in body["data"]["viewer"]["inBasket"]["edges"]]
    messages = await _claim_messages(gateway, "SCAL0000000002", "dana.reyes")
    attachments = [a for m in messages for a in m["attachments"]]  # type: ignore[attr-defined]
    assert attachments, "the demo SCAL0000000002 message carries a PDF"
    ids = [n["id"] for n in nodes] + [str(m["id"]) for m in messages] + [a["id"] for a in attachments]
    for person in ("omar.haddad", "tess.nguyen", "rep.scal"):
        other = await gateway.query(
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, as_user=person
        )
        assert other["data"]["nodes"] == [None] * len(ids), person
    # the download answers the owner's colleagues on the Tax ID, and 404 to anyone else, as for a missing id
    attachment = attachments[0]
    token = await gateway.token("dana.reyes")
    ok = await gateway.client.get(
        f"/attachments/{attachment['id']}", headers={"authorization": f"Bearer {token}"}
    )
    assert ok.status_code == 200
    assert ok.headers["content-type"] == attachment["contentType"]
    assert ok.content.startswith(b"%PDF-")
    assert len(ok.content) == attachment["sizeBytes"]
    assert hashlib.sha256(ok.content).hexdigest() == attachment["sha256"]
    other_token = await gateway.token("omar.haddad")
    hidden = await gateway.client.get(
        f"/attachments/{attachment['id']}", headers={"authorization": f"Bearer {other_token}"}
    )
    missing = await gateway.client.get(
        "/attachments/QXR0YWNobWVudDpTQ0FMOjk5OTk5OQ", headers={"authorization": f"Bearer {other_token}"}
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    anonymous = await gateway.client.get(f"/attachments/{attachment['id']}")
    assert anonymous.status_code == 404


PICKER = """query ($t: String!, $r: RegionCode!, $s: String, $first: Int, $after: String) {
  entity(taxId: $t) { providers(region: $r, search: $s, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id npi name region { code } entity { taxId } } } } } }"""


async def test_the_provider_picker_pages_through_sixty_colorado_providers(gateway: Gateway) -> None:
    names: list[str] = []
    after = None
    while True:
        body = await gateway.query(
            PICKER, {"t": "84-2000002", "r": "CO", "first": 25, "after": after}, as_user="omar.haddad"
        )
        providers = body["data"]["entity"]["providers"]
        assert providers["totalCount"] == 60
        names.extend(edge["node"]["name"] for edge in providers["edges"])
        if not providers["pageInfo"]["hasNextPage"]:
            break
        after = providers["pageInfo"]["endCursor"]
    assert len(names) == 60
    assert names == sorted(names)


async def test_the_provider_picker_searches_by_name_or_npi(gateway: Gateway) -> None:
    everyone = await gateway.query(
        PICKER, {"t": "84-2000002", "r": "CO", "first": 100}, as_user="omar.haddad"
    )
    first = everyone["data"]["entity"]["providers"]["edges"][7]["node"]
    word = first["name"].split()[-1].strip(",.")
    by_name = await gateway.query(
        PICKER, {"t": "84-2000002", "r": "CO", "s": word.lower(), "first": 100}, as_user="omar.haddad"
    )
    found = by_name["data"]["entity"]["providers"]["edges"]
    assert first["name"] in [e["node"]["name"] for e in found]
    assert all(word.lower() in e["node"]["name"].lower() or e["node"]["npi"].startswith(word) for e in found)
    by_npi = await gateway.query(
        PICKER, {"t": "84-2000002", "r": "CO", "s": first["npi"], "first": 100}, as_user="omar.haddad"
    )
    assert [e["node"]["npi"] for e in by_npi["data"]["entity"]["providers"]["edges"]] == [first["npi"]]
    wildcard = await gateway.query(
        PICKER, {"t": "84-2000002", "r": "CO", "s": "%", "first": 5}, as_user="omar.haddad"
    )
    assert wildcard["data"]["entity"]["providers"]["totalCount"] == 0
