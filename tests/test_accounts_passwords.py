"""Passwords (NIST SP 800-63B), changing them, and the self-service recovery of seed 002, question 3."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from gateway.accounts.passwords import GUIDELINE, common_passwords, password_problem
from gateway.accounts.recovery import ANSWER_FLOOR_SECONDS, request_password_reset
from gateway.accounts.transaction import Caller
from gateway.auth.principal import ANONYMOUS
from gateway.directory.tables import outbox, password_reset_tokens
from gateway.errors import UserErrorCode
from gateway.outbox import rendered_body
from gateway.runtime import Runtime
from tests.account_steps import NEW_PASSWORD, USER_ERRORS, active_person, audit_trail, problems
from tests.conftest import DEMO_PASSWORD, Gateway

CHANGE = f"""mutation ($current: String!, $new: String!) {{
  changePassword(input: {{currentPassword: $current, newPassword: $new}}) {{ changed {USER_ERRORS} }} }}"""
REQUEST_RESET = f"""mutation ($userId: String!, $email: String!) {{
  requestPasswordReset(input: {{userId: $userId, email: $email}}) {{ accepted {USER_ERRORS} }} }}"""
RESET = f"""mutation ($token: String!, $new: String!) {{
  resetPassword(input: {{token: $token, newPassword: $new}}) {{ changed {USER_ERRORS} }} }}"""
RECOVER = f"""mutation ($email: String!) {{ recoverUserId(input: {{email: $email}}) {{ accepted {USER_ERRORS} }} }}"""
WHO = "query { viewer { user { userId } } }"
HARBOR = "95-1000001"


# ------------------------------------------------------------------ the policy


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("fourteen chars", "has 14 characters"),
        ("x" * 129, "more than 128"),
        ("my id is pat.kim, ok?", "contains your user ID"),
        ("MY ID IS PAT.KIM, OK?", "contains your user ID"),
        ("password1234567", "commonly used"),
        ("!!iloveyou2026!!", "commonly used"),
        ("p a s s w o r d 1 2 3 4", "commonly used"),
        ("dragondragondragon", "commonly used"),
        ("zqzqzqzqzqzqzqzqzq", "repeats a short pattern"),
    ],
)
def test_the_policy_refuses_short_personal_and_common_passwords(password: str, reason: str) -> None:
    problem = password_problem(password, "pat.kim", ("input", "newPassword"))

    assert problem is not None
    assert problem.code is UserErrorCode.PASSWORD_GUIDELINES
    assert problem.field == ("input", "newPassword")
    assert reason in problem.message
    assert GUIDELINE in problem.message


@pytest.mark.parametrize(
    "password",
    [
        "fifteen chars!!",
        "kettle orchard lantern 42",
        "alllowercasewithoutdigits",
        "Пароль из нескольких слов",
        "パスワードは長くて覚えやすい文です",
        "y" * 20 + "z" * 44,  # 64 characters
        ("kettle orchard lantern 42 " * 5)[:128],
    ],
)
def test_the_policy_takes_any_long_uncommon_password_without_composition_rules(password: str) -> None:
    assert password_problem(password, "pat.kim", ("input", "newPassword")) is None


def test_passwords_are_compared_after_unicode_normalisation() -> None:
    # Full-width letters normalise (NFKC) to the plain ones: the same common password.
    assert password_problem("ｐａｓｓｗｏｒｄ１２３４５６７", "pat.kim", ("p",)) is not None
    assert password_problem("ｋｅｔｔｌｅ ｏｒｃｈａｒｄ ｌａｎｔｅｒｎ", "pat.kim", ("p",)) is None


def test_the_common_password_list_is_a_real_one() -> None:
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"password", "123456", "qwerty", "iloveyou"} <= listed


# ------------------------------------------------------------ change password


async def _post_as(gateway: Gateway, token: str, document: str, variables: dict[str, Any]) -> Any:
    return await gateway.client.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )


async def test_changing_the_password_needs_the_current_one_and_signs_other_sessions_off(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    await active_person(gateway, "pat.kim", [(HARBOR, "SCAL", "rep.scal")])
    other_session = await gateway.sign_in("pat.kim", NEW_PASSWORD)

    async def change(current: str, new: str) -> dict[str, Any]:
        body = await gateway.query(CHANGE, {"current": current, "new": new}, as_user="pat.kim")
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["changePassword"]
        return payload

    wrong = await change("not my password at all", "a brand new passphrase")
    assert wrong["changed"] is False
    assert problems(wrong) == [("WRONG_PASSWORD", ["input", "currentPassword"])]
    weak = await change(NEW_PASSWORD, "short one")
    assert problems(weak) == [("PASSWORD_GUIDELINES", ["input", "newPassword"])]
    assert "15 to 128 characters" in weak["userErrors"][0]["message"]
    personal = await change(NEW_PASSWORD, "pat.kim's new password")
    assert problems(personal) == [("PASSWORD_GUIDELINES", ["input", "newPassword"])]
    # nothing was changed by the refusals: both sessions still work
    assert (await _post_as(gateway, other_session, WHO, {})).status_code == 200

    changed = await change(NEW_PASSWORD, "a brand new passphrase")

    assert changed == {"changed": True, "userErrors": []}
    assert (await gateway.query(WHO, as_user="pat.kim"))["data"]["viewer"]["user"]["userId"] == "pat.kim"
    assert (await _post_as(gateway, other_session, WHO, {})).status_code == 401
    old = await gateway.client.post("/auth/sign-in", json={"userId": "pat.kim", "password": NEW_PASSWORD})
    assert old.status_code == 401
    await gateway.sign_in("pat.kim", "a brand new passphrase")
    events = await audit_trail(gateway, "change_password")
    assert [e["outcome"] for e in events] == ["refused", "refused", "refused", "ok"]
    assert events[0]["detail"]["codes"] == ["WRONG_PASSWORD"]
    assert not any("passphrase" in str(e) or NEW_PASSWORD in str(e) for e in events)
    signed_out = await gateway.query(CHANGE, {"current": "a", "new": "b"})
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# ----------------------------------------------------------------- recovery


async def _outbox(gateway: Gateway, kind: str) -> list[dict[str, Any]]:
    """The emails of a kind, each body as the mail relay would get it (a reset code in place)."""
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(outbox).where(outbox.c.kind == kind).order_by(outbox.c.id)
        rows = [dict(row) for row in (await connection.execute(statement)).mappings()]
    key_path = gateway.runtime.settings.signing_key_path
    return [{**row, "body": await rendered_body(key_path, row["kind"], row["body"])} for row in rows]


def _token_in(email: dict[str, Any]) -> str:
    """The reset code: the line of the email that is nothing but the code."""
    [token] = [line for line in email["body"].splitlines() if len(line) >= 40 and " " not in line]
    return token


async def _request_reset(gateway: Gateway, user_id: str, email: str) -> dict[str, Any]:
    started = time.monotonic()
    body = await gateway.query(REQUEST_RESET, {"userId": user_id, "email": email})
    # Every answer waits out the same floor, whether an account matched or not.
    assert time.monotonic() - started >= ANSWER_FLOOR_SECONDS
    payload: dict[str, Any] = body["data"]["requestPasswordReset"]
    return payload


async def _reset(gateway: Gateway, token: str, new: str) -> dict[str, Any]:
    body = await gateway.query(RESET, {"token": token, "new": new})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["resetPassword"]
    return payload


async def test_a_reset_request_is_accepted_whoever_asks_and_emails_only_the_owner(
    writable_gateway: Gateway,
) -> None:
    gateway = writable_gateway
    before = len(await _outbox(gateway, "password_reset"))

    answers = [
        await _request_reset(gateway, "nobody.here", "nobody@example.com"),
        await _request_reset(gateway, "dana.reyes", "someone.else@example.com"),
        await _request_reset(gateway, "dana\x00.reyes", "x" * 500),
        await _request_reset(gateway, " Dana.Reyes ", "DANA.REYES@harbormedical.example"),
    ]

    assert answers == [{"accepted": True, "userErrors": []}] * 4
    emails = (await _outbox(gateway, "password_reset"))[before:]
    assert [e["recipient"] for e in emails] == ["dana.reyes@harbormedical.example"]
    token = _token_in(emails[0])
    async with gateway.runtime.directory.engine.connect() as connection:
        stored = (await connection.execute(select(password_reset_tokens.c.token_hash))).scalars().all()
    assert token not in stored  # only its hash is kept
    events = await audit_trail(gateway, "request_password_reset")
    assert [e["detail"]["matched"] for e in events[-4:]] == [False, False, False, True]
    assert not any(token in str(e) for e in events)


async def test_a_reset_code_works_once_and_signs_every_session_off(
    writable_gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = writable_gateway
    await active_person(gateway, "reset.me", [(HARBOR, "SCAL", "rep.scal")])
    session = gateway.tokens["reset.me"]
    with caplog.at_level(logging.INFO, logger="gateway.outbox"):
        await _request_reset(gateway, "reset.me", "reset.me@clinic.example")
        await _request_reset(gateway, "reset.me", "reset.me@clinic.example")
    first, second = (await _outbox(gateway, "password_reset"))[-2:]
    # in development the email is logged, for want of a mail relay
    assert any(_token_in(second) in str(getattr(r, "fields", "")) for r in caplog.records)

    weak = await _reset(gateway, _token_in(second), "reset.me123456789")
    assert problems(weak) == [("PASSWORD_GUIDELINES", ["input", "newPassword"])]
    # a refused password leaves the code unspent; two uses at once get one success
    racing = await asyncio.gather(
        _reset(gateway, _token_in(second), "a fresh start for me"),
        _reset(gateway, _token_in(second), "another fresh start here"),
    )
    assert sorted(p["changed"] for p in racing) == [False, True]
    assert [problems(p) for p in racing if not p["changed"]] == [[("TOKEN_INVALID", ["input", "token"])]]
    new_password = "a fresh start for me" if racing[0]["changed"] else "another fresh start here"

    assert (await _post_as(gateway, session, WHO, {})).status_code == 401
    await gateway.sign_in("reset.me", new_password)
    again = await _reset(gateway, _token_in(second), "yet another passphrase")
    assert problems(again) == [("TOKEN_INVALID", ["input", "token"])]
    # the earlier code was spent with the one used
    earlier = await _reset(gateway, _token_in(first), "yet another passphrase")
    assert problems(earlier) == [("TOKEN_INVALID", ["input", "token"])]
    assert problems(await _reset(gateway, "made-up", "yet another passphrase")) == [
        ("TOKEN_INVALID", ["input", "token"])
    ]


async def test_a_reset_code_expires(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    await _request_reset(gateway, "omar.haddad", "omar.haddad@frontrangeortho.example")
    [email] = (await _outbox(gateway, "password_reset"))[-1:]
    async with gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(
            update(password_reset_tokens).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    expired = await _reset(gateway, _token_in(email), "a fresh start for omar")

    assert problems(expired) == [("TOKEN_INVALID", ["input", "token"])]
    await gateway.sign_in("omar.haddad", DEMO_PASSWORD)


async def test_user_ids_are_recovered_by_email_without_revealing_accounts(writable_gateway: Gateway) -> None:
    gateway = writable_gateway
    before = len(await _outbox(gateway, "user_id_recovery"))

    answers = [
        (await gateway.query(RECOVER, {"email": email}))["data"]["recoverUserId"]
        for email in ("nobody@example.com", "not an email", " Tess.Nguyen@SummitBilling.example ")
    ]

    assert answers == [{"accepted": True, "userErrors": []}] * 3
    [email] = (await _outbox(gateway, "user_id_recovery"))[before:]
    assert email["recipient"] == "Tess.Nguyen@SummitBilling.example"
    assert "tess.nguyen" in email["body"]


async def test_production_logs_never_carry_the_reset_code(
    writable_gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    settings = dataclasses.replace(writable_gateway.runtime.settings, environment="production")
    runtime = Runtime.create(settings)
    try:
        with caplog.at_level(logging.INFO, logger="gateway.outbox"):
            await request_password_reset(
                runtime,
                Caller(principal=ANONYMOUS, client_address=None, request_id=None),
                user_id="rep.ga",
                email="andre.whitfield@kp.example",
            )
    finally:
        await runtime.close()
    [email] = (await _outbox(writable_gateway, "password_reset"))[-1:]
    [record] = [r for r in caplog.records if r.name == "gateway.outbox"]
    assert _token_in(email) not in str(getattr(record, "fields", "")) + record.getMessage()
    assert getattr(record, "fields", {})["kind"] == "password_reset"
