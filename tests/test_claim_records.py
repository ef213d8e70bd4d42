"""What a claims page is built from, made cheap per claim without changing what it means: region
records that are immutable to the type checker and compare and hash by value, a page's access rules
applied as they are to one claim, and edge cursors built on demand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from mypy import api as mypy_api

from gateway import access
from gateway.auth.principal import Grant, Principal, PrincipalKind
from gateway.directory.records import AccessLevel
from gateway.partners.records import Scope
from gateway.schema.claims import Claim, ClaimEdge, _edge_cursor
from gateway.schema.relay import encode_cursor
from regions.base.records import (
    ClaimRecord,
    ClaimStatus,
    MemberRecord,
    PaymentMethod,
    PaymentRecord,
    PlanType,
)


def _claim(region: str, tax_id: str, pk: int) -> ClaimRecord:
    member = MemberRecord(
        member_id=f"M{pk}",
        first_name="Jordan",
        last_name="Lee",
        date_of_birth=date(1980, 4, 12),
        plan_type=PlanType.HMO,
        coverage_from=date(2025, 1, 1),
        coverage_to=None,
    )
    payment = PaymentRecord(
        vendor="Harbor Medical Group",
        method=PaymentMethod.EFT,
        reference=f"EFT{pk}",
        amount=Decimal("980.00"),
        paid_on=date(2026, 3, 1),
    )
    return ClaimRecord(
        region=region,
        pk=pk,
        claim_number=f"{region}{pk:010d}",
        tax_id=tax_id,
        billing_provider_pk=1,
        member=member,
        service_from=date(2026, 2, 9),
        service_to=date(2026, 2, 9),
        received_on=date(2026, 2, 13),
        billed_amount=Decimal("1250.00"),
        allowed_amount=Decimal("1030.00"),
        paid_amount=Decimal("980.00"),
        patient_responsibility=Decimal("50.00"),
        status=ClaimStatus.PAID,
        status_category="F1",
        status_detail=None,
        payment=payment,
        diagnosis_codes=("M25.561",),
        updated_at=datetime(2026, 3, 1, 14, tzinfo=UTC),
    )


def test_records_compare_and_hash_by_value_and_replace_as_before() -> None:
    first, again = _claim("SCAL", "95-1000001", 1), _claim("SCAL", "95-1000001", 1)
    assert first == again
    assert first is not again
    assert hash(first) == hash(again)
    assert len({first, again, _claim("SCAL", "95-1000001", 2)}) == 2
    changed = dataclasses.replace(first, diagnosis_codes=None)
    assert changed.diagnosis_codes is None
    assert first.diagnosis_codes == ("M25.561",)
    assert changed != first


def test_the_type_checker_refuses_to_change_a_record() -> None:
    program = "\n".join(
        [
            "import dataclasses",
            "from decimal import Decimal",
            "from regions.base.records import PaymentRecord",
            "def pay(payment: PaymentRecord) -> PaymentRecord:",
            '    payment.amount = Decimal("1.00")',
            '    return dataclasses.replace(payment, amount=Decimal("2.00"))',
        ]
    )
    report, _, status = mypy_api.run(
        ["--config-file", "", "--strict", "--no-incremental", "--follow-imports", "silent", "-c", program]
    )
    assert status == 1
    assert report.splitlines()[0] == (
        '<string>:5: error: Property "amount" defined in "PaymentRecord" is read-only  [misc]'
    )


def _person(*grants: Grant) -> Principal:
    return Principal(kind=PrincipalKind.PERSON, user_pk=1, user_id="dana", grants=frozenset(grants))


def test_a_page_is_seen_as_each_of_its_claims_is() -> None:
    claims = [
        _claim("SCAL", "95-1000001", 1),
        _claim("SCAL", "58-6000006", 2),
        _claim("NCAL", "95-1000001", 3),
        _claim("GA", "58-6000006", 4),
    ]
    callers = [
        _person(),
        _person(Grant("SCAL", "95-1000001", AccessLevel.CLINICAL)),
        _person(
            Grant("SCAL", "95-1000001", AccessLevel.CLINICAL),
            Grant("NCAL", "95-1000001", AccessLevel.ADMINISTRATIVE),
            Grant("GA", "58-6000006", AccessLevel.ADMINISTRATIVE),
        ),
        Principal(
            kind=PrincipalKind.PARTNER,
            user_id="client:x",
            grants=frozenset({Grant("SCAL", "95-1000001", AccessLevel.CLINICAL)}),
            scopes=frozenset({Scope.MESSAGES_READ.value}),
        ),
    ]
    for principal in callers:
        one_by_one = [access.visible_claim(principal, claim) for claim in claims]
        assert access.visible_claims(principal, claims) == [seen for seen in one_by_one if seen is not None]
    administrative = access.visible_claims(callers[2], claims)[1]
    assert (administrative.diagnosis_codes, administrative.member.date_of_birth) == (None, None)


def test_an_edge_the_page_left_without_a_cursor_still_has_it() -> None:
    record = _claim("SCAL", "95-1000001", 1)
    built = ClaimEdge(node=Claim.from_record(record))
    assert _edge_cursor(built) == encode_cursor("2026-02-13", "SCAL0000000001")
    known = ClaimEdge(node=Claim.from_record(record), known_cursor="kept")
    assert _edge_cursor(known) == "kept"
