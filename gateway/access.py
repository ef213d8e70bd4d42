"""The one place that decides who may see what: Tax ID × region × access level.

Loaders return what exists; the functions here drop what the caller may not see and blank
clinical fields for administrative access. They work on whole records as they are loaded, so
every path (search, node ids, nested fields, downloads) gets the same answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from gateway.auth.principal import Principal
from gateway.directory.records import (
    AccessLevel,
    AssociationRecord,
    EntityRecord,
    UserKind,
    UserRecord,
)
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    MessageRecord,
    ProviderRecord,
)


def _access(principal: Principal, region: str, tax_id: str) -> AccessLevel | None:
    for grant in principal.grants:
        if grant.region == region and grant.tax_id == tax_id:
            return grant.access
    return None


def claim_scope(
    principal: Principal, regions: Iterable[str] | None = None, tax_id: str | None = None
) -> dict[str, frozenset[str]]:
    """For each region the caller may search, the Tax IDs it may see there."""
    wanted = None if regions is None else set(regions)
    scope: dict[str, set[str]] = {}
    for grant in principal.grants:
        if wanted is not None and grant.region not in wanted:
            continue
        if tax_id is not None and grant.tax_id != tax_id:
            continue
        scope.setdefault(grant.region, set()).add(grant.tax_id)
    return {region: frozenset(tax_ids) for region, tax_ids in scope.items()}


def approved_regions(principal: Principal) -> frozenset[str]:
    """Regions with at least one ACTIVE association."""
    return frozenset(grant.region for grant in principal.grants)


def visible_claim(principal: Principal, claim: ClaimRecord | None) -> ClaimRecord | None:
    if claim is None:
        return None
    access = _access(principal, claim.region, claim.tax_id)
    if access is None:
        return None
    if access is AccessLevel.CLINICAL:
        return claim
    return dataclasses.replace(
        claim,
        diagnosis_codes=None,
        member=dataclasses.replace(claim.member, date_of_birth=None),
    )


def visible_provider(principal: Principal, provider: ProviderRecord | None) -> ProviderRecord | None:
    if provider is None or _access(principal, provider.region, provider.tax_id) is None:
        return None
    return provider


def may_list_providers(principal: Principal, region: str, tax_id: str) -> bool:
    """The on-behalf-of picker lists an entity's providers only to someone associated with it there."""
    return _access(principal, region, tax_id) is not None


def visible_message(principal: Principal, message: MessageRecord | None) -> MessageRecord | None:
    if message is None or _access(principal, message.region, message.tax_id) is None:
        return None
    return message


def message_scope(principal: Principal, region: str) -> frozenset[str]:
    """Tax IDs whose messages the caller may read in a region."""
    return claim_scope(principal, [region]).get(region, frozenset())


def visible_attachment(principal: Principal, attachment: AttachmentRecord | None) -> AttachmentRecord | None:
    if attachment is None or _access(principal, attachment.region, attachment.tax_id) is None:
        return None
    return attachment


def visible_entity(principal: Principal, entity: EntityRecord | None) -> EntityRecord | None:
    """An entity is seen by the people associated with it (any status), its own staff, and representatives."""
    if entity is None or not principal.signed_in:
        return None
    if principal.user_kind is UserKind.REGIONAL_REPRESENTATIVE:
        return entity
    return entity if entity.tax_id in principal.related_tax_ids else None


def visible_user(
    principal: Principal, user: UserRecord | None, associations: Iterable[AssociationRecord]
) -> UserRecord | None:
    """People see themselves; a representative sees people who asked for access in their region."""
    if user is None or not principal.signed_in:
        return None
    if user.pk == principal.user_pk:
        return user
    if principal.represents_region is not None and any(
        association.region == principal.represents_region for association in associations
    ):
        return user
    return None


def visible_association(
    principal: Principal, association: AssociationRecord | None
) -> AssociationRecord | None:
    if association is None or not principal.signed_in:
        return None
    if association.user_pk == principal.user_pk:
        return association
    if principal.represents_region is not None and association.region == principal.represents_region:
        return association
    return None
