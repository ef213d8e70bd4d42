"""Manage My Account › Profile, and Online Affiliate support cases (the Online Provider Tools page and the Online Affiliate FAQ)."""

from __future__ import annotations

import re
from typing import Any

from tests.account_steps import USER_ERRORS, audit_trail, problems
from tests.conftest import Gateway

PROFILE_FIELDS = """profile { firstName lastName email phone work { organization jobTitle phone }
  supervisor { name email phone } }"""
UPDATE = f"""mutation ($input: ProfileInput!) {{ updateProfile(input: $input) {{
  user {{ userId {PROFILE_FIELDS} }} {USER_ERRORS} }} }}"""
MY_PROFILE = f"query {{ viewer {{ user {{ {PROFILE_FIELDS} }} }} }}"
OPEN_CASE = f"""mutation ($input: SupportCaseInput!) {{ openSupportCase(input: $input) {{
  supportCase {{ id caseNumber status topic openedAt region {{ code }} }} {USER_ERRORS} }} }}"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on SupportCase { caseNumber topic region { code } } } }"


async def update(gateway: Gateway, person: str, changes: dict[str, Any]) -> dict[str, Any]:
    body = await gateway.query(UPDATE, {"input": changes}, as_user=person)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["updateProfile"]
    return payload


async def profile_of(gateway: Gateway, person: str) -> dict[str, Any]:
    profile: dict[str, Any] = (await gateway.query(MY_PROFILE, as_user=person))["data"]["viewer"]["user"][
        "profile"
    ]
    return profile


async def test_people_edit_personal_work_and_supervisor_information(writable_gateway: Gateway) -> None:
    gateway = writable_gateway

    payload = await update(
        gateway,
        "omar.haddad",
        {
            "firstName": "  Omar  ",
            "email": "omar@newgroup.example",
            "phone": "+1 (303) 555-0199 ext 12",
            "organization": "Rocky Mountain Spine",
            "jobTitle": "",
            "workPhone": "303.555.0100",
            "supervisorName": "Ana Ruiz",
            "supervisorEmail": "ana.ruiz@newgroup.example",
            "supervisorPhone": "",
        },
    )

    assert payload["userErrors"] == []
    expected = {
        "firstName": "Omar",
        "lastName": "Haddad",
        "email": "omar@newgroup.example",
        "phone": "+1 (303) 555-0199 ext 12",
        "work": {"organization": "Rocky Mountain Spine", "jobTitle": None, "phone": "303.555.0100"},
        "supervisor": {"name": "Ana Ruiz", "email": "ana.ruiz@newgroup.example", "phone": None},
    }
    assert payload["user"]["profile"] == expected
    assert await profile_of(gateway, "omar.haddad") == expected
    [event] = [e for e in await audit_trail(gateway, "update_profile") if e["actor"] == "omar.haddad"]
    # which fields changed (the first name, once trimmed, did not), never what they hold
    assert event["detail"]["fields"] == [
        "email",
        "jobTitle",
        "organization",
        "phone",
        "supervisorEmail",
        "supervisorName",
        "supervisorPhone",
        "workPhone",
    ]
    assert "newgroup" not in str(event)


async def test_each_profile_field_is_checked_and_nothing_changes_when_one_fails(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    before = await profile_of(gateway, "dana.reyes")

    payload = await update(
        gateway,
        "dana.reyes",
        {
            "firstName": "",
            "lastName": "R" * 101,
            "email": "dana at harbor",
            "phone": "call me maybe",
            "organization": "Harbor\u0000Medical",
            "workPhone": "12",
            "supervisorEmail": "elena@",
            "jobTitle": "Billing Lead",
        },
    )

    assert payload["user"] is None
    assert sorted(problems(payload)) == sorted(
        [
            ("INVALID", ["input", "firstName"]),
            ("INVALID", ["input", "lastName"]),
            ("INVALID", ["input", "email"]),
            ("INVALID", ["input", "phone"]),
            ("INVALID", ["input", "organization"]),
            ("INVALID", ["input", "workPhone"]),
            ("INVALID", ["input", "supervisorEmail"]),
        ]
    )
    assert all(error["message"] for error in payload["userErrors"])
    assert await profile_of(gateway, "dana.reyes") == before
    # a supervisor is a name and an email address, or nobody
    assert problems(await update(gateway, "dana.reyes", {"supervisorName": ""})) == [
        ("INVALID", ["input", "supervisorName"])
    ]
    assert problems(await update(gateway, "tess.nguyen", {"supervisorEmail": ""})) == [
        ("INVALID", ["input", "supervisorEmail"])
    ]
    signed_out = await gateway.query(UPDATE, {"input": {"firstName": "Mallory"}})
    assert signed_out["data"] is None
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def case_input(**fields: str) -> dict[str, str]:
    entry = {
        "region": "SCAL",
        "topic": "AGREEMENT_ON_FILE",
        "groupName": "Sunrise Urgent Care",
        "taxId": "338000008",
        "contactEmail": "office@sunriseurgent.example",
        "description": "Do you have our enrollment agreement on file?",
    }
    entry.update(fields)
    return entry


async def open_case(gateway: Gateway, entry: dict[str, str], person: str | None = None) -> dict[str, Any]:
    body = await gateway.query(OPEN_CASE, {"input": entry}, as_user=person)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["openSupportCase"]
    return payload


async def test_anyone_opens_a_support_case_with_a_case_number(writable_gateway: Gateway) -> None:
    gateway = writable_gateway

    first = await open_case(gateway, case_input())
    second = await open_case(gateway, case_input(topic="REGISTRATION", region="GA"), person="dana.reyes")

    assert first["userErrors"] == second["userErrors"] == []
    case = first["supportCase"]
    assert re.fullmatch(r"OA-20\d\d-\d{6}", case["caseNumber"])
    assert (case["status"], case["topic"], case["region"]) == ("OPEN", "AGREEMENT_ON_FILE", {"code": "SCAL"})
    assert case["caseNumber"] != second["supportCase"]["caseNumber"]
    refused = await open_case(
        gateway, case_input(groupName=" ", taxId="00-0000000", contactEmail="nobody", description="")
    )
    assert refused["supportCase"] is None
    assert sorted(problems(refused)) == [
        ("INVALID", ["input", "contactEmail"]),
        ("INVALID", ["input", "description"]),
        ("INVALID", ["input", "groupName"]),
        ("INVALID", ["input", "taxId"]),
    ]


async def test_a_support_case_is_seen_by_its_opener_and_the_regions_representatives(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    anonymous = (await open_case(gateway, case_input()))["supportCase"]
    danas = (await open_case(gateway, case_input(region="GA"), person="dana.reyes"))["supportCase"]

    async def sees(person: str | None, case: dict[str, Any]) -> bool:
        body = await gateway.query(NODE, {"id": case["id"]}, as_user=person)
        node = body["data"]["node"]
        if node is not None:
            assert node["caseNumber"] == case["caseNumber"]
        return node is not None

    assert [await sees(p, anonymous) for p in (None, "rep.scal", "rep.ga", "dana.reyes")] == [
        False,
        True,
        False,
        False,
    ]
    assert [await sees(p, danas) for p in ("dana.reyes", "rep.ga", "rep.scal", "omar.haddad")] == [
        True,
        True,
        False,
        False,
    ]
    events = await audit_trail(gateway, "open_support_case")
    assert {e["actor"] for e in events} >= {None, "dana.reyes"}
