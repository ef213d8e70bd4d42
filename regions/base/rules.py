"""A region's rules as frozen data; a region package replaces only what differs."""

from __future__ import annotations

from dataclasses import dataclass, field

from regions.base.records import PlanType

NATIONAL_HELPDESK_PHONE = "844-563-4357"  # seed 004: technical support is national for every region


@dataclass(frozen=True, slots=True)
class RegionContacts:
    """Who to contact about an account (seed 004, "RESOURCES")."""

    technical_support_phone: str
    registration_help_email: str
    training_help_email: str


@dataclass(frozen=True, slots=True)
class PhoneMenuOption:
    """One option of a provider-relations phone menu."""

    digit: int
    label: str


# The Colorado and Northern California welcome pages: "If your claim is not found in the Guest User system,
# call the phone number listed on the member's ID card." The number to call where a region publishes none of
# its own.
ON_THE_ID_CARD = "call the phone number listed on the member's ID card"


@dataclass(frozen=True, slots=True)
class PlanGuidance:
    """What a region says about members of some plans it serves outside the portal, in its own words."""

    plans: frozenset[PlanType]
    text: str


@dataclass(frozen=True, slots=True)
class RegionGuidance:
    """What the portal says instead of an answer: when nothing matches, or when the member's plan is served
    elsewhere (the Online Provider Tools page, the Colorado and Northern California welcome pages). Phone
    numbers here are the region's own; the shared default names none but the one on the member's ID card."""

    # Seeds 001 and 003 ("call the phone number listed on the member's ID card"); seed 000 (register
    # for "our more robust claims portal").
    claim_not_found: str = (
        f"If your claim is not found in the Guest User system, {ON_THE_ID_CARD}. Signed-in Online "
        "Affiliate users have a more robust claims portal: register for Online Affiliate access."
    )
    # Seed 000, Member Eligibility Guest Access: "If you require additional information, please
    # register for Online Affiliate access."
    eligibility_not_found: str = (
        f"If the member is not found in the Guest User system, {ON_THE_ID_CARD}. If you require "
        "additional information, please register for Online Affiliate access."
    )
    # Signed-in eligibility: every miss (unknown member, another birth date, a region the caller is not
    # approved for) reads the same.
    member_not_found: str = (
        "No coverage was found for this member ID and date of birth in this region. Check both, or "
        f"{ON_THE_ID_CARD}."
    )
    # The Colorado welcome page ("To view self-funded claims status, please follow the instructions on the
    # National Self-Funding Program Provider Portal Summary") and the Northern California one: self-funded
    # claims status is national, in every region.
    self_funded: str = (
        "Self-Funded member claims are not available in this self-service tool. Please sign on to the "
        "Self-Funded plans online tool, following the instructions on the National Self-Funding "
        "Program Provider Portal Summary."
    )
    # The region's own words for plans it serves outside the portal (`RegionRules.plans_outside_portal`);
    # a plan listed there without guidance here is answered as any miss is.
    outside_portal: tuple[PlanGuidance, ...] = ()

    def for_plan_outside_portal(self, plan_type: PlanType) -> str | None:
        for guidance in self.outside_portal:
            if plan_type in guidance.plans:
                return guidance.text
        return None


@dataclass(frozen=True, slots=True)
class AcknowledgementLetterText:
    """The wording of the automated acknowledgement letter (seed 004: "automated responses from your
    submission and documentation for your records"); `str.format` fields: claim_number, submission,
    received_on, reference (" (reference …)" when the sender gave a CRM ID, else empty)."""

    subject: str = "Acknowledgement of your submission for claim {claim_number}"
    body: str = (
        "We received your {submission} for claim {claim_number} on {received_on}{reference}. "
        "A claims examiner will review it within 30 days. This automated response is for your records."
    )


@dataclass(frozen=True, slots=True)
class RegionRules:
    """Everything in which one region differs from another, as data."""

    code: str
    name: str
    contacts: RegionContacts
    # Seed 004: "You will receive an Acknowledgement Letter for all submission via your in-basket"
    # (California only), filed in My Messages > Customer Service Reply.
    acknowledgement_letters: bool = False
    # Seed 004: "Submitting on behalf of ... (Applies to MidAtlantic, Colorado, Hawaii, and
    # Northwest regions only)".
    on_behalf_of_provider_picker: bool = False
    provider_relations_phone: str | None = None
    provider_relations_menu: tuple[PhoneMenuOption, ...] = field(default=())
    behavioral_health_support_email: str | None = None
    # What look-ups answer instead of a claim's status or a member's coverage (the Online Provider Tools
    # page, the Colorado and Northern California welcome pages).
    guidance: RegionGuidance = RegionGuidance()
    # Plans whose claims, eligibility and authorizations the region serves outside the portal: the
    # portal neither lists nor counts them and answers with `guidance` (the Northern California welcome
    # page).
    plans_outside_portal: frozenset[PlanType] = frozenset()
    # Providers may request referrals and authorizations online (the Colorado welcome page: Affiliate
    # Link lets them "create and view referrals/authorizations").
    online_authorization_requests: bool = False
    # Seed 004: the letter filed where `acknowledgement_letters` is set.
    acknowledgement_text: AcknowledgementLetterText = AcknowledgementLetterText()

    @property
    def claim_number_digits(self) -> int:
        """Claim numbers are the region code followed by ten digits (DEMO_DATA.md)."""
        return 10


def online_affiliate_contacts(code: str) -> RegionContacts:
    """The regional Online Affiliate mailbox pattern of seed 004 (KP-<CODE>-OnlineAffiliate@kp.org)."""
    mailbox = f"KP-{code}-OnlineAffiliate@kp.org"
    return RegionContacts(
        technical_support_phone=NATIONAL_HELPDESK_PHONE,
        registration_help_email=mailbox,
        training_help_email=mailbox,
    )


DEFAULT_RULES = RegionRules(code="", name="", contacts=online_affiliate_contacts(""))
