"""What a caller holds and who may see whom, decided by gateway/access.py alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway import access
from gateway.auth.principal import ANONYMOUS, Grant, Principal, PrincipalKind
from gateway.directory.records import AccessLevel, AssociationRecord, AssociationStatus, UserKind
from gateway.partners.records import Binding, Scope


def _association(
    pk: int, tax_id: str, region: str, level: AccessLevel, status: AssociationStatus
) -> AssociationRecord:
    return AssociationRecord(
        pk=pk,
        user_pk=7,
        entity_pk=pk,
        tax_id=tax_id,
        region=region,
        access=level,
        status=status,
        requested_at=datetime(2026, 1, 5, tzinfo=UTC),
        decided_at=None,
        decision_reason=None,
    )


def test_only_active_associations_become_grants_but_every_one_relates_its_entity() -> None:
    associations = [
        _association(1, "95-1000001", "SCAL", AccessLevel.CLINICAL, AssociationStatus.ACTIVE),
        _association(2, "58-6000006", "GA", AccessLevel.ADMINISTRATIVE, AssociationStatus.ACTIVE),
        _association(3, "84-2000002", "CO", AccessLevel.CLINICAL, AssociationStatus.PENDING),
        _association(4, "99-3000003", "HI", AccessLevel.CLINICAL, AssociationStatus.DENIED),
    ]
    assert access.person_grants(associations) == {
        Grant("SCAL", "95-1000001", AccessLevel.CLINICAL),
        Grant("GA", "58-6000006", AccessLevel.ADMINISTRATIVE),
    }
    assert access.related_tax_ids(associations, "52-4000004") == {
        "95-1000001",
        "58-6000006",
        "84-2000002",
        "99-3000003",
        "52-4000004",
    }
    assert access.related_tax_ids([], None) == frozenset()


@pytest.mark.parametrize(
    ("scopes", "level"),
    [
        ({Scope.CLAIMS_READ.value}, AccessLevel.ADMINISTRATIVE),
        ({Scope.CLAIMS_READ.value, Scope.CLINICAL_READ.value}, AccessLevel.CLINICAL),
    ],
)
def test_a_partner_sees_its_bindings_clinically_only_with_clinical_read(
    scopes: set[str], level: AccessLevel
) -> None:
    bindings = [Binding("CO", "84-2000002"), Binding("NW", "93-5000005")]
    assert access.partner_grants(bindings, frozenset(scopes)) == {
        Grant("CO", "84-2000002", level),
        Grant("NW", "93-5000005", level),
    }


def test_only_a_representative_sees_others_and_decides_in_their_own_region() -> None:
    staff = Principal(kind=PrincipalKind.PERSON, user_pk=1, user_kind=UserKind.PROVIDER_STAFF)
    representative = Principal(
        kind=PrincipalKind.PERSON,
        user_pk=2,
        user_kind=UserKind.REGIONAL_REPRESENTATIVE,
        represents_region="GA",
    )
    assert not access.may_see_other_people(staff)
    assert not access.may_see_other_people(ANONYMOUS)
    assert access.may_see_other_people(representative)
    assert access.deciding_region(staff) is None
    assert access.deciding_region(representative) == "GA"
    request = _association(9, "58-6000006", "GA", AccessLevel.CLINICAL, AssociationStatus.PENDING)
    elsewhere = _association(10, "95-1000001", "SCAL", AccessLevel.CLINICAL, AssociationStatus.PENDING)
    assert access.may_decide_association(representative, request)
    assert not access.may_decide_association(representative, elsewhere)
    assert not access.may_decide_association(staff, request)
