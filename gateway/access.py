"""The one place that decides who may see what: Tax ID × region × access level.

Loaders return what exists; the functions here drop what the caller may not see and blank
clinical fields for administrative access. They work on whole records as they are loaded, so
every path (search, node ids, nested fields, downloads) gets the same answer. What a caller holds
is decided here too: which associations become grants (`person_grants`), at which access level a
partner sees its bindings (`partner_grants`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from gateway.auth.principal import Grant, Principal
from gateway.directory.accounts import SupportCaseRecord
from gateway.directory.records import (
    AccessLevel,
    AgreementStatus,
    AssociationRecord,
    AssociationStatus,
    EntityKind,
    EntityRecord,
    TpaAttestationRecord,
    UserKind,
    UserRecord,
    UserStatus,
)
from gateway.partners.records import Binding, Scope
from regions.base.authorizations import (
    OPEN_STATUSES,
    AuthorizationAction,
    AuthorizationRecord,
    AuthorizationStatus,
)
from regions.base.clinical import TreatmentEvidence
from regions.base.coverage import Eligibility, ServedElsewhere
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    MessageRecord,
    ProviderRecord,
)

# ------------------------------------------------------------------ what a caller holds


def person_grants(
    associations: Iterable[AssociationRecord],
    *,
    kind: UserKind | None = None,
    attested_group_pks: Iterable[int] = (),
) -> frozenset[Grant]:
    """A person's grants: their ACTIVE associations, each at the access level it was approved with; for a
    third-party administrator only those with a group whose TPA attestation naming its organization is
    PROCESSED ("TPA Attestation (Must be completed by the Provider Group)", the Online Provider Tools page),
    so a submitted or rejected attestation grants nothing."""
    attested = frozenset(attested_group_pks)
    return frozenset(
        Grant(region=a.region, tax_id=a.tax_id, access=a.access)
        for a in associations
        if a.status is AssociationStatus.ACTIVE
        and (kind is not UserKind.THIRD_PARTY_ADMINISTRATOR or a.entity_pk in attested)
    )


def related_tax_ids(associations: Iterable[AssociationRecord], employer_tax_id: str | None) -> frozenset[str]:
    """Whose entity records a person may see: every Tax ID they have an association with (any status),
    and their employer's."""
    related = {association.tax_id for association in associations}
    if employer_tax_id is not None:
        related.add(employer_tax_id)
    return frozenset(related)


def partner_grants(bindings: Iterable[Binding], scopes: frozenset[str]) -> frozenset[Grant]:
    """A partner's grants: its bindings, at CLINICAL access only when its token holds `clinical:read`."""
    level = AccessLevel.CLINICAL if Scope.CLINICAL_READ.value in scopes else AccessLevel.ADMINISTRATIVE
    return frozenset(Grant(region=b.region, tax_id=b.tax_id, access=level) for b in bindings)


# ------------------------------------------------------------------ what a caller sees


def _access(principal: Principal, region: str, tax_id: str) -> AccessLevel | None:
    for grant in principal.grants:
        if grant.region == region and grant.tax_id == tax_id:
            return grant.access
    return None


def _scoped(principal: Principal, scope: Scope) -> bool:
    """People are bound by their associations alone; a partner also by the scopes its token holds."""
    return not principal.is_partner or scope.value in principal.scopes


def claim_scope(
    principal: Principal, regions: Iterable[str] | None = None, tax_id: str | None = None
) -> dict[str, frozenset[str]]:
    """For each region the caller may search, the Tax IDs it may see there."""
    if not _scoped(principal, Scope.CLAIMS_READ):
        return {}
    return _granted(principal, regions, tax_id)


def _granted(
    principal: Principal, regions: Iterable[str] | None = None, tax_id: str | None = None
) -> dict[str, frozenset[str]]:
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
    if claim is None or not _scoped(principal, Scope.CLAIMS_READ):
        return None
    return _claim_at(claim, _access(principal, claim.region, claim.tax_id))


def visible_claims(principal: Principal, claims: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    """`visible_claim` of each claim of a page, in order, leaving out those the caller may not see: the
    caller's access is found once per region and Tax ID, not once per claim."""
    if not _scoped(principal, Scope.CLAIMS_READ):
        return []
    levels: dict[tuple[str, str], AccessLevel] = {}
    for grant in principal.grants:  # the first grant wins, as in `_access`
        levels.setdefault((grant.region, grant.tax_id), grant.access)
    visible = []
    for claim in claims:
        seen = _claim_at(claim, levels.get((claim.region, claim.tax_id)))
        if seen is not None:
            visible.append(seen)
    return visible


def _claim_at(claim: ClaimRecord, access: AccessLevel | None) -> ClaimRecord | None:
    """A claim as a caller with `access` to its region and Tax ID sees it."""
    if access is None:
        return None
    if access is AccessLevel.CLINICAL:
        return claim
    return dataclasses.replace(
        claim,
        diagnosis_codes=None,
        member=dataclasses.replace(claim.member, date_of_birth=None),
    )


def eligibility_access(principal: Principal, region: str) -> AccessLevel | None:
    """How a caller may verify eligibility in a region: with any ACTIVE association there (administrative
    access too: TPAs do "patient verification", says the Online Affiliate FAQ), at the best level held; a
    partner also needs `eligibility:read`. None: not at all, and the look-up answers as for a member who does
    not exist."""
    if not _scoped(principal, Scope.ELIGIBILITY_READ):
        return None
    levels = {grant.access for grant in principal.grants if grant.region == region}
    if AccessLevel.CLINICAL in levels:
        return AccessLevel.CLINICAL
    return AccessLevel.ADMINISTRATIVE if levels else None


def visible_eligibility(
    principal: Principal, region: str, answer: Eligibility | ServedElsewhere | None
) -> Eligibility | ServedElsewhere | None:
    """An eligibility answer as the caller may see it: nothing outside their regions; the member's date of
    birth (clinical) blanked for administrative access."""
    access = eligibility_access(principal, region)
    if answer is None or access is None:
        return None
    if access is AccessLevel.CLINICAL or isinstance(answer, ServedElsewhere):
        return answer
    return dataclasses.replace(answer, member=dataclasses.replace(answer.member, date_of_birth=None))


def visible_provider(principal: Principal, provider: ProviderRecord | None) -> ProviderRecord | None:
    """Providers of the Tax IDs one is associated with; a utilization reviewer, every one of the region
    (who requested what they review)."""
    if provider is None:
        return None
    if _reviews(principal, provider.region):
        return provider
    if _access(principal, provider.region, provider.tax_id) is None:
        return None
    return provider


def may_list_providers(principal: Principal, region: str, tax_id: str) -> bool:
    """The on-behalf-of picker lists an entity's providers only to someone associated with it there."""
    return _access(principal, region, tax_id) is not None


def visible_message(principal: Principal, message: MessageRecord | None) -> MessageRecord | None:
    if message is None:
        return None
    if message.authorization_pk is not None and _reviews(principal, message.region):
        return message
    if _access(principal, message.region, message.tax_id) is None:
        return None
    # A partner without `messages:read` still sees what it sent itself (the answer to its own submission).
    if not _scoped(principal, Scope.MESSAGES_READ) and message.owner_user_id != principal.user_id:
        return None
    return message


def messages_listed_for(principal: Principal) -> str | None:
    """Whose messages on a visible claim a caller may list: everyone's (None), or — a partner without
    `messages:read` — only those it sent itself, so that not even their number shows."""
    return None if _scoped(principal, Scope.MESSAGES_READ) else principal.user_id


def message_scope(principal: Principal, region: str) -> frozenset[str]:
    """Tax IDs whose messages the caller may read in a region."""
    if not _scoped(principal, Scope.MESSAGES_READ):
        return frozenset()
    return _granted(principal, [region]).get(region, frozenset())


def visible_attachment(principal: Principal, attachment: AttachmentRecord | None) -> AttachmentRecord | None:
    if attachment is None:
        return None
    if attachment.authorization_pk is not None and _reviews(principal, attachment.region):
        return attachment
    if _access(principal, attachment.region, attachment.tax_id) is None:
        return None
    if not _scoped(principal, Scope.MESSAGES_READ):
        return None
    return attachment


def may_mark_read(principal: Principal, message: MessageRecord | None) -> bool:
    """A message is marked read by its owner (whose in-basket holds it), while they may still see it."""
    return (
        may_act_as_person(principal)
        and visible_message(principal, message) is not None
        and message is not None
        and message.owner_user_id == principal.user_id
    )


def visible_entity(principal: Principal, entity: EntityRecord | None) -> EntityRecord | None:
    """An entity is seen by the people associated with it (any status), its own staff, and the plan's staff
    (representatives, utilization reviewers)."""
    if entity is None or not principal.signed_in:
        return None
    if principal.user_kind in _PLAN_STAFF:
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
    if may_see_other_people(principal) and any(
        association.region == principal.represents_region for association in associations
    ):
        return user
    return None


def may_see_other_people(principal: Principal) -> bool:
    """Whether anyone but the caller may be visible to them at all (a representative, through the
    associations people asked for in their region): when not, nobody else's associations need reading."""
    return principal.signed_in and principal.represents_region is not None


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


# ------------------------------------------------- who a person is at sign-in and on every request


def may_sign_in(status: UserStatus) -> bool:
    """Active people, and REGISTERING ones, who finish their set-up in Manage My Account (the Colorado welcome
    page)."""
    return status in {UserStatus.ACTIVE, UserStatus.REGISTERING}


def must_enrol_mfa(policy: str, *, mfa_enabled: bool, associations: Iterable[AssociationRecord]) -> bool:
    """MFA_REQUIRED: `all`, or `clinical` for anyone holding a CLINICAL association (pending ones too, so
    that a first approval does not open clinical data to a password alone)."""
    if mfa_enabled or policy == "none":
        return False
    if policy == "all":
        return True
    return any(
        association.access is AccessLevel.CLINICAL
        and association.status in {AssociationStatus.ACTIVE, AssociationStatus.PENDING}
        for association in associations
    )


def account_only(status: UserStatus, *, mfa_enrolment_due: bool) -> bool:
    """A REGISTERING person, or one who must enrol a second factor first, reaches Manage My Account only."""
    return status is UserStatus.REGISTERING or mfa_enrolment_due


# Root fields of Manage My Account (viewer, profile, associations, security): all an account-only session
# reaches. `regions` and `entity` fill its forms; introspection fields are not root fields of the schema.
ACCOUNT_ROOT_FIELDS: frozenset[str] = frozenset(
    {
        "viewer",
        "regions",
        "entity",
        "updateProfile",
        "changePassword",
        "requestAssociation",
        "removeAssociation",
        "beginTotpEnrollment",
        "confirmTotpEnrollment",
        "disableMfa",
        "endSession",
        "__typename",
        "__schema",
        "__type",
    }
)


def may_use_root_field(principal: Principal, field_name: str) -> bool:
    return not principal.account_only or field_name in ACCOUNT_ROOT_FIELDS


# ------------------------------------------------- account changes (Manage My Account, enrollment)


def access_level_for(kind: UserKind) -> AccessLevel:
    """Third-party administrators get administrative access, never clinical (the Online Provider Tools
    page)."""
    return AccessLevel.ADMINISTRATIVE if kind is UserKind.THIRD_PARTY_ADMINISTRATOR else AccessLevel.CLINICAL


def may_self_register(kind: UserKind) -> bool:
    """Provider staff and third-party administrators register themselves; the plan's staff are set up."""
    return kind not in _PLAN_STAFF


# The plan's own people: the directory's `represents_region` names the region they work for.
_PLAN_STAFF = frozenset({UserKind.REGIONAL_REPRESENTATIVE, UserKind.UTILIZATION_REVIEWER})


def represented_region(user: UserRecord) -> str | None:
    """The region whose access requests a representative decides."""
    return user.represents_region if user.kind is UserKind.REGIONAL_REPRESENTATIVE else None


def reviewed_region(user: UserRecord) -> str | None:
    """The region whose referrals and authorizations a utilization reviewer decides."""
    return user.represents_region if user.kind is UserKind.UTILIZATION_REVIEWER else None


def may_request_associations(principal: Principal) -> bool:
    return principal.signed_in and principal.user_kind in {
        UserKind.PROVIDER_STAFF,
        UserKind.THIRD_PARTY_ADMINISTRATOR,
    }


def may_remove_association(principal: Principal, association: AssociationRecord) -> bool:
    """A person removes their own associations only."""
    return principal.signed_in and association.user_pk == principal.user_pk


def deciding_region(principal: Principal) -> str | None:
    """The region whose association requests the caller decides: a representative's own; None for
    anyone else."""
    return principal.represents_region if principal.signed_in else None


def may_decide_associations(principal: Principal) -> bool:
    return deciding_region(principal) is not None


def may_decide_association(principal: Principal, association: AssociationRecord) -> bool:
    """A representative decides requests in their own region, never their own request."""
    return (
        may_decide_associations(principal)
        and association.region == deciding_region(principal)
        and association.user_pk != principal.user_pk
    )


def may_process_agreements(principal: Principal) -> bool:
    """Agreements are national (one per Tax ID): a representative of any region processes them."""
    return principal.signed_in and principal.represents_region is not None


def may_process_tpa_attestations(principal: Principal) -> bool:
    """Attestations, like agreements, are national: a representative of any region processes them."""
    return may_process_agreements(principal)


def may_attest(group: EntityRecord, agreement_status: AgreementStatus | None) -> bool:
    """A provider group (not a TPA) with a processed agreement attests for a TPA (the Online Provider Tools
    page)."""
    return (
        group.kind is not EntityKind.THIRD_PARTY_ADMINISTRATOR
        and agreement_status is AgreementStatus.PROCESSED
    )


def visible_tpa_attestation(
    principal: Principal, attestation: TpaAttestationRecord | None, tax_ids: tuple[str, str]
) -> TpaAttestationRecord | None:
    """Representatives, and the people of the group or the TPA it names ((group, TPA) Tax IDs)."""
    if attestation is None or not principal.signed_in or principal.is_partner:
        return None
    if principal.represents_region is not None:
        return attestation
    return attestation if any(tax_id in principal.related_tax_ids for tax_id in tax_ids) else None


def may_answer_support_case(principal: Principal, case: SupportCaseRecord) -> bool:
    """The representatives of the case's region answer it ("a consultant will respond", the Online Provider
    Tools page)."""
    return (
        principal.signed_in
        and principal.represents_region is not None
        and case.region == principal.represents_region
    )


def may_switch_to(principal: Principal, region: str) -> bool:
    return region in approved_regions(principal)


def visible_support_case(principal: Principal, case: SupportCaseRecord | None) -> SupportCaseRecord | None:
    """Whoever opened a case while signed in, and the representatives of its region."""
    if case is None or not principal.signed_in:
        return None
    if case.opened_by is not None and case.opened_by == principal.user_pk:
        return case
    if principal.represents_region is not None and case.region == principal.represents_region:
        return case
    return None


# ------------------------------------------------- partner integrations (docs/partners.md)


def may_take_action(principal: Principal) -> bool:
    """Take Action on a claim one sees: people may, a partner only with `messages:write`."""
    return _scoped(principal, Scope.MESSAGES_WRITE)


def may_act_as_person(principal: Principal) -> bool:
    """Accounts, enrollment, the in-basket and its subscription are for people; never for a partner."""
    return not principal.is_partner


# ------------------------------------------------- referrals and authorizations


def _reviews(principal: Principal, region: str) -> bool:
    """A utilization reviewer of the region, signed in as a person (never a partner)."""
    return not principal.is_partner and principal.reviews_region == region


def authorization_scope(
    principal: Principal, regions: Iterable[str] | None = None, tax_id: str | None = None
) -> dict[str, frozenset[str] | None]:
    """For each region the caller may search, the Tax IDs whose authorizations it sees there; None: every
    one of the region's (its utilization reviewer's queue)."""
    reviewed = principal.reviews_region
    if reviewed is not None and not principal.is_partner:
        if regions is not None and reviewed not in set(regions):
            return {}
        return {reviewed: None if tax_id is None else frozenset({tax_id})}
    if not _scoped(principal, Scope.AUTHORIZATIONS_READ):
        return {}
    return dict(_granted(principal, regions, tax_id))


def visible_authorization(
    principal: Principal, authorization: AuthorizationRecord | None
) -> AuthorizationRecord | None:
    """Reviewers of its region see all of it; people with access to its Tax ID there see it, without the
    diagnosis codes, clinical notes and the member's date of birth unless their access is CLINICAL."""
    if authorization is None:
        return None
    if _reviews(principal, authorization.region):
        return authorization
    if not _scoped(principal, Scope.AUTHORIZATIONS_READ):
        return None
    level = _access(principal, authorization.region, authorization.tax_id)
    if level is None:
        return None
    if level is AccessLevel.CLINICAL:
        return authorization
    return dataclasses.replace(
        authorization,
        diagnosis_codes=None,
        clinical_notes=None,
        member=dataclasses.replace(authorization.member, date_of_birth=None),
    )


def may_write_authorizations(principal: Principal) -> bool:
    """Requests, answers and cancellations: people may, a partner only with `authorizations:write`."""
    return _scoped(principal, Scope.AUTHORIZATIONS_WRITE)


def may_request_authorization(principal: Principal, region: str, tax_id: str) -> bool:
    """Requests (and answers to requests for information) come from clinical access to the Tax ID in the
    region; a partner also needs `authorizations:write`."""
    return may_write_authorizations(principal) and _access(principal, region, tax_id) is AccessLevel.CLINICAL


def authorization_actions(
    principal: Principal, authorization: AuthorizationRecord
) -> tuple[AuthorizationAction, ...]:
    """What the caller may do with an authorization they see: answer a request for information (clinical
    access to its Tax ID), cancel it while it is open (its requester alone)."""
    if not may_request_authorization(principal, authorization.region, authorization.tax_id):
        return ()
    actions = []
    if authorization.status is AuthorizationStatus.PENDED_FOR_INFORMATION:
        actions.append(AuthorizationAction.RESPOND_TO_REQUEST_FOR_INFORMATION)
    if authorization.status in OPEN_STATUSES and authorization.requested_by == principal.user_id:
        actions.append(AuthorizationAction.CANCEL)
    return tuple(actions)


def may_decide_authorization(principal: Principal, authorization: AuthorizationRecord) -> bool:
    """The utilization reviewers of the authorization's region."""
    return _reviews(principal, authorization.region)


# ------------------------------------------------- clinical data (minimum necessary, HIPAA 164.502(b))

# A treatment relationship is a claim with a service date, or an authorization, this recent.
TREATMENT_RELATIONSHIP_MONTHS = 24


def clinical_tax_ids(principal: Principal, region: str) -> frozenset[str]:
    """The Tax IDs through which the caller may see clinical data in a region: CLINICAL access only (a
    partner's binding is CLINICAL only with `clinical:read`); administrative access never."""
    if not _scoped(principal, Scope.CLINICAL_READ):
        return frozenset()
    return frozenset(
        grant.tax_id
        for grant in principal.grants
        if grant.region == region and grant.access is AccessLevel.CLINICAL
    )


def treatment_relationship_since(today: date) -> date:
    """The earliest day a claim's service or an authorization still makes a treatment relationship."""
    years = TREATMENT_RELATIONSHIP_MONTHS // 12
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year - years, day=28)


def treatment_relationship(
    principal: Principal, region: str, evidence: Iterable[TreatmentEvidence], today: date
) -> TreatmentEvidence | None:
    """The most recent claim or authorization of the member under one of the caller's clinical Tax IDs
    in the region within the last 24 months: what allows a clinical view; None: no view."""
    allowed = clinical_tax_ids(principal, region)
    since = treatment_relationship_since(today)
    recent = [item for item in evidence if item.tax_id in allowed and item.on >= since]
    return max(recent, key=lambda item: item.on, default=None)
