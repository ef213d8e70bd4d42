"""Online Affiliate support cases (the Online Provider Tools page): e.g. to ask whether an agreement is on
file."""

from __future__ import annotations

import dataclasses
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from gateway import access
from gateway.accounts import emails
from gateway.accounts.associations import TAX_ID_FORMAT
from gateway.accounts.attempts import count_attempt
from gateway.accounts.tax_ids import valid_tax_id
from gateway.accounts.transaction import Caller, account_change
from gateway.accounts.validation import Checks
from gateway.auth.principal import Principal
from gateway.auth.throttle import Attempt
from gateway.directory.accounts import (
    DirectoryAccounts,
    SupportCaseRecord,
    SupportCaseReplyRecord,
    SupportTopic,
)
from gateway.errors import MutationRefused, Problem, RateLimited, UserErrorCode
from gateway.ids import decode_id
from gateway.ratelimit import RateLimiter
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


# Read-backs one client address may try within the window: enough for a person who mistypes, too few to
# guess case numbers and emails.
READ_BACKS_PER_ADDRESS = 20
READ_BACK_WINDOW_SECONDS = 15 * 60
_CASE_NUMBER = re.compile(r"OA-(\d{4})-(\d{6,12})")
_REPLY_LENGTH = 4000
CONSULTANT = "Online Affiliate consultant"


@dataclass(frozen=True, slots=True)
class SupportCaseView:
    case: SupportCaseRecord
    replies: list[SupportCaseReplyRecord]


async def read_back_support_case(
    runtime: Runtime, caller: Caller, case_number: str, contact_email: str
) -> SupportCaseView | None:
    """The case whose number and contact email both match, for whoever opened it, with no sign-in; any
    miss is None, the same for a wrong number and a wrong email. Throttled per client address."""
    decision = await RateLimiter(runtime.cache).hit(
        f"support-read-back:{caller.client_address or 'unknown'}",
        READ_BACKS_PER_ADDRESS,
        READ_BACK_WINDOW_SECONDS,
    )
    if not decision.allowed:
        raise RateLimited(
            "Too many support case look-ups from this address; try again later.", decision.retry_after_seconds
        )
    match = _CASE_NUMBER.fullmatch(case_number.strip().upper())
    found: SupportCaseRecord | None = None
    if match is not None:
        async with runtime.directory.engine.connect() as connection:
            rows = DirectoryAccounts(connection)
            case = (await rows.support_cases_by_pks([int(match[2])])).get(int(match[2]))
            if (
                case is not None
                and case.opened_at.year == int(match[1])
                and hmac.compare_digest(
                    case.contact_email.casefold().encode(), contact_email.strip().casefold().encode()
                )
            ):
                found = case
                replies = (await rows.replies_of_support_cases([case.pk]))[case.pk]
    await runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=caller.principal.user_id,
        action="read_support_case",
        outcome="ok" if found is not None else "miss",
        client_address=caller.client_address[:64] if caller.client_address else None,
        request_id=caller.request_id,
        detail={} if found is None else {"support_case": found.pk},
    )
    return None if found is None else SupportCaseView(found, replies)


async def reply_to_support_case(
    runtime: Runtime, caller: Caller, support_case_id: str, body: str, *, close: bool
) -> SupportCaseView:
    """A representative of the case's region answers it (ANSWERED, or CLOSED with `close`); the opener is
    emailed that an answer is waiting. The opener, signed in, may add to their own case (OPEN again)."""
    user_pk, _ = caller.person()
    async with account_change(runtime, caller, "reply_to_support_case") as change:
        field = ("input", "supportCaseId")
        parts = decode_id(support_case_id)
        case = None
        if parts is not None and parts.type_name == "SupportCase" and parts.region is None:
            async with change.reads() as reads:
                case = access.visible_support_case(
                    caller.principal, (await reads.support_cases_by_pks([parts.pk])).get(parts.pk)
                )
        if case is None:
            raise MutationRefused(
                Problem(
                    UserErrorCode.NOT_FOUND,
                    "We found no support case with this id that you may answer.",
                    field,
                )
            )
        change.detail["support_case"] = case.pk
        consultant = access.may_answer_support_case(caller.principal, case)
        if case.status == "CLOSED":
            raise MutationRefused(Problem(UserErrorCode.INVALID, "This support case is closed.", field))
        checks = Checks()
        text = checks.text(body, ("input", "body"), label="your reply", max_length=_REPLY_LENGTH)
        if close and not consultant:
            checks.refuse(
                UserErrorCode.NOT_ALLOWED, "A consultant closes a support case.", ("input", "close")
            )
        checks.verdict()
        author: str | None = None
        if not consultant:
            user = (await runtime.directory.users_by_pks([user_pk]))[user_pk]
            author = f"{user.first_name} {user.last_name}"
        status = "CLOSED" if close else ("ANSWERED" if consultant else "OPEN")
        now = datetime.now(UTC)
        async with change.transaction() as rows:
            if not await rows.set_support_case_status(case.pk, status, unless="CLOSED"):
                raise MutationRefused(Problem(UserErrorCode.INVALID, "This support case is closed.", field))
            await rows.add_support_case_reply(
                case.pk, body=text, author_name=author, written_by=user_pk, at=now
            )
            if consultant:
                email = emails.support_case_answered(case.case_number)
                await rows.add_email(
                    kind=email.kind,
                    recipient=case.contact_email,
                    subject=email.subject,
                    body=email.body,
                    at=now,
                )
            replies = (await rows.replies_of_support_cases([case.pk]))[case.pk]
        change.detail["status"] = status
    return SupportCaseView(dataclasses.replace(case, status=status), replies)


async def support_case_view(runtime: Runtime, principal: Principal, pk: int) -> SupportCaseView | None:
    """A case by its row id with its replies, if the caller may see it (node ids)."""
    async with runtime.directory.engine.connect() as connection:
        rows = DirectoryAccounts(connection)
        case = access.visible_support_case(principal, (await rows.support_cases_by_pks([pk])).get(pk))
        if case is None:
            return None
        return SupportCaseView(case, (await rows.replies_of_support_cases([pk]))[pk])


async def support_case_queue(
    runtime: Runtime, principal: Principal, status: str, limit: int
) -> list[SupportCaseView]:
    """The cases of the representative's region in one status, with their replies (two statements)."""
    if principal.represents_region is None:
        return []
    async with runtime.directory.engine.connect() as connection:
        rows = DirectoryAccounts(connection)
        cases = await rows.support_cases_of_region(principal.represents_region, status, limit)
        replies = await rows.replies_of_support_cases([case.pk for case in cases]) if cases else {}
    return [SupportCaseView(case, replies.get(case.pk, [])) for case in cases]
