"""Online Affiliate support cases (the Online Provider Tools page): e.g. to ask whether an agreement is on
file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gateway import access
from gateway.accounts.associations import TAX_ID_FORMAT
from gateway.accounts.attempts import count_attempt
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.auth.principal import Principal
from gateway.auth.throttle import Attempt
from gateway.directory.accounts import DirectoryAccounts, SupportCaseRecord, SupportTopic
from gateway.errors import UserErrorCode
from gateway.runtime import Runtime
from regions.base.registry import REGION_CODES

_DESCRIPTION_LENGTH = 4000


@dataclass(frozen=True, slots=True)
class SupportRequest:
    region: str
    topic: SupportTopic
    group_name: str
    tax_id: str
    contact_email: str
    description: str


async def open_support_case(runtime: Runtime, caller: Caller, request: SupportRequest) -> SupportCaseRecord:
    """Record a case for the region's consultants; no sign-in needed."""
    async with account_change(runtime, caller, "open_support_case") as change:
        change.detail.update(region=request.region, topic=request.topic.value)
        # No sign-in needed, so per address: a flood of cases would bury the consultants' queue.
        await count_attempt(runtime, caller, Attempt.SUPPORT_CASE, account=None)
        checks = Checks()
        if request.region not in REGION_CODES:
            checks.refuse(UserErrorCode.INVALID, "Choose one of the regions.", ("input", "region"))
        group_name = checks.text(
            request.group_name, ("input", "groupName"), label="the group name", max_length=200
        )
        tax_id = valid_tax_id(request.tax_id) or ""
        if not tax_id:
            checks.refuse(UserErrorCode.INVALID, TAX_ID_FORMAT, ("input", "taxId"))
        contact_email = checks.email(
            request.contact_email, ("input", "contactEmail"), label="a contact email"
        )
        description = checks.text(
            request.description,
            ("input", "description"),
            label="a description",
            max_length=_DESCRIPTION_LENGTH,
        )
        checks.verdict()
        async with change.transaction() as rows:
            case = await rows.add_support_case(
                region=request.region,
                topic=request.topic,
                group_name=group_name,
                tax_id=tax_id,
                contact_email=contact_email,
                description=description,
                opened_at=datetime.now(UTC),
                opened_by=caller.principal.user_pk,
            )
            change.detail.update(support_case=case.pk, tax_id=tax_id)
    return case


async def support_case(runtime: Runtime, principal: Principal, pk: int) -> SupportCaseRecord | None:
    """A case by its row id, if the caller may see it (node ids)."""
    async with runtime.directory.engine.connect() as connection:
        found = await DirectoryAccounts(connection).support_cases_by_pks([pk])
    return access.visible_support_case(principal, found.get(pk))
