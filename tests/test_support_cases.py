"""Support cases answered by a consultant (the Online Provider Tools page: "a consultant will respond"): the opener reads the case
back with its number and email, without signing in; the region's representatives answer it from their queue,
and the opener is emailed that an answer is waiting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.accounts.support import READ_BACKS_PER_ADDRESS
from gateway.directory.tables import outbox
from tests.account_steps import USER_ERRORS, audit_trail, problems
from tests.conftest import Gateway

OPEN_CASE = f"""mutation ($input: SupportCaseInput!) {{ openSupportCase(input: $input) {{
  supportCase {{ id caseNumber caseStatus }} {USER_ERRORS} }} }}"""
READ_BACK = """query ($n: String!, $e: String!) { supportCase(caseNumber: $n, contactEmail: $e) {
  caseNumber caseStatus status description topic region { code } replies { body author sentAt } } }"""
REPLY = f"""mutation ($input: ReplyToSupportCaseInput!) {{ replyToSupportCase(input: $input) {{
  supportCase {{ caseNumber caseStatus replies {{ body author }} }} {USER_ERRORS} }} }}"""
QUEUE = """query ($s: SupportCaseStatus) { representativeQueue { supportCases(status: $s) { id caseNumber caseStatus description } } }"""

CONTACT = "billing.lead@canyonpeds.example"


async def open_case(gateway: Gateway, region: str = "SCAL", **fields: str) -> dict[str, Any]:
    entry = {
        "region": region,
        "topic": "AGREEMENT_ON_FILE",
        "groupName": "Canyon Pediatrics",
        "taxId": "46-4688888",
        "contactEmail": CONTACT,
        "description": "Unsure if we have an agreement on file?",
    }
    entry.update(fields)
    body = await gateway.query(OPEN_CASE, {"input": entry})
    payload: dict[str, Any] = body["data"]["openSupportCase"]
    assert payload["userErrors"] == [], payload
    case: dict[str, Any] = payload["supportCase"]
    return case


async def read_back(gateway: Gateway, number: str, email: str) -> Any:
    body = await gateway.query(READ_BACK, {"n": number, "e": email})
    assert "errors" not in body, body
    return body["data"]["supportCase"]


async def reply(
    gateway: Gateway, person: str, case_id: str, text: str, *, close: bool = False
) -> dict[str, Any]:
    body = await gateway.query(
        REPLY, {"input": {"supportCaseId": case_id, "body": text, "close": close}}, as_user=person
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["replyToSupportCase"]
    return payload


async def test_the_opener_reads_the_case_back_and_the_consultant_answers(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    # given a case opened with no sign-in
    case = await open_case(gateway)
    number = case["caseNumber"]

    # the opener reads it back with its number and email (any case, spaces around)
    mine = await read_back(gateway, f" {number.lower()} ", CONTACT.upper())
    assert mine["caseNumber"] == number
    assert (mine["caseStatus"], mine["status"]) == ("OPEN", "OPEN")
    assert mine["description"] == "Unsure if we have an agreement on file?"
    assert mine["replies"] == []
    # any miss is null, whichever part is wrong
    assert await read_back(gateway, number, "someone.else@canyonpeds.example") is None
    other_year = number.replace(number[3:7], str(int(number[3:7]) - 1))
    assert await read_back(gateway, other_year, CONTACT) is None
    assert await read_back(gateway, "OA-2026-999999", CONTACT) is None
    assert await read_back(gateway, "'; DROP TABLE support_cases; --", CONTACT) is None

    # the region's representative finds it in the queue; another region's does not
    scal = (await gateway.query(QUEUE, as_user="rep.scal"))["data"]["representativeQueue"]["supportCases"]
    assert case["id"] in {c["id"] for c in scal}
    ga = (await gateway.query(QUEUE, as_user="rep.ga"))["data"]["representativeQueue"]["supportCases"]
    assert case["id"] not in {c["id"] for c in ga}

    # nobody but the region's representatives answers it
    assert problems(await reply(gateway, "rep.ga", case["id"], "Hello")) == [
        ("NOT_FOUND", ["input", "supportCaseId"])
    ]
    assert problems(await reply(gateway, "dana.reyes", case["id"], "Hello")) == [
        ("NOT_FOUND", ["input", "supportCaseId"])
    ]
    assert problems(await reply(gateway, "rep.scal", case["id"], "   ")) == [("INVALID", ["input", "body"])]
    signed_out = await gateway.query(REPLY, {"input": {"supportCaseId": case["id"], "body": "x"}})
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # when the consultant answers
    answered = await reply(gateway, "rep.scal", case["id"], "Your agreement is on file and processed.")

    # then the case is ANSWERED, the opener is emailed (the answer itself stays in the portal) and reads it
    assert answered["userErrors"] == []
    assert answered["supportCase"]["caseStatus"] == "ANSWERED"
    async with gateway.runtime.directory.engine.connect() as connection:
        [email] = (
            (await connection.execute(select(outbox).where(outbox.c.kind == "support_case_answered")))
            .mappings()
            .all()
        )
    assert email["recipient"] == CONTACT
    assert number in email["subject"]
    assert "on file and processed" not in email["body"]
    mine = await read_back(gateway, number, CONTACT)
    assert mine["caseStatus"] == "ANSWERED"
    assert [(r["body"], r["author"]) for r in mine["replies"]] == [
        ("Your agreement is on file and processed.", "Online Affiliate consultant")
    ]
    answered_queue = (await gateway.query(QUEUE, {"s": "ANSWERED"}, as_user="rep.scal"))["data"]
    assert case["id"] in {c["id"] for c in answered_queue["representativeQueue"]["supportCases"]}

    # a closed case takes no more replies
    closed = await reply(gateway, "rep.scal", case["id"], "Closing this case.", close=True)
    assert closed["supportCase"]["caseStatus"] == "CLOSED"
    assert problems(await reply(gateway, "rep.scal", case["id"], "More")) == [
        ("INVALID", ["input", "supportCaseId"])
    ]
    assert [e["outcome"] for e in await audit_trail(gateway, "reply_to_support_case")].count("ok") == 2


async def test_read_backs_are_throttled_per_client_address(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    case = await open_case(gateway, region="GA")
    answers = []
    for _ in range(READ_BACKS_PER_ADDRESS + 1):
        body = await gateway.query(READ_BACK, {"n": case["caseNumber"], "e": "guess@example.com"})
        answers.append(body)
        if "errors" in body:
            break
    refused = answers[-1]
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused["errors"][0]["extensions"]["retryAfter"] >= 1
    # every refused guess and every miss was audited
    assert [e["outcome"] for e in await audit_trail(gateway, "read_support_case")].count("miss") >= len(
        answers
    ) - 1
