"""New user registration (the Online Provider Tools page, step 2): a REGISTERING person with PENDING
association requests."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from gateway import access
from gateway.accounts.associations import (
    TAX_ID_FORMAT,
    AssociationRequest,
    agreement_not_on_file,
    enrolled_entities,
    plan_associations,
)
from gateway.accounts.passwords import hashed, password_problem
from gateway.accounts.profile import ProfileChanges, profile_values
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.directory.accounts import NewUser
from gateway.directory.records import AssociationRecord, EntityKind, EntityRecord, UserKind, UserRecord
from gateway.errors import MutationRefused, Problem, UserErrorCode
from gateway.runtime import Runtime

# Lower-case letters, digits and . _ - @, starting and ending with a letter or digit.
_USER_ID = re.compile(r"[a-z0-9](?:[a-z0-9._@\-]{1,62})[a-z0-9]")
MAX_ASSOCIATION_REQUESTS = 20


@dataclass(frozen=True, slots=True)
class Registration:
    user_id: str
    password: str
    kind: UserKind
    profile: ProfileChanges
    associations: Sequence[tuple[str, str]]  # (Tax ID as typed, region)
    employer_tax_id: str | None = None


@dataclass(frozen=True, slots=True)
class RegisteredUser:
    user: UserRecord
    associations: list[AssociationRecord]
    entities: list[EntityRecord]  # of the associations


async def register_user(runtime: Runtime, caller: Caller, registration: Registration) -> RegisteredUser:
    """Create the account. It cannot sign in until a representative approves a first association.
    A user id already taken is refused (the unique index decides, so two registrations racing for
    one user id end with exactly one account)."""
    user_id = registration.user_id.strip().lower()
    async with account_change(runtime, caller, "register_user", actor=user_id) as change:
        checks = Checks()
        if _USER_ID.fullmatch(user_id) is None:
            checks.refuse(
                UserErrorCode.INVALID,
                "A user ID is 3 to 64 letters, digits, dots, dashes, underscores or @, starting and "
                "ending with a letter or digit.",
                ("input", "userId"),
            )
        if not access.may_self_register(registration.kind):
            checks.refuse(
                UserErrorCode.NOT_ALLOWED,
                "Regional representatives are set up by the health plan, not registered here.",
                ("input", "kind"),
            )
        refused_password = password_problem(registration.password, user_id, ("input", "password"))
        if refused_password is not None:
            checks.problems.append(refused_password)
        profile = profile_values(registration.profile, checks, prefix=("input", "profile"), current=None)
        employer_pk = await _employer(runtime, checks, registration)
        requests = [
            AssociationRequest(tax_id, region, ("input", "associations", str(index)))
            for index, (tax_id, region) in enumerate(registration.associations)
        ]
        if not requests:
            checks.refuse(
                UserErrorCode.INVALID, "Ask for at least one Tax ID association.", ("input", "associations")
            )
        elif len(requests) > MAX_ASSOCIATION_REQUESTS:
            checks.refuse(
                UserErrorCode.INVALID,
                f"Ask for at most {MAX_ASSOCIATION_REQUESTS} associations at once; add more later.",
                ("input", "associations"),
            )
            requests = []
        planned = await plan_associations(
            runtime.directory, checks, kind=registration.kind, employer_pk=employer_pk, requests=requests
        )
        checks.verdict()
        password_hash = await hashed(registration.password)
        now = datetime.now(UTC)
        new_user = NewUser(
            user_id=user_id,
            kind=registration.kind,
            password_hash=password_hash,
            profile=profile,
            employer_entity_pk=employer_pk,
        )
        async with change.transaction() as rows:
            try:
                user_pk = await rows.add_user(new_user, now)
            except IntegrityError:
                raise MutationRefused(
                    Problem(
                        UserErrorCode.ALREADY_EXISTS,
                        "This user ID is taken; choose another.",
                        ("input", "userId"),
                    )
                ) from None
            pks = await rows.add_associations(user_pk, [plan.request for plan in planned], now)
            change.detail.update(user=user_pk, associations=pks)
    users = await runtime.directory.users_by_pks([user_pk])
    associations = await runtime.directory.associations_by_user_pks([user_pk])
    return RegisteredUser(
        user=users[user_pk], associations=associations[user_pk], entities=[plan.entity for plan in planned]
    )


async def _employer(runtime: Runtime, checks: Checks, registration: Registration) -> int | None:
    """The organization a third-party administrator works for: a TPA with a processed agreement."""
    field = ("input", "employerTaxId")
    raw = registration.employer_tax_id
    is_tpa = registration.kind is UserKind.THIRD_PARTY_ADMINISTRATOR
    if raw is None or not raw.strip():
        if is_tpa:
            checks.refuse(
                UserErrorCode.INVALID,
                "A third-party administrator names the Tax ID of the organization they work for.",
                field,
            )
        return None
    tax_id = valid_tax_id(raw)
    if tax_id is None:
        checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, field)
        return None
    employer = (await enrolled_entities(runtime.directory, [tax_id])).get(tax_id)
    if employer is None:
        checks.problems.append(agreement_not_on_file(tax_id, field))
        return None
    if is_tpa and employer.kind is not EntityKind.THIRD_PARTY_ADMINISTRATOR:
        checks.refuse(
            UserErrorCode.INVALID, f"Tax ID {tax_id} is not on file as a third-party administrator.", field
        )
        return None
    return employer.pk
