"""Take Action on claims through HTTP (the Online Provider Messaging guide): each action in California and in picker regions, every
refusal code, on-behalf-of, acknowledgement letters, administrative access, idempotency, reading."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from gateway.directory.tables import audit_events
from gateway.ids import encode_id
from regions.base.records import MessageKind, NewMessage, SubmissionOutcome
from regions.base.store import RegionStore
from regions.base.writes import SqliteWrites
from tests.conftest import Gateway

CLAIM = """
query Claim($number: String!) {
  claims(search: {claimNumber: $number}) {
    edges { node { id status availableActions
      messages(first: 100) { totalCount edges { node { id kind } } } } }
  }
}
"""

MESSAGE_FIELDS = """
  message { id kind folder subject body subtopic crmId readAt region { code }
    claim { id claimNumber diagnosisCodes member { dateOfBirth } }
    onBehalfOf { id name } attachments { id } }
  confirmation
  acknowledgement { id kind folder subject body readAt crmId inReplyTo { id } claim { id } }
  userErrors { code field message }
"""

DOCUMENTATION = f"""
mutation Send($input: SupportingDocumentationInput!) {{
  submitSupportingDocumentation(input: $input) {{ {MESSAGE_FIELDS} }}
}}
"""

RFI = f"""
mutation Answer($input: RequestForInformationResponseInput!) {{
  respondToRequestForInformation(input: $input) {{ {MESSAGE_FIELDS} }}
}}
"""

DISPUTE = f"""
mutation Dispute($input: DisputeInput!) {{
  fileDispute(input: $input) {{ {MESSAGE_FIELDS} }}
}}
"""

PICKER = """
query Picker($taxId: String!, $region: RegionCode!) {
  entity(taxId: $taxId) { providers(region: $region, first: 3) { edges { node { id name } } } }
}
"""

IN_BASKET = """
query InBasket($folder: MessageFolder, $region: RegionCode, $unread: Boolean) {
  viewer { inBasket(folder: $folder, region: $region, unreadOnly: $unread, first: 100) {
    totalCount edges { node { id kind folder readAt } } } }
}
"""

MARK_READ = """
mutation Read($ids: [ID!]!) {
  markMessagesRead(input: {messageIds: $ids}) { messages { id readAt } userErrors { code field message } }
}
"""

CONFIRMATION = "The message has been sent successfully"


async def claim_of(gateway: Gateway, number: str, as_user: str) -> dict[str, Any]:
    body = await gateway.query(CLAIM, {"number": number}, as_user=as_user)
    edges = body["data"]["claims"]["edges"]
    assert len(edges) == 1, body
    node: dict[str, Any] = edges[0]["node"]
    return node


async def message_count(gateway: Gateway, number: str, as_user: str) -> int:
    count: int = (await claim_of(gateway, number, as_user))["messages"]["totalCount"]
    return count


async def send(gateway: Gateway, document: str, as_user: str | None, **fields: Any) -> dict[str, Any]:
    body = await gateway.query(document, {"input": fields}, as_user=as_user)
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


async def picker_provider(gateway: Gateway, tax_id: str, region: str, as_user: str) -> dict[str, Any]:
    body = await gateway.query(PICKER, {"taxId": tax_id, "region": region}, as_user=as_user)
    provider: dict[str, Any] = body["data"]["entity"]["providers"]["edges"][0]["node"]
    return provider


# ------------------------------------------------------------------ California


async def test_supporting_documentation_in_california_files_an_acknowledgement_letter(
    writable_gateway: Gateway,
) -> None:
    # given
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    before = claim["messages"]["totalCount"]
    # when
    payload = await send(
        writable_gateway,
        DOCUMENTATION,
        "dana.reyes",
        claimId=claim["id"],
        body="  The itemized bill you asked for.  ",
        crmId="CS20260301X7",
    )
    # then
    assert payload["userErrors"] == []
    assert payload["confirmation"] == CONFIRMATION
    message = payload["message"]
    assert message["kind"] == "SUPPORTING_DOCUMENTATION"
    assert message["folder"] == "SENT"
    assert message["body"] == "The itemized bill you asked for."
    assert message["crmId"] == "CS20260301X7"
    assert message["claim"]["id"] == claim["id"]
    assert message["region"]["code"] == "SCAL"
    letter = payload["acknowledgement"]
    assert letter["kind"] == "ACKNOWLEDGEMENT_LETTER"
    assert letter["folder"] == "CUSTOMER_SERVICE_REPLY"
    assert letter["readAt"] is None
    assert letter["inReplyTo"]["id"] == message["id"]
    assert letter["claim"]["id"] == claim["id"]
    assert "SCAL0000000002" in letter["subject"]
    assert "supporting documentation" in letter["body"]
    assert "CS20260301X7" in letter["body"]
    # both are on the claim and in the sender's in-basket, the letter unread in Customer Service Reply
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before + 2
    replies = await writable_gateway.query(
        IN_BASKET, {"folder": "CUSTOMER_SERVICE_REPLY", "unread": True}, as_user="dana.reyes"
    )
    assert letter["id"] in [e["node"]["id"] for e in replies["data"]["viewer"]["inBasket"]["edges"]]


async def test_rfi_response_in_northern_california_keeps_its_subtopic_and_gets_a_letter(
    writable_gateway: Gateway,
) -> None:
    claim = await claim_of(writable_gateway, "NCAL0000000001", "dana.reyes")
    payload = await send(
        writable_gateway,
        RFI,
        "dana.reyes",
        claimId=claim["id"],
        subtopic="CLINICAL_REVIEW_RFI_LETTER",
        body="The operative report requested by Clinical Review.",
    )
    assert payload["userErrors"] == []
    assert payload["message"]["kind"] == "REQUEST_FOR_INFORMATION_RESPONSE"
    assert payload["message"]["subtopic"] == "CLINICAL_REVIEW_RFI_LETTER"
    assert payload["acknowledgement"]["kind"] == "ACKNOWLEDGEMENT_LETTER"
    assert "response to a request for information" in payload["acknowledgement"]["body"]


async def test_dispute_in_california_once_finalized_and_never_twice(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000001", "dana.reyes")
    assert "FILE_DISPUTE" in claim["availableActions"]  # PAID
    first = await send(
        writable_gateway, DISPUTE, "dana.reyes", claimId=claim["id"], body="The allowed amount is wrong."
    )
    assert first["userErrors"] == []
    assert first["message"]["kind"] == "DISPUTE"
    assert first["acknowledgement"]["kind"] == "ACKNOWLEDGEMENT_LETTER"
    before = await message_count(writable_gateway, "SCAL0000000001", "dana.reyes")
    # a second dispute while the first is open is refused, and leaves nothing behind
    second = await send(writable_gateway, DISPUTE, "dana.reyes", claimId=claim["id"], body="Again, please.")
    assert codes(second) == [("ALREADY_EXISTS", None)]
    assert second["message"] is None
    assert second["confirmation"] is None
    assert second["acknowledgement"] is None
    assert await message_count(writable_gateway, "SCAL0000000001", "dana.reyes") == before


async def test_a_dispute_waits_for_the_claim_to_be_finalized(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000003", "dana.reyes")  # IN_PROCESS
    assert claim["availableActions"] == [
        "SUBMIT_SUPPORTING_DOCUMENTATION",
        "RESPOND_TO_REQUEST_FOR_INFORMATION",
    ]
    before = claim["messages"]["totalCount"]
    payload = await send(writable_gateway, DISPUTE, "dana.reyes", claimId=claim["id"], body="Too slow.")
    assert codes(payload) == [("ACTION_NOT_AVAILABLE", None)]
    # documentation can be sent proactively on the same claim
    sent = await send(writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], body="Notes.")
    assert sent["userErrors"] == []
    assert await message_count(writable_gateway, "SCAL0000000003", "dana.reyes") == before + 2


async def test_no_picker_in_california(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "NCAL0000000001", "dana.reyes")
    provider = await picker_provider(writable_gateway, "95-1000001", "NCAL", "dana.reyes")
    payload = await send(
        writable_gateway,
        DISPUTE,
        "dana.reyes",
        claimId=claim["id"],
        body="On behalf of a colleague.",
        onBehalfOfProviderId=provider["id"],
    )
    assert codes(payload) == [("PROVIDER_PICKER_NOT_AVAILABLE", ["input", "onBehalfOfProviderId"])]


# ------------------------------------------------------------ picker regions


async def test_each_action_in_picker_regions_without_letters(writable_gateway: Gateway) -> None:
    documentation_claim = await claim_of(writable_gateway, "HI0000000001", "omar.haddad")
    rfi_claim = await claim_of(writable_gateway, "NW0000000001", "omar.haddad")
    documentation = await send(
        writable_gateway, DOCUMENTATION, "omar.haddad", claimId=documentation_claim["id"], body="Notes."
    )
    rfi = await send(
        writable_gateway,
        RFI,
        "omar.haddad",
        claimId=rfi_claim["id"],
        subtopic="UNSOLICITED_RFI_DOCUMENT",
        body="Records not yet requested.",
    )
    for payload in (documentation, rfi):
        assert payload["userErrors"] == []
        assert payload["confirmation"] == CONFIRMATION
        assert payload["acknowledgement"] is None
    assert rfi["message"]["subtopic"] == "UNSOLICITED_RFI_DOCUMENT"


async def test_dispute_on_behalf_of_a_provider_linked_to_the_tax_id(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "MAS0000000001", "omar.haddad")
    provider = await picker_provider(writable_gateway, "52-4000004", "MAS", "omar.haddad")
    payload = await send(
        writable_gateway,
        DISPUTE,
        "omar.haddad",
        claimId=claim["id"],
        body="Filed for our radiologist.",
        onBehalfOfProviderId=provider["id"],
        crmId="CSMAS1",
    )
    assert payload["userErrors"] == []
    assert payload["message"]["onBehalfOf"] == provider
    assert payload["acknowledgement"] is None


async def test_on_behalf_of_only_a_provider_of_the_claims_tax_id_and_region(
    writable_gateway: Gateway,
) -> None:
    claim = await claim_of(writable_gateway, "NW0000000001", "omar.haddad")
    before = claim["messages"]["totalCount"]
    colorado = await picker_provider(writable_gateway, "84-2000002", "CO", "omar.haddad")
    # a provider omar may see, but of another region and Tax ID; a forged id; a claim id
    for provider_id in (colorado["id"], encode_id("Provider", "NW", 999_999), "bm9wZQ", claim["id"]):
        payload = await send(
            writable_gateway,
            DISPUTE,
            "omar.haddad",
            claimId=claim["id"],
            body="On behalf of someone.",
            onBehalfOfProviderId=provider_id,
        )
        assert codes(payload) == [("INVALID", ["input", "onBehalfOfProviderId"])], provider_id
    assert await message_count(writable_gateway, "NW0000000001", "omar.haddad") == before


async def test_a_dispute_already_open_from_the_demo_data_is_not_repeated(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "CO0000000001", "omar.haddad")
    payload = await send(writable_gateway, DISPUTE, "omar.haddad", claimId=claim["id"], body="Reconsider.")
    assert codes(payload) == [("ALREADY_EXISTS", None)]


async def test_two_disputes_at_the_same_moment_file_one(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "NW0000000001", "omar.haddad")
    before = claim["messages"]["totalCount"]
    variables = {"input": {"claimId": claim["id"], "body": "Double click."}}
    bodies = await asyncio.gather(
        *(writable_gateway.query(DISPUTE, variables, as_user="omar.haddad") for _ in range(3))
    )
    outcomes = sorted(
        "filed" if b["data"]["fileDispute"]["message"] else b["data"]["fileDispute"]["userErrors"][0]["code"]
        for b in bodies
    )
    assert outcomes == ["ALREADY_EXISTS", "ALREADY_EXISTS", "filed"]
    assert await message_count(writable_gateway, "NW0000000001", "omar.haddad") == before + 1


@contextlib.contextmanager
def _sqlite_not_waiting(store: RegionStore) -> Iterator[None]:
    """SQLite told not to wait for its lock at all, on the store's writer connection (none elsewhere)."""
    if not isinstance(store.writes, SqliteWrites):
        yield
        return
    engine = store.writes.engine

    def no_waiting(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    event.listen(engine, "connect", no_waiting)
    engine.dispose()  # the pool's next connection gets the listener
    try:
        yield
    finally:
        event.remove(engine, "connect", no_waiting)
        engine.dispose()


async def test_a_burst_of_submissions_to_one_store_files_every_one(writable_gateway: Gateway) -> None:
    """Submissions sent at the same moment each commit. On SQLite a store's writers take turns before
    its lock (regions/base/writes.py): told not to wait for the lock at all, it still files every one."""
    store = writable_gateway.runtime.regions["SCAL"].store
    [claim] = (await store.claims_by_numbers(["SCAL0000000003"])).values()
    message = NewMessage(
        claim_pk=claim.pk,
        tax_id=claim.tax_id,
        owner_user_id="dana.reyes",
        kind=MessageKind.SUPPORTING_DOCUMENTATION,
        subject="Supporting documentation",
        body="One of many.",
        subtopic=None,
        crm_id=None,
        on_behalf_of_provider_pk=None,
        idempotency_key=None,
        sent_at=datetime.now(UTC),
    )
    with _sqlite_not_waiting(store):
        for burst in (8, 16):  # the first opens the pool's connections
            filed = await asyncio.gather(
                *(store.file_submission(message, [], None, one_open_dispute=False) for _ in range(burst))
            )
            assert [submission.outcome for submission in filed] == [SubmissionOutcome.FILED] * burst
            assert len({submission.message.pk for submission in filed if submission.message}) == burst


# --------------------------------------------------------------------- privacy


async def test_a_claim_the_person_cannot_see_answers_like_one_that_does_not_exist(
    writable_gateway: Gateway,
) -> None:
    danas = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    before = danas["messages"]["totalCount"]
    attempts = [
        ("omar.haddad", danas["id"]),  # another person's claim
        ("tess.nguyen", danas["id"]),
        ("dana.reyes", encode_id("Claim", "SCAL", 987_654)),  # no such claim
        ("dana.reyes", encode_id("Claim", "GA", 1)),  # a region where her association is only PENDING
        ("dana.reyes", encode_id("Claim", "XX", 1)),  # no such region
        ("dana.reyes", encode_id("Provider", "SCAL", 1)),  # not a claim
        ("dana.reyes", "not-an-id"),
    ]
    answers = set()
    for user, claim_id in attempts:
        payload = await send(writable_gateway, DOCUMENTATION, user, claimId=claim_id, body="Hello.")
        assert payload["message"] is None
        answers.add(tuple((e["code"], tuple(e["field"]), e["message"]) for e in payload["userErrors"]))
    assert len(answers) == 1
    assert next(iter(answers))[0][:2] == ("NOT_FOUND", ("input", "claimId"))
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before


async def test_administrative_access_sends_documents_and_disputes_without_seeing_clinical_fields(
    writable_gateway: Gateway,
) -> None:
    claim = await claim_of(writable_gateway, "GA0000000001", "tess.nguyen")
    for document in (DOCUMENTATION, DISPUTE):
        payload = await send(
            writable_gateway, document, "tess.nguyen", claimId=claim["id"], body="For the group."
        )
        assert payload["userErrors"] == []
        assert payload["message"]["claim"]["diagnosisCodes"] is None
        assert payload["message"]["claim"]["member"]["dateOfBirth"] is None
        assert payload["acknowledgement"] is None  # Georgia sends no letters


async def test_signed_out_callers_are_refused(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    body = await writable_gateway.query(DOCUMENTATION, {"input": {"claimId": claim["id"], "body": "Hi."}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None


# ----------------------------------------------------------------- bad input


async def test_bad_text_is_refused_field_by_field_and_nothing_is_filed(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    before = claim["messages"]["totalCount"]
    cases: list[tuple[dict[str, Any], list[tuple[str, list[str] | None]]]] = [
        ({"body": "   "}, [("INVALID", ["input", "body"])]),
        ({"body": "x" * 10_001}, [("INVALID", ["input", "body"])]),
        ({"body": "nul\x00byte"}, [("INVALID", ["input", "body"])]),
        ({"body": "Hi.", "idempotencyKey": "nul\x00"}, [("INVALID", ["input", "idempotencyKey"])]),
        ({"body": "Hi.", "crmId": "CS-SCAL-20260224-0412"}, [("INVALID", ["input", "crmId"])]),
        ({"body": "Hi.", "crmId": "A" * 51}, [("INVALID", ["input", "crmId"])]),
        (
            {"body": "", "crmId": "no spaces"},
            [("INVALID", ["input", "body"]), ("INVALID", ["input", "crmId"])],
        ),
        ({"body": "Hi.", "idempotencyKey": "k" * 101}, [("INVALID", ["input", "idempotencyKey"])]),
        ({"body": "Hi.", "idempotencyKey": "  "}, [("INVALID", ["input", "idempotencyKey"])]),
        ({"body": "Hi.", "attachments": ["not a file"]}, [("INVALID", ["input", "attachments", "0"])]),
    ]
    for fields, expected in cases:
        payload = await send(writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], **fields)
        assert codes(payload) == expected, fields
        assert payload["message"] is None
    # a blank CRM ID is no CRM ID; fifty letters and digits are one
    blank = await send(
        writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], body="Hi.", crmId=""
    )
    assert blank["userErrors"] == []
    assert blank["message"]["crmId"] is None
    longest = await send(
        writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], body="Hi.", crmId="A1" * 25
    )
    assert longest["userErrors"] == []
    assert longest["message"]["crmId"] == "A1" * 25
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before + 4


async def test_an_unknown_subtopic_is_a_graphql_error(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    body = await writable_gateway.query(
        RFI, {"input": {"claimId": claim["id"], "subtopic": "GOSSIP", "body": "Hi."}}, as_user="dana.reyes"
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# ---------------------------------------------------------------- idempotency


async def test_one_idempotency_key_sent_twice_at_the_same_moment_files_once(
    writable_gateway: Gateway,
) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    before = claim["messages"]["totalCount"]
    variables = {"input": {"claimId": claim["id"], "body": "Once only.", "idempotencyKey": "retry-7f3a"}}
    bodies = await asyncio.gather(
        *(writable_gateway.query(DOCUMENTATION, variables, as_user="dana.reyes") for _ in range(4))
    )
    payloads = [body["data"]["submitSupportingDocumentation"] for body in bodies]
    assert all(p["userErrors"] == [] and p["confirmation"] == CONFIRMATION for p in payloads), payloads
    assert len({p["message"]["id"] for p in payloads}) == 1
    assert len({p["acknowledgement"]["id"] for p in payloads}) == 1
    # one message and one letter, however many requests; a later retry answers the same
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before + 2
    again = await send(writable_gateway, DOCUMENTATION, "dana.reyes", **variables["input"])
    assert again["message"]["id"] == payloads[0]["message"]["id"]
    assert await message_count(writable_gateway, "SCAL0000000002", "dana.reyes") == before + 2


async def test_an_idempotent_dispute_retry_is_answered_not_refused(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "NCAL0000000001", "dana.reyes")
    fields = {"claimId": claim["id"], "body": "Denied in error.", "idempotencyKey": "dispute-ncal-1"}
    first = await send(writable_gateway, DISPUTE, "dana.reyes", **fields)
    second = await send(writable_gateway, DISPUTE, "dana.reyes", **fields)
    assert first["userErrors"] == []
    assert second["userErrors"] == []
    assert second["message"]["id"] == first["message"]["id"]
    # the key now names that dispute: it cannot be reused for another action or claim
    other = await send(writable_gateway, DOCUMENTATION, "dana.reyes", **fields)
    assert codes(other) == [("INVALID", ["input", "idempotencyKey"])]


async def test_idempotency_keys_belong_to_their_sender(writable_gateway: Gateway) -> None:
    danas = await claim_of(writable_gateway, "SCAL0000000003", "dana.reyes")
    omars = await claim_of(writable_gateway, "HI0000000001", "omar.haddad")
    mine = await send(
        writable_gateway,
        DOCUMENTATION,
        "dana.reyes",
        claimId=danas["id"],
        body="A.",
        idempotencyKey="shared-key",
    )
    theirs = await send(
        writable_gateway,
        DOCUMENTATION,
        "omar.haddad",
        claimId=omars["id"],
        body="B.",
        idempotencyKey="shared-key",
    )
    assert mine["userErrors"] == []
    assert theirs["userErrors"] == []
    assert mine["message"]["id"] != theirs["message"]["id"]
    assert theirs["message"]["body"] == "B."


# ------------------------------------------------------------------- reading


async def test_the_owner_marks_messages_read_and_nobody_else_can(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000002", "dana.reyes")
    sent = await send(writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], body="Read me.")
    letter = sent["acknowledgement"]["id"]
    # omar may not, nor may anyone with a forged id; nothing changes
    refused = await writable_gateway.query(MARK_READ, {"ids": [letter]}, as_user="omar.haddad")
    assert codes(refused["data"]["markMessagesRead"]) == [("NOT_FOUND", ["input", "messageIds", "0"])]
    mixed = await writable_gateway.query(MARK_READ, {"ids": [letter, "forged"]}, as_user="dana.reyes")
    assert codes(mixed["data"]["markMessagesRead"]) == [("NOT_FOUND", ["input", "messageIds", "1"])]
    unread = await writable_gateway.query(IN_BASKET, {"unread": True}, as_user="dana.reyes")
    assert letter in [e["node"]["id"] for e in unread["data"]["viewer"]["inBasket"]["edges"]]
    # dana may
    done = await writable_gateway.query(MARK_READ, {"ids": [letter]}, as_user="dana.reyes")
    payload = done["data"]["markMessagesRead"]
    assert payload["userErrors"] == []
    assert payload["messages"][0]["id"] == letter
    assert payload["messages"][0]["readAt"] is not None
    unread = await writable_gateway.query(IN_BASKET, {"unread": True}, as_user="dana.reyes")
    assert letter not in [e["node"]["id"] for e in unread["data"]["viewer"]["inBasket"]["edges"]]


# ---------------------------------------------------------------------- audit


async def test_every_submission_is_an_audit_event(writable_gateway: Gateway) -> None:
    claim = await claim_of(writable_gateway, "SCAL0000000003", "dana.reyes")
    sent = await send(writable_gateway, DOCUMENTATION, "dana.reyes", claimId=claim["id"], body="Secret PHI.")
    await send(writable_gateway, DOCUMENTATION, "omar.haddad", claimId=claim["id"], body="Probe.")
    async with writable_gateway.runtime.directory.engine.connect() as connection:
        rows = (
            (await connection.execute(select(audit_events).where(audit_events.c.action == "submit_message")))
            .mappings()
            .all()
        )
    ours = [row for row in rows if row["detail"].get("message_id") == sent["message"]["id"]]
    assert len(ours) == 1
    assert ours[0]["actor"] == "dana.reyes"
    assert ours[0]["outcome"] == "ok"
    assert ours[0]["detail"]["kind"] == "SUPPORTING_DOCUMENTATION"
    assert ours[0]["detail"]["region"] == "SCAL"
    assert any(row["actor"] == "omar.haddad" and row["outcome"] == "not_found" for row in rows)
    assert not any("Secret PHI" in str(row["detail"]) for row in rows)
