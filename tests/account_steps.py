"""Steps the account tests share: the mutations as a client writes them, and a person made ready to use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.directory.tables import audit_events
from tests.conftest import Gateway

# Fits the policy: long, not common, without the user ID.
NEW_PASSWORD = "kettle orchard lantern 42"

USER_ERRORS = "userErrors { code field message }"

REGISTER = f"""mutation ($input: RegisterUserInput!) {{ registerUser(input: $input) {{
  user {{ id userId kind status
    profile {{ firstName lastName email phone work {{ organization jobTitle phone }} supervisor {{ name email phone }} }}
    associations {{ id status access region {{ code }} entity {{ taxId name }} }} }}
  {USER_ERRORS} }} }}"""

DECIDE = f"""mutation ($input: DecideAssociationInput!) {{ decideAssociation(input: $input) {{
  association {{ id status access decidedAt decisionReason region {{ code }} entity {{ taxId }} user {{ userId status }} }}
  {USER_ERRORS} }} }}"""

PENDING = """query { pendingAssociations(first: 100) { edges { node { id status region { code } entity { taxId }
  user { userId status } } } } }"""

VIEWER = """query { viewer { user { userId status associations { id status access region { code } entity { taxId } } }
  activeRegion { code } approvedRegions { code } } }"""


def registration(
    user_id: str,
    associations: list[tuple[str, str]],
    *,
    kind: str = "PROVIDER_STAFF",
    password: str = NEW_PASSWORD,
    employer_tax_id: str | None = None,
    **profile: str,
) -> dict[str, Any]:
    """The input of registerUser, with a plausible profile unless told otherwise."""
    fields = {
        "firstName": "Lena",
        "lastName": "Ortiz",
        "email": f"{user_id}@clinic.example",
        "organization": "Mesa Verde Clinic",
    }
    fields.update(profile)
    entry: dict[str, Any] = {
        "userId": user_id,
        "password": password,
        "kind": kind,
        "profile": fields,
        "associations": [{"taxId": tax_id, "region": region} for tax_id, region in associations],
    }
    if employer_tax_id is not None:
        entry["employerTaxId"] = employer_tax_id
    return entry


def problems(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    """The (code, field) of each userError, which tests compare; the messages are checked apart."""
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


async def register(gateway: Gateway, entry: dict[str, Any]) -> dict[str, Any]:
    body = await gateway.query(REGISTER, {"input": entry})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["registerUser"]
    return payload


async def decide(
    gateway: Gateway, representative: str, association_id: str, *, approve: bool, reason: str | None = None
) -> dict[str, Any]:
    variables = {"input": {"associationId": association_id, "approve": approve, "reason": reason}}
    body = await gateway.query(DECIDE, variables, as_user=representative)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["decideAssociation"]
    return payload


async def active_person(
    gateway: Gateway, user_id: str, associations: list[tuple[str, str, str]], **options: Any
) -> dict[str, Any]:
    """Register someone, have each association approved by the named representative, and sign them in
    (the token is kept, so `as_user=user_id` works); returns the registered user."""
    payload = await register(gateway, registration(user_id, [(t, r) for t, r, _ in associations], **options))
    assert payload["userErrors"] == [], payload
    user: dict[str, Any] = payload["user"]
    for association, (_, _, representative) in zip(user["associations"], associations, strict=True):
        decided = await decide(gateway, representative, association["id"], approve=True)
        assert decided["userErrors"] == [], decided
    gateway.tokens[user_id] = await gateway.sign_in(user_id, options.get("password", NEW_PASSWORD))
    return user


async def audit_trail(gateway: Gateway, action: str) -> list[dict[str, Any]]:
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(audit_events).where(audit_events.c.action == action).order_by(audit_events.c.id)
        return [dict(row) for row in (await connection.execute(statement)).mappings()]
