"""Multi-factor sign-in with TOTP (NIST SP 800-63B AAL2): enrolment with recovery codes shown once, sign-in in
two steps (`mfa_required`, `/auth/sign-in/mfa`), codes that work once, switching it off with password and
code, and MFA_REQUIRED sending people to enrolment right after their password."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pyotp
import pytest

from tests.account_steps import NEW_PASSWORD, USER_ERRORS, active_person, audit_trail, problems
from tests.conftest import DEMO_PASSWORD, Gateway, start_gateway

HARBOR = "95-1000001"
BEGIN = f"mutation {{ beginTotpEnrollment {{ enrollment {{ uri secret }} {USER_ERRORS} }} }}"
CONFIRM = f"mutation ($c: String!) {{ confirmTotpEnrollment(input: {{code: $c}}) {{ recoveryCodes {USER_ERRORS} }} }}"
DISABLE = f"""mutation ($p: String!, $c: String!) {{ disableMfa(input: {{password: $p, code: $c}}) {{ disabled {USER_ERRORS} }} }}"""
MFA = "query { viewer { mfa { enabled recoveryCodesLeft } } }"
CLAIMS = 'query { claims(search: {claimNumber: "SCAL0000000001"}) { totalCount } }'


async def _sign_in(gateway: Gateway, user_id: str, password: str = NEW_PASSWORD) -> httpx.Response:
    return await gateway.client.post("/auth/sign-in", json={"userId": user_id, "password": password})


async def _second_step(gateway: Gateway, token: str, code: str) -> httpx.Response:
    return await gateway.client.post("/auth/sign-in/mfa", json={"mfa_token": token, "code": code})


async def _challenge(gateway: Gateway, user_id: str, password: str = NEW_PASSWORD) -> str:
    response = await _sign_in(gateway, user_id, password)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mfa_required"] is True
    assert "access_token" not in body
    token: str = body["mfa_token"]
    return token


async def _enrol(gateway: Gateway, user_id: str) -> tuple[pyotp.TOTP, list[str]]:
    begun = (await gateway.query(BEGIN, as_user=user_id))["data"]["beginTotpEnrollment"]
    assert begun["userErrors"] == []
    totp = pyotp.TOTP(begun["enrollment"]["secret"])
    confirmed = (await gateway.query(CONFIRM, {"c": totp.now()}, as_user=user_id))["data"][
        "confirmTotpEnrollment"
    ]
    assert confirmed["userErrors"] == []
    codes: list[str] = confirmed["recoveryCodes"]
    return totp, codes


async def test_enrolment_then_sign_in_in_two_steps(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    await active_person(gateway, "mfa.one", [(HARBOR, "SCAL", "rep.scal")])

    # enrolment: a QR code's URI, a wrong first code refused, then ten recovery codes, shown once
    begun = (await gateway.query(BEGIN, as_user="mfa.one"))["data"]["beginTotpEnrollment"]
    uri, secret = begun["enrollment"]["uri"], begun["enrollment"]["secret"]
    assert uri.startswith("otpauth://totp/Online%20Affiliate:mfa.one?")
    assert f"secret={secret}" in uri
    assert (await gateway.query(MFA, as_user="mfa.one"))["data"]["viewer"]["mfa"] == {
        "enabled": False,
        "recoveryCodesLeft": 0,
    }
    wrong = (await gateway.query(CONFIRM, {"c": "000000"}, as_user="mfa.one"))["data"][
        "confirmTotpEnrollment"
    ]
    assert problems(wrong) == [("MFA_CODE_INVALID", ["input", "code"])]
    totp = pyotp.TOTP(secret)
    confirmed = (await gateway.query(CONFIRM, {"c": totp.now()}, as_user="mfa.one"))["data"][
        "confirmTotpEnrollment"
    ]
    codes = confirmed["recoveryCodes"]
    assert len(codes) == len(set(codes)) == 10
    assert (await gateway.query(MFA, as_user="mfa.one"))["data"]["viewer"]["mfa"] == {
        "enabled": True,
        "recoveryCodesLeft": 10,
    }
    again = (await gateway.query(BEGIN, as_user="mfa.one"))["data"]["beginTotpEnrollment"]
    assert problems(again) == [("INVALID", None)]

    # the password alone opens no session: no token, no cookie
    first = await _sign_in(gateway, "mfa.one")
    assert first.status_code == 200
    assert set(first.json()) == {"mfa_required", "mfa_token", "expires_in"}
    assert "set-cookie" not in first.headers
    token = first.json()["mfa_token"]

    # a wrong code is invalid_code; the right one is the usual answer, with its cookie
    refused = await _second_step(gateway, token, "123456" if totp.now() != "123456" else "654321")
    assert (refused.status_code, refused.json()) == (401, {"error": "invalid_code"})
    code = totp.now()
    signed_in = await _second_step(gateway, token, code)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["token_type"] == "Bearer"
    assert "gateway_refresh=" in signed_in.headers["set-cookie"]
    headers = {"authorization": f"Bearer {signed_in.json()['access_token']}"}
    claims = await gateway.client.post("/graphql", json={"query": CLAIMS}, headers=headers)
    assert claims.json()["data"]["claims"]["totalCount"] == 1

    # the challenge opened its one session; the same TOTP code does not work twice
    assert (await _second_step(gateway, token, codes[0])).status_code == 401
    replayed = await _second_step(gateway, await _challenge(gateway, "mfa.one"), code)
    assert replayed.status_code == 401

    # a recovery code works once, ever
    assert (
        await _second_step(gateway, await _challenge(gateway, "mfa.one"), codes[1].upper())
    ).status_code == 200
    assert (await _second_step(gateway, await _challenge(gateway, "mfa.one"), codes[1])).status_code == 401
    gateway.tokens["mfa.one"] = signed_in.json()["access_token"]
    assert (await gateway.query(MFA, as_user="mfa.one"))["data"]["viewer"]["mfa"]["recoveryCodesLeft"] == 9
    # nothing secret in the audit trail
    trail = str(await audit_trail(gateway, "sign_in")) + str(
        await audit_trail(gateway, "confirm_totp_enrollment")
    )
    assert secret not in trail
    assert not any(c in trail for c in codes)


async def test_a_challenge_takes_few_tries_and_a_made_up_one_none(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    await active_person(gateway, "mfa.two", [(HARBOR, "SCAL", "rep.scal")])
    totp, _ = await _enrol(gateway, "mfa.two")

    assert (await _second_step(gateway, "made-up", totp.now())).json() == {"error": "invalid_code"}
    token = await _challenge(gateway, "mfa.two")
    for _ in range(5):
        assert (await _second_step(gateway, token, "000000")).status_code == 401
    # the challenge is spent by the wrong guesses: even the right code no longer opens it
    assert (await _second_step(gateway, token, totp.now())).status_code == 401
    malformed = await gateway.client.post("/auth/sign-in/mfa", json={"mfa_token": token})
    assert malformed.status_code == 400


async def test_switching_mfa_off_needs_the_password_and_a_code(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    await active_person(gateway, "mfa.three", [(HARBOR, "SCAL", "rep.scal")])
    _, codes = await _enrol(gateway, "mfa.three")

    wrong_password = await gateway.query(
        DISABLE, {"p": "not mine at all", "c": codes[0]}, as_user="mfa.three"
    )
    assert problems(wrong_password["data"]["disableMfa"]) == [("WRONG_PASSWORD", ["input", "password"])]
    wrong_code = await gateway.query(DISABLE, {"p": NEW_PASSWORD, "c": "999999"}, as_user="mfa.three")
    assert problems(wrong_code["data"]["disableMfa"]) == [("MFA_CODE_INVALID", ["input", "code"])]

    done = (await gateway.query(DISABLE, {"p": NEW_PASSWORD, "c": codes[0]}, as_user="mfa.three"))["data"]
    assert done["disableMfa"] == {"disabled": True, "userErrors": []}
    direct = await _sign_in(gateway, "mfa.three")
    assert "access_token" in direct.json()


@pytest.fixture
async def clinical_mfa_gateway(writable_gateway: Gateway) -> AsyncIterator[Gateway]:
    """Another replica over the same stores, with MFA_REQUIRED=clinical."""
    settings = dataclasses.replace(writable_gateway.runtime.settings, mfa_required="clinical")
    async for running in start_gateway(settings):
        yield running


async def test_mfa_required_sends_clinical_people_to_enrolment_first(clinical_mfa_gateway: Gateway) -> None:
    gateway = clinical_mfa_gateway
    # a person with CLINICAL access and no second factor: a session for Manage My Account only
    answer: dict[str, Any] = (await _sign_in(gateway, "omar.haddad", DEMO_PASSWORD)).json()
    assert answer["mfa_enrollment_required"] is True
    gateway.tokens["omar.haddad"] = answer["access_token"]
    refused = await gateway.query(
        'query { claims(search: {claimNumber: "CO0000000001"}) { totalCount } }', as_user="omar.haddad"
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "second factor" in refused["errors"][0]["message"]

    # once enrolled, the same session reaches claims
    await _enrol(gateway, "omar.haddad")
    opened = await gateway.query(
        'query { claims(search: {claimNumber: "CO0000000001"}) { totalCount } }', as_user="omar.haddad"
    )
    assert opened["data"]["claims"]["totalCount"] == 1

    # administrative access alone needs no second factor under `clinical`
    tpa = (await _sign_in(gateway, "tess.nguyen", DEMO_PASSWORD)).json()
    assert "mfa_enrollment_required" not in tpa
    assert "access_token" in tpa
