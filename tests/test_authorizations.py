"""Referrals and authorizations through HTTP: the fixed ones as the demo data writes them, who sees what,
and the life of a request (request, duplicates, idempotency, decision letters, answers, cancel, overdue)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gateway.directory.tables import outbox
from gateway.seed.fixed import demo_pdf
from regions.base.authorizations import (
    AuthorizationKind,
    AuthorizationUrgency,
    NewAuthorization,
    NewAuthorizationMessage,
    NewService,
)
from regions.base.records import PlanType
from tests.account_steps import problems, register, registration
from tests.clock import FakeClock
from tests.conftest import Gateway
from tests.partner_steps import audit_of, partner_query, partner_token, register_client
from tests.test_claim_actions_attachments import download, upload_payload
from tests.test_inbasket_subscription import delivered, received, serving, silent, subscribed, until_live

AUTHORIZATION_FIELDS = """
    id authorizationNumber kind urgency status overdue diagnosisCodes clinicalNotes
    submittedAt decisionDueAt decidedAt decisionReason validFrom validTo availableActions
    member { memberId dateOfBirth } region { code } entity { taxId }
    requestingProvider { id name }
    services { procedureCode description requestedUnits approvedUnits serviceFrom serviceTo decision }
    attachments { id filename contentType }
    messages { totalCount edges { node { kind folder subject body } } }
"""
SEARCH = f"""
query($search: AuthorizationSearch!, $first: Int) {{
  authorizations(search: $search, first: $first) {{ totalCount edges {{ node {{ {AUTHORIZATION_FIELDS} }} }} }}
}}
"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Authorization {{ {AUTHORIZATION_FIELDS} }} }} }}"
PAYLOAD = f"authorization {{ {AUTHORIZATION_FIELDS} }} confirmation userErrors {{ code field message }}"
REQUEST = (
    f"mutation($input: AuthorizationRequestInput!) {{ requestAuthorization(input: $input) {{ {PAYLOAD} }} }}"
)
DECIDE = (
    f"mutation($input: DecideAuthorizationInput!) {{ decideAuthorization(input: $input) {{ {PAYLOAD} }} }}"
)
CANCEL = (
    f"mutation($input: CancelAuthorizationInput!) {{ cancelAuthorization(input: $input) {{ {PAYLOAD} }} }}"
)
RESPOND = (
    "mutation($input: AuthorizationRfiResponseInput!) { "
    f"respondToAuthorizationRequestForInformation(input: $input) {{ {PAYLOAD} }} }}"
)
PROVIDERS = """
query { entity(taxId: "84-2000002") { providers(region: CO, first: 1) { edges { node { id } } } } }
"""
IN_BASKET = """
query { viewer { inBasket(first: 10) { edges { node { kind subject authorization { authorizationNumber } } } } } }
"""


async def numbers(gateway: Gateway, user: str, search: dict[str, Any] | None = None) -> list[str]:
    body = await gateway.query(SEARCH, {"search": search or {}, "first": 100}, as_user=user)
    assert "errors" not in body, body
    return [edge["node"]["authorizationNumber"] for edge in body["data"]["authorizations"]["edges"]]


async def authorization(gateway: Gateway, user: str, number: str) -> dict[str, Any]:
    body = await gateway.query(SEARCH, {"search": {"authorizationNumber": number}}, as_user=user)
    [edge] = body["data"]["authorizations"]["edges"]
    node: dict[str, Any] = edge["node"]
    return node


# ------------------------------------------------------------------ the fixed authorizations


async def test_the_fixed_authorizations_come_back_as_the_demo_data_writes_them(gateway: Gateway) -> None:
    knee = await authorization(gateway, "omar.haddad", "CO-A000000001")
    assert (knee["kind"], knee["status"], knee["validFrom"], knee["validTo"]) == (
        "PRIOR_AUTHORIZATION",
        "APPROVED",
        "2026-01-15",
        "2026-07-15",
    )
    assert [
        (s["procedureCode"], s["description"], s["requestedUnits"], s["approvedUnits"])
        for s in knee["services"]
    ] == [("27447", "Total knee arthroplasty", 1, 1)]
    assert (knee["member"]["memberId"], knee["entity"]["taxId"]) == ("M300000001", "84-2000002")
    therapy = await authorization(gateway, "omar.haddad", "CO-A000000002")
    assert (therapy["kind"], therapy["status"]) == ("REFERRAL", "PENDED_FOR_INFORMATION")
    assert [(s["procedureCode"], s["requestedUnits"]) for s in therapy["services"]] == [("97110", 12)]
    assert therapy["availableActions"] == ["RESPOND_TO_REQUEST_FOR_INFORMATION", "CANCEL"]
    consult = await authorization(gateway, "dana.reyes", "NCAL-A000000001")
    assert (consult["kind"], consult["status"], consult["member"]["memberId"]) == (
        "REFERRAL",
        "SUBMITTED",
        "M200000001",
    )
    assert [(s["procedureCode"], s["requestedUnits"]) for s in consult["services"]] == [("99244", 1)]


async def test_due_dates_follow_the_cms_time_frames(gateway: Gateway) -> None:
    consult = await authorization(gateway, "dana.reyes", "NCAL-A000000001")
    submitted = datetime.fromisoformat(consult["submittedAt"])
    assert datetime.fromisoformat(consult["decisionDueAt"]) - submitted == timedelta(days=7)
    # Submitted in March 2026 and still undecided: overdue to its requester and to its reviewer.
    assert consult["overdue"] is True
    assert (await authorization(gateway, "um.ncal", "NCAL-A000000001"))["overdue"] is True
    assert (await authorization(gateway, "omar.haddad", "CO-A000000001"))["overdue"] is False


FIXED_NUMBERS = {"CO-A000000001", "CO-A000000002", "NCAL-A000000001"}


@pytest.mark.parametrize(
    ("user", "fixed", "scope"),
    [
        (
            "omar.haddad",
            ["CO-A000000002", "CO-A000000001"],
            {("CO", "84-2000002"), ("HI", "99-3000003"), ("MAS", "52-4000004"), ("NW", "93-5000005")},
        ),
        ("dana.reyes", ["NCAL-A000000001"], {("SCAL", "95-1000001"), ("NCAL", "95-1000001")}),
        ("tess.nguyen", [], {("GA", "58-6000006")}),
        ("rep.scal", [], set()),
        ("um.co", ["CO-A000000002", "CO-A000000001"], {"CO"}),
        ("um.ncal", ["NCAL-A000000001"], {"NCAL"}),
    ],
)
async def test_each_person_lists_only_what_their_tax_ids_or_region_hold(
    gateway: Gateway, user: str, fixed: list[str], scope: set[Any]
) -> None:
    body = await gateway.query(
        "query { authorizations(search: {}, first: 100) { edges { node { authorizationNumber region { code } "
        "entity { taxId } } } } }",
        as_user=user,
    )
    nodes = [edge["node"] for edge in body["data"]["authorizations"]["edges"]]
    assert [
        node["authorizationNumber"] for node in nodes if node["authorizationNumber"] in FIXED_NUMBERS
    ] == fixed
    for node in nodes:
        region = node["region"]["code"]
        assert region in scope or (region, node["entity"]["taxId"]) in scope


async def test_a_hidden_authorization_is_null_by_node_and_absent_by_number(gateway: Gateway) -> None:
    knee = await authorization(gateway, "omar.haddad", "CO-A000000001")
    for user in ("dana.reyes", "tess.nguyen", "um.ncal"):
        body = await gateway.query(NODE, {"id": knee["id"]}, as_user=user)
        assert body["data"]["node"] is None
        assert await numbers(gateway, user, {"authorizationNumber": "CO-A000000001"}) == []
    body = await gateway.query(NODE, {"id": knee["id"]}, as_user="um.co")
    assert body["data"]["node"]["authorizationNumber"] == "CO-A000000001"


async def test_the_reviewer_queue_reads_soonest_due_first_and_filters_overdue(gateway: Gateway) -> None:
    casey = {"memberId": "M300000001"}
    queue = await numbers(
        gateway, "um.co", {**casey, "sort": "DUE_SOONEST", "status": ["SUBMITTED", "PENDED_FOR_INFORMATION"]}
    )
    assert queue == ["CO-A000000002"]
    assert await numbers(gateway, "um.co", {**casey, "sort": "DUE_SOONEST"}) == [
        "CO-A000000001",
        "CO-A000000002",
    ]
    assert await numbers(gateway, "omar.haddad", {**casey, "overdue": True}) == ["CO-A000000002"]
    # the whole queue: every one open, soonest due first
    body = await gateway.query(
        "query { authorizations(search: {sort: DUE_SOONEST, overdue: true}, first: 50) "
        "{ edges { node { status decisionDueAt overdue } } } }",
        as_user="um.co",
    )
    nodes = [edge["node"] for edge in body["data"]["authorizations"]["edges"]]
    assert all(
        node["overdue"] and node["status"] in {"SUBMITTED", "PENDED_FOR_INFORMATION"} for node in nodes
    )
    assert [node["decisionDueAt"] for node in nodes] == sorted(node["decisionDueAt"] for node in nodes)


async def test_filters_narrow_the_list(gateway: Gateway) -> None:
    assert await numbers(gateway, "omar.haddad", {"memberId": "m300000001", "status": ["APPROVED"]}) == [
        "CO-A000000001"
    ]
    casey = {"memberId": "M300000001"}
    assert await numbers(gateway, "omar.haddad", {**casey, "submittedFrom": "2026-02-01"}) == [
        "CO-A000000002"
    ]
    assert await numbers(gateway, "omar.haddad", {**casey, "submittedTo": "2026-01-06"}) == ["CO-A000000001"]
    assert await numbers(gateway, "omar.haddad", {**casey, "taxId": "842000002", "regions": ["CO"]}) == [
        "CO-A000000002",
        "CO-A000000001",
    ]
    assert await numbers(gateway, "omar.haddad", {**casey, "regions": ["HI"]}) == []
    assert await numbers(gateway, "omar.haddad", {"authorizationNumber": "not a number"}) == []


async def test_a_cursor_of_another_order_is_bad_input(gateway: Gateway) -> None:
    first = """query($s: AuthorizationSearch!, $after: String) {
      authorizations(search: $s, first: 1, after: $after) { pageInfo { endCursor hasNextPage } edges { node { authorizationNumber } } } }"""
    casey = {"memberId": "M300000001"}
    page = await gateway.query(first, {"s": casey}, as_user="omar.haddad")
    cursor = page["data"]["authorizations"]["pageInfo"]["endCursor"]
    following = await gateway.query(first, {"s": casey, "after": cursor}, as_user="omar.haddad")
    assert [e["node"]["authorizationNumber"] for e in following["data"]["authorizations"]["edges"]] == [
        "CO-A000000001"
    ]
    body = await gateway.query(first, {"s": {"sort": "DUE_SOONEST"}, "after": cursor}, as_user="omar.haddad")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_signed_out_callers_are_asked_to_sign_in(gateway: Gateway) -> None:
    body = await gateway.query(SEARCH, {"search": {}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_administrative_access_sees_no_diagnosis_or_notes(gateway: Gateway) -> None:
    # given a partner bound to Front Range Orthopedics without `clinical:read`: administrative access
    secret = await register_client(
        gateway, "auth-admin-reader", "authorizations:read", bindings=("CO:84-2000002",)
    )
    token = await partner_token(gateway, "auth-admin-reader", secret)
    body = await partner_query(gateway, token, SEARCH, {"search": {"authorizationNumber": "CO-A000000001"}})
    [edge] = body["data"]["authorizations"]["edges"]
    assert edge["node"]["diagnosisCodes"] is None
    assert edge["node"]["clinicalNotes"] is None
    assert edge["node"]["member"]["dateOfBirth"] is None
    assert edge["node"]["availableActions"] == []
    # and a partner without `authorizations:read` sees none at all
    secret = await register_client(gateway, "auth-claims-only", "claims:read", bindings=("CO:84-2000002",))
    token = await partner_token(gateway, "auth-claims-only", secret)
    body = await partner_query(gateway, token, SEARCH, {"search": {}})
    assert body["data"]["authorizations"]["edges"] == []


# ------------------------------------------------------------------ the life of a request


@pytest.fixture
def clock(writable_gateway: Gateway) -> Iterator[FakeClock]:
    """The gateway's clock of business rules (due dates, overdue requests), moved by the test. Sessions and
    tokens keep the clock the gateway started with."""
    runtime = writable_gateway.runtime
    kept = runtime.clock
    fake = FakeClock(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    runtime.clock = fake
    yield fake
    runtime.clock = kept


async def requesting_provider(gateway: Gateway) -> str:
    body = await gateway.query(PROVIDERS, as_user="omar.haddad")
    provider_id: str = body["data"]["entity"]["providers"]["edges"][0]["node"]["id"]
    return provider_id


async def request_input(gateway: Gateway, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "region": "CO",
        "memberId": "M300000001",
        "memberDateOfBirth": "1959-06-14",
        "kind": "PRIOR_AUTHORIZATION",
        "urgency": "STANDARD",
        "requestingProviderId": await requesting_provider(gateway),
        "servicingProviderNpi": "1234567893",
        "servicingProviderName": "Front Range Imaging",
        "diagnosisCodes": ["M17.11", "m25561"],
        "services": [
            {"procedureCode": "73721", "units": 1, "serviceFrom": "2026-11-10", "serviceTo": "2026-11-30"},
            {"procedureCode": "97140", "units": 6, "serviceFrom": "2026-11-10", "serviceTo": "2026-12-31"},
        ],
        "clinicalNotes": "Right knee pain after arthroplasty.\nMRI to rule out loosening; manual therapy.",
    }
    values.update(changes)
    return values


async def request(gateway: Gateway, user: str = "omar.haddad", **changes: Any) -> dict[str, Any]:
    body = await gateway.query(REQUEST, {"input": await request_input(gateway, **changes)}, as_user=user)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestAuthorization"]
    return payload


async def decide(gateway: Gateway, user: str, **values: Any) -> dict[str, Any]:
    body = await gateway.query(DECIDE, {"input": values}, as_user=user)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["decideAuthorization"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


async def test_a_request_is_filed_with_its_due_date_and_the_request_in_the_sent_folder(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    payload = await request(writable_gateway, urgency="EXPEDITED", idempotencyKey="knee-mri-1")
    assert payload["userErrors"] == []
    filed = payload["authorization"]
    assert filed["authorizationNumber"].startswith("CO-A")
    assert filed["authorizationNumber"] in payload["confirmation"]
    assert filed["status"] == "SUBMITTED"
    assert filed["diagnosisCodes"] == ["M17.11", "M25.561"]
    assert datetime.fromisoformat(filed["decisionDueAt"]) == clock.now() + timedelta(hours=72)
    assert [s["decision"] for s in filed["services"]] == ["PENDING", "PENDING"]
    assert filed["availableActions"] == ["CANCEL"]
    [sent] = [edge["node"] for edge in filed["messages"]["edges"]]
    assert (sent["kind"], sent["folder"]) == ("AUTHORIZATION_REQUEST", "SENT")
    # the request as sent says nothing of the diagnosis or the notes: colleagues of the Tax ID read it
    assert "M17.11" not in sent["body"]
    assert "loosening" not in sent["body"]
    # when the same key is sent again, the first request answers, and nothing new is filed
    again = await request(writable_gateway, urgency="EXPEDITED", idempotencyKey="knee-mri-1")
    assert again["authorization"]["id"] == filed["id"]
    assert (await numbers(writable_gateway, "omar.haddad")).count(filed["authorizationNumber"]) == 1
    # and the same services again, without a key, are a duplicate while the first is open
    duplicate = await request(writable_gateway)
    assert codes(duplicate) == [("ALREADY_EXISTS", None)]
    assert duplicate["authorization"] is None
    # once 72 hours pass without a decision it is overdue, to the requester and the reviewer
    clock.advance(73 * 3600)
    assert (await authorization(writable_gateway, "omar.haddad", filed["authorizationNumber"]))["overdue"]
    assert filed["authorizationNumber"] in await numbers(writable_gateway, "um.co", {"overdue": True})


async def test_bad_codes_units_and_dates_are_invalid_on_their_fields(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    payload = await request(
        writable_gateway,
        diagnosisCodes=["M17.11", "17.11X"],
        services=[
            {"procedureCode": "2744", "units": 0, "serviceFrom": "2026-12-01", "serviceTo": "2026-11-01"},
        ],
        servicingProviderNpi="1234567890",
        clinicalNotes="   ",
    )
    assert sorted(codes(payload), key=str) == sorted(
        [
            ("INVALID", ["input", "diagnosisCodes", "1"]),
            ("INVALID", ["input", "services", "0", "procedureCode"]),
            ("INVALID", ["input", "services", "0", "units"]),
            ("INVALID", ["input", "services", "0", "serviceTo"]),
            ("INVALID", ["input", "servicingProviderNpi"]),
            ("INVALID", ["input", "clinicalNotes"]),
        ],
        key=str,
    )


async def test_requests_are_refused_where_they_may_not_be_made(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    # a region that takes no requests online
    payload = await request(writable_gateway, user="dana.reyes", region="NCAL", memberId="M200000001")
    assert codes(payload) == [("ACTION_NOT_AVAILABLE", ["input", "region"])]
    # a reviewer, a person without access in the region
    for user in ("um.co", "dana.reyes"):
        assert codes(await request(writable_gateway, user=user)) == [("NOT_ALLOWED", None)]
    # the wrong date of birth and an unknown member answer alike
    for changes in ({"memberDateOfBirth": "1959-06-15"}, {"memberId": "M399999999"}):
        assert codes(await request(writable_gateway, **changes)) == [("NOT_FOUND", ["input", "memberId"])]
    # a provider of another Tax ID, or no provider id at all
    assert codes(await request(writable_gateway, requestingProviderId="UHJvdmlkZXI6Q086OTk5OTk5")) == [
        ("INVALID", ["input", "requestingProviderId"])
    ]


async def test_a_decision_files_a_letter_and_an_email_for_the_requester(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    gateway = writable_gateway
    services = [
        {"procedureCode": "29881", "units": 1, "serviceFrom": "2026-12-01", "serviceTo": "2026-12-15"}
    ]
    services.append(
        {"procedureCode": "97110", "units": 12, "serviceFrom": "2026-12-16", "serviceTo": "2027-02-15"}
    )
    filed = (await request(gateway, services=services))["authorization"]
    # anyone but a reviewer of the region is refused
    for user in ("omar.haddad", "um.ncal"):
        refused = await decide(gateway, user, authorizationId=filed["id"], status="APPROVED")
        assert codes(refused) == [("NOT_ALLOWED", None)]
    # a denial needs its reason; a partial approval approves some units, not all
    refused = await decide(gateway, "um.co", authorizationId=filed["id"], status="DENIED")
    assert codes(refused) == [("INVALID", ["input", "reason"])]
    refused = await decide(
        gateway, "um.co", authorizationId=filed["id"], status="PARTIALLY_APPROVED", reason="x"
    )
    assert codes(refused) == [("INVALID", ["input", "services"])]
    emails_before = len(await _outbox(gateway))
    # when the reviewer approves the arthroscopy and 8 of 12 therapy units
    clock.advance(2 * 86400)
    decided = await decide(
        gateway,
        "um.co",
        authorizationId=filed["id"],
        status="PARTIALLY_APPROVED",
        reason="Eight visits meet the guideline; more after a re-evaluation.",
        services=[
            {"procedureCode": "29881", "decision": "APPROVED"},
            {"procedureCode": "97110", "decision": "APPROVED", "approvedUnits": 8},
        ],
    )
    # then
    assert decided["userErrors"] == []
    result = decided["authorization"]
    assert result["status"] == "PARTIALLY_APPROVED"
    assert [(s["approvedUnits"], s["decision"]) for s in result["services"]] == [
        (1, "APPROVED"),
        (8, "APPROVED"),
    ]
    assert (result["validFrom"], result["validTo"]) == ("2026-12-01", "2027-02-15")
    assert datetime.fromisoformat(result["decidedAt"]) == clock.now()
    seen = await authorization(gateway, "omar.haddad", filed["authorizationNumber"])
    letters = [
        e["node"] for e in seen["messages"]["edges"] if e["node"]["kind"] == "AUTHORIZATION_DECISION_LETTER"
    ]
    [letter] = letters
    assert letter["folder"] == "CUSTOMER_SERVICE_REPLY"
    assert "Eight visits meet the guideline" in letter["body"]
    assert "8 of 12 units approved" in letter["body"]
    assert "appeal" in letter["body"].lower()
    assert seen["availableActions"] == []
    emails = (await _outbox(gateway))[emails_before:]
    assert [(e["recipient"], e["kind"]) for e in emails] == [
        ("omar.haddad@frontrangeortho.example", "authorization_decided")
    ]
    # the email names the outcome, not the member or the services
    assert "M300000001" not in emails[0]["body"]
    assert "29881" not in emails[0]["body"]
    # and a second decision finds it closed
    again = await decide(gateway, "um.co", authorizationId=filed["id"], status="DENIED", reason="late")
    assert codes(again) == [("ACTION_NOT_AVAILABLE", None)]
    events = await audit_of(gateway, "decide_authorization", "um.co")
    assert events[-1]["outcome"] == "refused"
    assert events[-2]["outcome"] == "ok"
    assert events[-2]["detail"]["authorization_id"] == filed["id"]


async def test_a_request_for_information_is_answered_with_files_the_reviewer_reads(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    gateway = writable_gateway
    therapy = await authorization(gateway, "omar.haddad", "CO-A000000002")
    pdf = demo_pdf("Plan of care")
    fields = {
        "authorizationId": therapy["id"],
        "body": "Plan of care attached; 4 visits so far.",
        "idempotencyKey": "rfi-1",
    }
    payload = await upload_payload(gateway, RESPOND, fields, [("plan-of-care.pdf", pdf)], "omar.haddad")
    assert payload["userErrors"] == []
    answered = payload["authorization"]
    assert answered["status"] == "SUBMITTED"
    assert [a["filename"] for a in answered["attachments"]] == ["plan-of-care.pdf"]
    # the reviewer sees the answer and may read its file
    seen = await authorization(gateway, "um.co", "CO-A000000002")
    assert "AUTHORIZATION_RFI_RESPONSE" in [e["node"]["kind"] for e in seen["messages"]["edges"]]
    [attachment] = seen["attachments"]
    read = await download(gateway, attachment["id"], "um.co")
    assert read.status_code == 200
    assert read.content == pdf
    # a reviewer of another region, or a person without access there, may not
    assert (await download(gateway, attachment["id"], "um.ncal")).status_code == 404
    assert (await download(gateway, attachment["id"], "dana.reyes")).status_code == 404
    # the same key again answers the first response and files nothing
    again = await upload_payload(gateway, RESPOND, fields, [("plan-of-care.pdf", pdf)], "omar.haddad")
    assert again["userErrors"] == []
    assert len(again["authorization"]["attachments"]) == 1
    # no longer pended: nothing to answer
    body = await gateway.query(
        RESPOND, {"input": {"authorizationId": therapy["id"], "body": "More."}}, as_user="omar.haddad"
    )
    assert codes(body["data"]["respondToAuthorizationRequestForInformation"]) == [
        ("ACTION_NOT_AVAILABLE", None)
    ]


async def test_the_requester_cancels_an_open_request_once(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    gateway = writable_gateway
    services = [
        {"procedureCode": "70553", "units": 1, "serviceFrom": "2027-01-04", "serviceTo": "2027-01-31"}
    ]
    filed = (await request(gateway, services=services))["authorization"]
    blank = await gateway.query(
        CANCEL, {"input": {"authorizationId": filed["id"], "reason": " "}}, as_user="omar.haddad"
    )
    assert codes(blank["data"]["cancelAuthorization"]) == [("INVALID", ["input", "reason"])]
    body = await gateway.query(
        CANCEL,
        {"input": {"authorizationId": filed["id"], "reason": "Member moved out of area."}},
        as_user="omar.haddad",
    )
    cancelled = body["data"]["cancelAuthorization"]["authorization"]
    assert (cancelled["status"], cancelled["decisionReason"], cancelled["availableActions"]) == (
        "CANCELLED",
        "Member moved out of area.",
        [],
    )
    again = await gateway.query(
        CANCEL, {"input": {"authorizationId": filed["id"], "reason": "Again."}}, as_user="omar.haddad"
    )
    assert codes(again["data"]["cancelAuthorization"]) == [("ACTION_NOT_AVAILABLE", None)]
    # once cancelled, the same services may be requested again
    assert (await request(gateway, services=services))["userErrors"] == []
    # someone who cannot see it gets NOT_FOUND
    hidden = await gateway.query(
        CANCEL, {"input": {"authorizationId": filed["id"], "reason": "x"}}, as_user="dana.reyes"
    )
    assert codes(hidden["data"]["cancelAuthorization"]) == [("NOT_FOUND", ["input", "authorizationId"])]


async def test_a_physical_therapy_evaluation_is_approved_on_receipt(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    services = [
        {"procedureCode": "97162", "units": 1, "serviceFrom": "2026-11-20", "serviceTo": "2026-11-20"}
    ]
    payload = await request(writable_gateway, kind="REFERRAL", services=services)
    approved = payload["authorization"]
    assert approved["status"] == "APPROVED"
    assert [(s["approvedUnits"], s["decision"]) for s in approved["services"]] == [(1, "APPROVED")]
    assert "AUTHORIZATION_DECISION_LETTER" in [e["node"]["kind"] for e in approved["messages"]["edges"]]


async def test_partners_request_only_with_a_clinical_binding_and_the_write_scope(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    gateway = writable_gateway
    values = await request_input(
        gateway,
        services=[
            {"procedureCode": "E0601", "units": 1, "serviceFrom": "2027-02-01", "serviceTo": "2027-02-28"}
        ],
    )
    # without the write scope the mutation does not run at all
    secret = await register_client(
        gateway, "auth-read-only", "authorizations:read clinical:read", bindings=("CO:84-2000002",)
    )
    token = await partner_token(gateway, "auth-read-only", secret)
    body = await partner_query(gateway, token, REQUEST, {"input": values})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # with it but without `clinical:read` the binding is administrative: not allowed
    secret = await register_client(
        gateway, "auth-admin-writer", "authorizations:read authorizations:write", bindings=("CO:84-2000002",)
    )
    token = await partner_token(gateway, "auth-admin-writer", secret)
    body = await partner_query(gateway, token, REQUEST, {"input": values})
    assert codes(body["data"]["requestAuthorization"]) == [("NOT_ALLOWED", None)]
    # and the reviewer's mutation is never a partner's
    body = await partner_query(
        gateway, token, DECIDE, {"input": {"authorizationId": "QXV0aG9yaXphdGlvbjpDTzoy", "status": "DENIED"}}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    secret = await register_client(
        gateway,
        "auth-writer",
        "authorizations:read authorizations:write clinical:read",
        bindings=("CO:84-2000002",),
    )
    token = await partner_token(gateway, "auth-writer", secret)
    body = await partner_query(gateway, token, REQUEST, {"input": values})
    assert body["data"]["requestAuthorization"]["userErrors"] == []


async def _outbox(gateway: Gateway) -> list[dict[str, Any]]:
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(outbox).where(outbox.c.kind == "authorization_decided").order_by(outbox.c.id)
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


# ------------------------------------------------------------------ what a page costs

PAGE = """
query($first: Int) {
  authorizations(search: {regions: [CO]}, first: $first) {
    totalCount
    edges { cursor node {
      id authorizationNumber kind status overdue decisionDueAt diagnosisCodes
      member { memberId lastName } entity { name } requestingProvider { name npi }
      services { procedureCode requestedUnits approvedUnits decision } attachments { filename }
      availableActions
    } }
  }
}
"""


async def test_a_page_of_authorizations_costs_the_same_statements_whatever_its_size(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    # given 120 more authorizations in Colorado, filed through the region's own seam
    adapter = writable_gateway.runtime.regions["CO"]
    for index in range(120):
        start = date(2027, 3, 1) + timedelta(days=index)
        new = NewAuthorization(
            member_id="M300000001",
            tax_id="84-2000002",
            kind=AuthorizationKind.REFERRAL,
            urgency=AuthorizationUrgency.STANDARD,
            requesting_provider_pk=1,
            servicing_provider_npi="1234567893",
            servicing_provider_name="Foothills Physical Therapy",
            diagnosis_codes=("M17.11",),
            services=(NewService("97110", 4, start, start + timedelta(days=30)),),
            clinical_notes="Therapy block.",
            requested_by="omar.haddad",
            idempotency_key=None,
            submitted_at=clock.now() + timedelta(minutes=index),
        )
        sent = NewAuthorizationMessage(
            "omar.haddad", "Referral request {number}", "Request.", None, new.submitted_at
        )
        await adapter.request_authorization(new, sent)

    async def cost(first: int) -> float:
        before = writable_gateway.statements("CO")
        body = await writable_gateway.query(PAGE, {"first": first}, as_user="omar.haddad")
        assert len(body["data"]["authorizations"]["edges"]) == first
        return writable_gateway.statements("CO") - before

    await cost(5)  # warm what is kept between requests (providers)
    small, large = await cost(5), await cost(100)
    # then: the page with its count, the services, the attachments (and the providers, when not kept)
    assert large == small
    assert large <= 4


async def test_a_decision_letter_arrives_live_in_the_requesters_in_basket(
    writable_gateway: Gateway, clock: FakeClock
) -> None:
    gateway = writable_gateway
    services = [
        {"procedureCode": "72148", "units": 1, "serviceFrom": "2027-03-01", "serviceTo": "2027-03-31"}
    ]
    async with (
        serving(gateway.app) as endpoint,
        subscribed(endpoint, await gateway.token("omar.haddad")) as omar,
        subscribed(endpoint, await gateway.token("dana.reyes")) as dana,
    ):
        await until_live(omar, gateway, "omar.haddad", "HI0000000001")
        await until_live(dana, gateway, "dana.reyes", "SCAL0000000003")
        filed = (await request(gateway, services=services))["authorization"]
        [sent] = delivered(await received(omar, 1))
        assert (sent["kind"], sent["folder"]) == ("AUTHORIZATION_REQUEST", "SENT")
        # when the reviewer decides
        await decide(
            gateway, "um.co", authorizationId=filed["id"], status="DENIED", reason="Criteria not met."
        )
        # then the letter reaches the requester at once, and nobody else
        [letter] = delivered(await received(omar, 1))
        assert (letter["kind"], letter["folder"]) == (
            "AUTHORIZATION_DECISION_LETTER",
            "CUSTOMER_SERVICE_REPLY",
        )
        assert filed["authorizationNumber"] in letter["subject"]
        assert await silent(dana)


async def test_a_plan_served_outside_the_portal_is_refused_with_its_guidance(
    writable_gateway: Gateway, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given Colorado serving every plan outside the portal, as Northern California does its PPO plans
    adapter = writable_gateway.runtime.regions["CO"]
    monkeypatch.setattr(adapter, "rules", replace(adapter.rules, plans_outside_portal=frozenset(PlanType)))
    services = [
        {"procedureCode": "99204", "units": 1, "serviceFrom": "2027-04-01", "serviceTo": "2027-04-01"}
    ]
    payload = await request(writable_gateway, services=services)
    assert codes(payload) == [("PLAN_OUTSIDE_PORTAL", ["input", "memberId"])]
    assert payload["authorization"] is None


async def test_nobody_registers_as_a_utilization_reviewer(writable_gateway: Gateway) -> None:
    entry = registration("would.be.reviewer", [("84-2000002", "CO")], kind="UTILIZATION_REVIEWER")
    payload = await register(writable_gateway, entry)
    assert payload["user"] is None
    assert ("NOT_ALLOWED", ["input", "kind"]) in problems(payload)
