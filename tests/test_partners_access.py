"""The authorization matrix of partner systems: the demo partner and clients of other scope sets against
every fixed claim on every read path, ids obtained by people, Take Action, the operations that are for
people only, bindings that change, and the audit trail of partner calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import websockets
from sqlalchemy import delete

from gateway.directory.tables import partner_bindings
from gateway.ids import encode_id
from gateway.partners.store import PartnerStore
from tests.conftest import Gateway
from tests.demo import FIXED_CLAIMS, VISIBILITY
from tests.partner_steps import as_partner, audit_of, partner_query, partner_token, register_client
from tests.test_claim_actions import DISPUTE, DOCUMENTATION, RFI
from tests.test_inbasket_subscription import IN_BASKET, serving

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
FIXED_GA_MESSAGE = "Immunization record for claim GA0000000001"

CLAIM_FIELDS = """
  id claimNumber diagnosisCodes
  region { code }
  member { memberId dateOfBirth }
  entity { taxId name }
  billingProvider { id npi entity { taxId } }
  messages(first: 50) { edges { node { id subject attachments { id } } } }
"""
BY_NUMBER = f"""
query ClaimByNumber($n: String!) {{ claims(search: {{claimNumber: $n}}) {{ totalCount edges {{ node {{ {CLAIM_FIELDS} }} }} }} }}
"""
ALL_CLAIMS = """
query { claims(search: {}, first: 100) { totalCount edges { node { claimNumber region { code } entity { taxId } } } } }
"""
BY_NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"
MESSAGE_NODE = "query ($id: ID!) { node(id: $id) { ... on Message { subject claim { claimNumber } } } }"
ENTITY = "query ($t: String!) { entity(taxId: $t) { taxId name } }"


@dataclass(frozen=True, slots=True)
class ScopeSet:
    """What a token with these scopes must see of the fixed data."""

    scopes: str
    claims: bool
    clinical: bool
    messages: bool
    writes: bool


SCOPE_SETS = {
    "claims": ScopeSet("claims:read", claims=True, clinical=False, messages=False, writes=False),
    "claims+messages": ScopeSet(
        "claims:read messages:read", claims=True, clinical=False, messages=True, writes=False
    ),
    "demo": ScopeSet(
        "claims:read messages:read messages:write", claims=True, clinical=False, messages=True, writes=True
    ),
    "clinical": ScopeSet(
        "claims:read clinical:read messages:read", claims=True, clinical=True, messages=True, writes=False
    ),
    "messages": ScopeSet("messages:read", claims=False, clinical=False, messages=True, writes=False),
    "writer": ScopeSet(
        "claims:read messages:write", claims=True, clinical=False, messages=False, writes=True
    ),
}


@pytest.fixture(scope="module")
async def tokens(writable_gateway: Gateway) -> dict[str, str]:
    """A token for each scope set: the demo client's, narrowed where it can be, and clients of other scopes
    (all bound to 58-6000006 in GA, as the demo client is)."""
    found = {
        name: await partner_token(writable_gateway, scope=scope_set.scopes)
        for name, scope_set in SCOPE_SETS.items()
        if name in {"claims", "claims+messages", "demo"}
    }
    for name in ("clinical", "messages", "writer"):
        secret = await register_client(writable_gateway, f"acme-{name}", SCOPE_SETS[name].scopes)
        found[name] = await partner_token(writable_gateway, f"acme-{name}", secret)
    return found


async def ids_seen_by_people(gateway: Gateway) -> dict[str, dict[str, Any]]:
    """Each fixed claim as a person who may see it sees it: its id, its provider's, its messages'."""
    seen: dict[str, dict[str, Any]] = {}
    for person, visible in VISIBILITY.items():
        for number in visible:
            body = await gateway.query(BY_NUMBER, {"n": number}, as_user=person)
            seen[number] = body["data"]["claims"]["edges"][0]["node"]
    return seen


# ------------------------------------------------------------------- reading


@pytest.mark.parametrize("name", SCOPE_SETS)
async def test_each_scope_set_reads_exactly_its_share_of_the_fixed_claims(
    writable_gateway: Gateway, tokens: dict[str, str], name: str
) -> None:
    expected = SCOPE_SETS[name]
    for claim in FIXED_CLAIMS:
        # when
        body = await partner_query(writable_gateway, tokens[name], BY_NUMBER, {"n": claim.claim_number})
        # then
        assert "errors" not in body, body
        edges = body["data"]["claims"]["edges"]
        if claim.claim_number != "GA0000000001" or not expected.claims:
            assert edges == [], f"{name} must not see {claim.claim_number}"
            assert body["data"]["claims"]["totalCount"] == 0
            continue
        node = edges[0]["node"]
        assert node["region"]["code"] == "GA"
        assert node["entity"] == {"taxId": "58-6000006", "name": "Peachtree Pediatrics"}
        assert node["billingProvider"]["entity"]["taxId"] == "58-6000006"
        assert node["member"]["memberId"] == claim.member_id
        if expected.clinical:
            assert node["diagnosisCodes"]
            assert node["member"]["dateOfBirth"] == claim.date_of_birth
        else:
            assert node["diagnosisCodes"] is None
            assert node["member"]["dateOfBirth"] is None
        subjects = [edge["node"]["subject"] for edge in node["messages"]["edges"]]
        assert (FIXED_GA_MESSAGE in subjects) is expected.messages


@pytest.mark.parametrize("name", SCOPE_SETS)
async def test_an_unfiltered_search_is_the_bound_tax_id_in_its_region_only(
    writable_gateway: Gateway, tokens: dict[str, str], name: str
) -> None:
    body = await partner_query(writable_gateway, tokens[name], ALL_CLAIMS)
    claims = body["data"]["claims"]
    seen = {(e["node"]["region"]["code"], e["node"]["entity"]["taxId"]) for e in claims["edges"]}
    if not SCOPE_SETS[name].claims:
        assert claims == {"totalCount": 0, "edges": []}
        return
    assert seen == {("GA", "58-6000006")}
    # exactly what the person with administrative access to the same Tax ID there sees
    tess = await writable_gateway.query(ALL_CLAIMS, as_user="tess.nguyen")
    assert claims["totalCount"] == tess["data"]["claims"]["totalCount"] > 100
    # and a search for other regions or Tax IDs finds nothing
    for search in (
        "{regions: [SCAL, NCAL, CO, HI, MAS, NW]}",
        '{taxId: "95-1000001"}',
        '{taxId: "77-7000007"}',
    ):
        other = await partner_query(
            writable_gateway, tokens[name], f"query {{ claims(search: {search}) {{ totalCount }} }}"
        )
        assert other["data"]["claims"]["totalCount"] == 0


@pytest.mark.parametrize("name", ["demo", "clinical", "messages"])
async def test_ids_obtained_by_people_are_null_unless_the_binding_and_scope_allow(
    writable_gateway: Gateway, tokens: dict[str, str], name: str
) -> None:
    seen = await ids_seen_by_people(writable_gateway)
    expected = SCOPE_SETS[name]
    claim_ids = [seen[claim.claim_number]["id"] for claim in FIXED_CLAIMS]
    provider_ids = [seen[claim.claim_number]["billingProvider"]["id"] for claim in FIXED_CLAIMS]
    message_ids = [
        edge["node"]["id"] for claim in FIXED_CLAIMS for edge in seen[claim.claim_number]["messages"]["edges"]
    ]
    attachment_ids = [
        attachment["id"]
        for claim in FIXED_CLAIMS
        for edge in seen[claim.claim_number]["messages"]["edges"]
        for attachment in edge["node"]["attachments"]
    ]
    assert message_ids
    assert attachment_ids, "SCAL0000000002 carries a fixed attachment"
    forged = [encode_id("Claim", "GA", 999_999_999), encode_id("Claim", "ZZ", 1), "not-an-id"]
    # when
    body = await partner_query(
        writable_gateway, tokens[name], BY_NODES, {"ids": claim_ids + provider_ids + message_ids + forged}
    )
    # then
    assert "errors" not in body, body
    nodes = body["data"]["nodes"]
    visible = [node["id"] for node in nodes if node is not None]
    ga = seen["GA0000000001"]
    allowed = {ga["billingProvider"]["id"]}  # the provider directory of a bound Tax ID
    if expected.claims:
        allowed.add(ga["id"])
    if expected.messages:
        allowed |= {edge["node"]["id"] for edge in ga["messages"]["edges"]}
    assert set(visible) == allowed
    # a message of the bound Tax ID shows its claim only to a token that may read claims
    ga_message = ga["messages"]["edges"][0]["node"]["id"]
    message = (await partner_query(writable_gateway, tokens[name], MESSAGE_NODE, {"id": ga_message}))["data"]
    if expected.messages:
        assert message["node"]["subject"] == FIXED_GA_MESSAGE
        assert message["node"]["claim"] == ({"claimNumber": "GA0000000001"} if expected.claims else None)
    else:
        assert message["node"] is None
    # attachments of other Tax IDs answer 404, as ids that do not exist do
    for attachment_id in attachment_ids:
        response = await writable_gateway.client.get(
            f"/attachments/{attachment_id}", headers={"authorization": f"Bearer {tokens[name]}"}
        )
        assert response.status_code == 404
    # entities: the bound Tax ID only, not even the partner's own company
    for tax_id, shown in (("58-6000006", True), ("95-1000001", False), ("77-7000007", False)):
        entity = (await partner_query(writable_gateway, tokens[name], ENTITY, {"t": tax_id}))["data"][
            "entity"
        ]
        assert (entity is not None) is shown


async def test_a_token_without_messages_read_does_not_learn_how_many_messages_a_claim_has(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    document = 'query { claims(search: {claimNumber: "GA0000000001"}) { edges { node { messages { totalCount } } } } }'
    body = await partner_query(writable_gateway, tokens["claims"], document)
    assert body["data"]["claims"]["edges"][0]["node"]["messages"]["totalCount"] == 0


async def test_a_partner_has_no_viewer_in_basket_or_representative_queue(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    body = await partner_query(writable_gateway, tokens["demo"], "query { viewer { user { userId } } }")
    assert body == {"data": {"viewer": None}}
    body = await partner_query(
        writable_gateway, tokens["demo"], "query { pendingAssociations { totalCount } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# ---------------------------------------------------------------- Take Action


async def upload_documentation(
    gateway: Gateway, token: str, claim_id: str, body: str, pdf: bytes = PDF
) -> dict[str, Any]:
    operations = {
        "query": DOCUMENTATION,
        "variables": {"input": {"claimId": claim_id, "body": body, "attachments": [None]}},
    }
    response = await gateway.client.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": '{"0": ["variables.input.attachments.0"]}',
        },
        files={"0": ("statement.pdf", pdf, "application/pdf")},
        headers={"authorization": f"Bearer {token}", "apollo-require-preflight": "true"},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def message_subjects(gateway: Gateway, number: str) -> list[str]:
    body = await gateway.query(BY_NUMBER, {"n": number}, as_user="tess.nguyen")
    return [
        edge["node"]["subject"] for edge in body["data"]["claims"]["edges"][0]["node"]["messages"]["edges"]
    ]


async def test_the_demo_partner_sends_documentation_with_a_pdf_and_downloads_it(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    seen = await ids_seen_by_people(writable_gateway)
    # when
    body = await upload_documentation(
        writable_gateway, tokens["demo"], seen["GA0000000001"]["id"], "Statement from the billing system."
    )
    # then
    assert "errors" not in body, body
    payload = body["data"]["submitSupportingDocumentation"]
    assert payload["userErrors"] == []
    assert payload["confirmation"] == "The message has been sent successfully"
    assert payload["message"]["claim"]["diagnosisCodes"] is None  # still administrative access
    [attachment] = payload["message"]["attachments"]
    download = await writable_gateway.client.get(
        f"/attachments/{attachment['id']}", headers={"authorization": f"Bearer {tokens['demo']}"}
    )
    assert download.status_code == 200
    assert download.content == PDF
    # the practice's own staff see it on the claim too
    assert "Supporting documentation for claim GA0000000001" in await message_subjects(
        writable_gateway, "GA0000000001"
    )
    # a token without messages:read cannot fetch the file
    refused = await writable_gateway.client.get(
        f"/attachments/{attachment['id']}", headers={"authorization": f"Bearer {tokens['claims']}"}
    )
    assert refused.status_code == 404
    # and the submission is audited under the client's name
    events = await audit_of(writable_gateway, "submit_message", actor="client:summit-billing")
    assert events[-1]["outcome"] == "ok"


@pytest.mark.parametrize("name", ["claims", "claims+messages", "clinical"])
async def test_take_action_without_messages_write_is_forbidden_and_files_nothing(
    writable_gateway: Gateway, tokens: dict[str, str], name: str
) -> None:
    claim_id = (await ids_seen_by_people(writable_gateway))["GA0000000001"]["id"]
    before = await message_subjects(writable_gateway, "GA0000000001")
    for document, fields in (
        (DOCUMENTATION, {"body": "Records."}),
        (RFI, {"body": "Answer.", "subtopic": "SOLICITED_CLAIMS_RFI_LETTER"}),
        (DISPUTE, {"body": "We dispute this."}),
    ):
        # when
        response = await as_partner(
            writable_gateway, tokens[name], document, {"input": {"claimId": claim_id, **fields}}
        )
        # then
        body = response.json()
        assert "data" not in body or body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert "messages:write" in error["message"]
    assert await message_subjects(writable_gateway, "GA0000000001") == before


async def test_messages_write_without_messages_read_sees_only_what_it_sent(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    claim_id = (await ids_seen_by_people(writable_gateway))["GA0000000001"]["id"]
    body = await partner_query(
        writable_gateway,
        tokens["writer"],
        DOCUMENTATION,
        {"input": {"claimId": claim_id, "body": "From the writer."}},
    )
    payload = body["data"]["submitSupportingDocumentation"]
    assert payload["userErrors"] == []
    assert payload["message"]["body"] == "From the writer."
    claim = (await partner_query(writable_gateway, tokens["writer"], BY_NUMBER, {"n": "GA0000000001"}))[
        "data"
    ]
    subjects = [e["node"]["subject"] for e in claim["claims"]["edges"][0]["node"]["messages"]["edges"]]
    assert FIXED_GA_MESSAGE not in subjects
    assert subjects.count("Supporting documentation for claim GA0000000001") == 1


async def test_take_action_on_a_claim_of_another_tax_id_is_not_found(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    seen = await ids_seen_by_people(writable_gateway)
    for number in ("SCAL0000000002", "CO0000000001", "NW0000000001"):
        body = await partner_query(
            writable_gateway,
            tokens["demo"],
            DOCUMENTATION,
            {"input": {"claimId": seen[number]["id"], "body": "Hi."}},
        )
        payload = body["data"]["submitSupportingDocumentation"]
        assert payload["message"] is None
        assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]


# -------------------------------------------------------------- people only

PEOPLE_ONLY = {
    "updateProfile": 'mutation { updateProfile(input: {firstName: "Mallory"}) { userErrors { code } } }',
    "changePassword": 'mutation { changePassword(input: {currentPassword: "a", newPassword: "b"}) { changed } }',
    "requestAssociation": """mutation { requestAssociation(input: {taxId: "95-1000001", region: SCAL}) {
        association { id } } }""",
    "switchRegion": "mutation { switchRegion(input: {region: GA}) { viewer { user { userId } } } }",
    "markMessagesRead": 'mutation { markMessagesRead(input: {messageIds: ["x"]}) { messages { id } } }',
    "registerUser": """mutation { registerUser(input: {userId: "mallory", password: "p", kind: PROVIDER_STAFF,
        profile: {}, associations: []}) { user { id } } }""",
    "submitEnrollmentAgreement": """mutation { submitEnrollmentAgreement(input: {taxId: "12-3456789",
        entityName: "X", kind: GROUP, signatoryName: "X", signatoryTitle: "X", signatoryEmail: "x@example.com"})
        { entity { id } } }""",
    "requestPasswordReset": """mutation { requestPasswordReset(input: {userId: "tess.nguyen",
        email: "x@example.com"}) { accepted } }""",
    # hidden behind a fragment, or after a Take Action field, it is refused all the same
    "a fragment": """mutation { ...M } fragment M on Mutation { updateProfile(input: {firstName: "M"}) {
        userErrors { code } } }""",
}


@pytest.mark.parametrize("field", PEOPLE_ONLY)
async def test_operations_for_people_are_forbidden_to_partners(
    writable_gateway: Gateway, tokens: dict[str, str], field: str
) -> None:
    response = await as_partner(writable_gateway, tokens["demo"], PEOPLE_ONLY[field])
    body = response.json()
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "for people" in error["message"]


async def test_the_in_basket_subscription_is_forbidden_to_partners(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    async with (
        serving(writable_gateway.app) as endpoint,
        websockets.connect(endpoint, subprotocols=["graphql-transport-ws"]) as socket,  # type: ignore[list-item]
    ):
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {tokens['demo']}"}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": IN_BASKET}}))
        frame = json.loads(await socket.recv())
    # Nothing is subscribed: the one answer is the refusal.
    assert frame["type"] == "next"
    assert frame["payload"]["data"] is None
    [error] = frame["payload"]["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "for people" in error["message"]


# ----------------------------------------------------------------- bindings


async def test_bindings_in_several_regions_and_their_removal_takes_effect_at_once(
    writable_gateway: Gateway,
) -> None:
    # given a client bound to 58-6000006 in GA and to 95-1000001 in SCAL (not in NCAL)
    secret = await register_client(
        writable_gateway, "acme-two", "claims:read", ("GA:58-6000006", "SCAL:95-1000001")
    )
    token = await partner_token(writable_gateway, "acme-two", secret)
    # when
    found = {}
    for claim in FIXED_CLAIMS:
        body = await partner_query(writable_gateway, token, BY_NUMBER, {"n": claim.claim_number})
        for edge in body["data"]["claims"]["edges"]:
            found[edge["node"]["claimNumber"]] = edge["node"]
    # then
    assert sorted(found) == ["GA0000000001", "SCAL0000000001", "SCAL0000000002", "SCAL0000000003"]
    assert all(node["diagnosisCodes"] is None for node in found.values())
    # when the SCAL binding is removed
    client = await PartnerStore(writable_gateway.runtime.directory.engine).client("acme-two")
    assert client is not None
    async with writable_gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(
            delete(partner_bindings).where(
                partner_bindings.c.partner_client_id == client.pk, partner_bindings.c.region == "SCAL"
            )
        )
    # then the same token stops seeing SCAL at its next request
    body = await partner_query(writable_gateway, token, BY_NUMBER, {"n": "SCAL0000000001"})
    assert body["data"]["claims"]["edges"] == []
    body = await partner_query(writable_gateway, token, BY_NUMBER, {"n": "GA0000000001"})
    assert len(body["data"]["claims"]["edges"]) == 1


# -------------------------------------------------------------------- audit


async def test_every_partner_call_is_an_audit_event_with_the_client_id(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    before = len(await audit_of(writable_gateway, "partner_request", actor="client:summit-billing"))
    # when
    await partner_query(writable_gateway, tokens["demo"], BY_NUMBER, {"n": "GA0000000001"})
    await as_partner(writable_gateway, tokens["demo"], PEOPLE_ONLY["updateProfile"])
    await as_partner(writable_gateway, tokens["demo"], "query { nope }")
    # then
    events = (await audit_of(writable_gateway, "partner_request", actor="client:summit-billing"))[before:]
    assert [event["outcome"] for event in events] == ["ok", "forbidden", "rejected"]
    assert events[0]["detail"]["operation_name"] == "ClaimByNumber"
    assert events[0]["detail"]["operation_type"] == "query"
    assert events[0]["detail"]["cost"] > 0
    assert events[1]["detail"]["operation_type"] == "mutation"
    # the variables (a claim number here; health information elsewhere) are never kept
    assert "GA0000000001" not in repr(events)
    # people's calls are not partner calls
    await writable_gateway.query(BY_NUMBER, {"n": "GA0000000001"}, as_user="tess.nguyen")
    assert await audit_of(writable_gateway, "partner_request", actor="tess.nguyen") == []


async def test_take_action_is_offered_only_to_a_token_that_may_take_it(
    writable_gateway: Gateway, tokens: dict[str, str]
) -> None:
    document = (
        'query { claims(search: {claimNumber: "GA0000000001"}) { edges { node { availableActions } } } }'
    )
    reader = await partner_query(writable_gateway, tokens["claims"], document)
    assert reader["data"]["claims"]["edges"][0]["node"]["availableActions"] == []
    writer = await partner_query(writable_gateway, tokens["demo"], document)
    assert (
        "SUBMIT_SUPPORTING_DOCUMENTATION" in writer["data"]["claims"]["edges"][0]["node"]["availableActions"]
    )
