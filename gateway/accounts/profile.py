"""The profile: personal, work and supervisor information (Manage My Account › Profile)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.directory.records import UserRecord
from gateway.errors import UserErrorCode
from gateway.runtime import Runtime


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """What the person typed; None leaves a field as it is, an empty optional field clears it."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    organization: str | None = None
    job_title: str | None = None
    work_phone: str | None = None
    supervisor_name: str | None = None
    supervisor_email: str | None = None
    supervisor_phone: str | None = None


class _Kind(Enum):
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class _Field:
    name: str  # of ProfileChanges, UserRecord and the users table alike
    input_name: str
    label: str
    kind: _Kind
    required: bool = False
    max_length: int = 100


_FIELDS = (
    _Field("first_name", "firstName", "your first name", _Kind.TEXT, required=True),
    _Field("last_name", "lastName", "your last name", _Kind.TEXT, required=True),
    _Field("email", "email", "your email address", _Kind.EMAIL, required=True),
    _Field("phone", "phone", "your phone number", _Kind.PHONE),
    _Field("organization", "organization", "your organization", _Kind.TEXT, required=True, max_length=200),
    _Field("job_title", "jobTitle", "your job title", _Kind.TEXT),
    _Field("work_phone", "workPhone", "your work phone number", _Kind.PHONE),
    _Field("supervisor_name", "supervisorName", "your supervisor's name", _Kind.TEXT, max_length=200),
    _Field("supervisor_email", "supervisorEmail", "your supervisor's email address", _Kind.EMAIL),
    _Field("supervisor_phone", "supervisorPhone", "your supervisor's phone number", _Kind.PHONE),
)


def profile_values(
    changes: ProfileChanges,
    checks: Checks,
    *,
    prefix: tuple[str, ...],
    current: UserRecord | None,
) -> dict[str, str | None]:
    """The users-table values of the fields that change, each checked; with no `current` record
    (registration) the required fields must all be given."""
    values: dict[str, str | None] = {}
    for spec in _FIELDS:
        raw: str | None = getattr(changes, spec.name)
        field = (*prefix, spec.input_name)
        if raw is None:
            if current is None and spec.required:
                checks.text("", field, label=spec.label, max_length=spec.max_length)
            continue
        if not raw.strip() and not spec.required:
            values[spec.name] = None
            continue
        if spec.kind is _Kind.EMAIL:
            value = checks.email(raw, field, label=spec.label)
        elif spec.kind is _Kind.PHONE:
            value = checks.phone(raw, field, label=spec.label)
        else:
            value = checks.text(raw, field, label=spec.label, max_length=spec.max_length)
        if value:
            values[spec.name] = value
    _check_supervisor(values, changes, checks, prefix=prefix, current=current)
    return values


def _check_supervisor(
    values: dict[str, str | None],
    changes: ProfileChanges,
    checks: Checks,
    *,
    prefix: tuple[str, ...],
    current: UserRecord | None,
) -> None:
    """A supervisor is a name and an email address (a phone number is optional), or nobody."""

    def after(name: str) -> str | None:
        if getattr(changes, name) is not None:
            return values.get(name)
        return None if current is None else getattr(current, name)

    name, email, phone = after("supervisor_name"), after("supervisor_email"), after("supervisor_phone")
    # A field already refused must not be reported again as missing.
    refused = {problem.field for problem in checks.problems}
    if (email or phone) and not name and (*prefix, "supervisorName") not in refused:
        checks.refuse(UserErrorCode.INVALID, "Give your supervisor's name too.", (*prefix, "supervisorName"))
    if (name or phone) and not email and (*prefix, "supervisorEmail") not in refused:
        checks.refuse(
            UserErrorCode.INVALID, "Give your supervisor's email address too.", (*prefix, "supervisorEmail")
        )


async def update_profile(runtime: Runtime, caller: Caller, changes: ProfileChanges) -> UserRecord:
    """Change the person's own profile; every field is checked before anything is written."""
    user_pk, _ = caller.person()
    directory = runtime.directory
    async with account_change(runtime, caller, "update_profile") as change:
        current = (await directory.users_by_pks([user_pk]))[user_pk]
        checks = Checks()
        values = profile_values(changes, checks, prefix=("input",), current=current)
        checks.verdict()
        changed = {name: value for name, value in values.items() if getattr(current, name) != value}
        if not changed:
            return current
        # Which fields changed, never their values: the audit trail holds no personal data.
        change.detail["fields"] = sorted(spec.input_name for spec in _FIELDS if spec.name in changed)
        async with change.transaction() as rows:
            await rows.update_profile(user_pk, changed)
    return (await directory.users_by_pks([user_pk]))[user_pk]
