"""Opening a member's clinical data (the Colorado welcome page: "view clinical data"; the Northern
California one: "view clinical information"): the member by exact member id and date of birth, shown only to
clinical access with a treatment relationship (gateway/access.py). Every attempt is an audit event naming
the member and, when one was shown, the relationship that allowed it; every miss answers alike."""

from __future__ import annotations

from datetime import date

from gateway.context import GatewayContext
from gateway.errors import Unauthenticated
from gateway.loaders import ClinicalView, PatientKey, RegionQuery

_MEMBER_ID_LENGTH = 20
# The one answer of every miss (administrative access, no relationship, wrong date of birth, unknown
# member): the minimum necessary (HIPAA 164.502(b)) says nothing of which it was.
NOT_AVAILABLE = (
    "No clinical information is available here for this member. Clinical information is shown to clinical "
    "access only, for members your organization has treated in the last 24 months (a claim or an "
    "authorization in this region)."
)


async def open_clinical_view(
    context: GatewayContext, region: str, member_id: str, date_of_birth: date
) -> ClinicalView | None:
    """The member's clinical view, if the caller may see it; None for every miss."""
    principal = context.principal
    if not principal.signed_in:
        raise Unauthenticated()
    typed = member_id.strip().upper()
    view = None
    if typed and len(typed) <= _MEMBER_ID_LENGTH and region in context.runtime.regions:
        today = context.runtime.clock.now().date()
        view = await context.loaders.clinical_view.load(
            RegionQuery(region, PatientKey(typed, date_of_birth, today))
        )
    detail: dict[str, object] = {"region": region, "member_id": typed[:_MEMBER_ID_LENGTH]}
    if view is not None:
        relationship = view.relationship
        detail["relationship"] = {
            "kind": relationship.kind.value,
            "tax_id": relationship.tax_id,
            "reference": relationship.reference,
            "on": relationship.on.isoformat(),
        }
    client = context.request.client
    await context.runtime.directory.append_audit(
        at=context.runtime.clock.now(),
        actor=principal.user_id,
        action="view_clinical_summary",
        outcome="ok" if view is not None else "not_available",
        client_address=client.host[:64] if client else None,
        request_id=context.request_id or None,
        detail=detail,
    )
    return view
