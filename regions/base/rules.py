"""A region's rules as frozen data; a region package replaces only what differs."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class GuestGuidance:
    """What the guest look-ups say instead of an answer: when nothing matches, or when the member's plan
    is served elsewhere (seeds 000, 001 and 003)."""

    # Seeds 001 and 003 ("call the phone number listed on the member's ID card"); seed 000 (register
    # for "our more robust claims portal").
    claim_not_found: str = (
        "If your claim is not found in the Guest User system, call the phone number listed on the "
        "member's ID card. Signed-in Online Affiliate users have a more robust claims portal: "
        "register for Online Affiliate access."
    )
    # Seed 000, Member Eligibility Guest Access: "If you require additional information, please
    # register for Online Affiliate access."
    eligibility_not_found: str = (
        "If the member is not found in the Guest User system, call the phone number listed on the "
        "member's ID card. If you require additional information, please register for Online "
        "Affiliate access."
    )
    # Seed 003 (Self-Funded plans online tool) and seed 001 (National Self-Funding Program).
    self_funded: str = (
        "Self-Funded member claims and benefits are not available in this self-service tool. Please "
        "sign on to the "
        "Self-Funded plans online tool, following the instructions on the National Self-Funding "
        "Program Provider Portal Summary."
    )
    # Seed 003.
    ppo_pos_out_of_area: str = (
        "PPO, POS and OOA member claims and benefits are not available in this self-service tool. "
        "Please call "
        "(800) 392-8649, Monday through Friday from 6am to 6pm."
    )


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
    # Seeds 000, 001, 003: what guest claim status and eligibility look-ups answer instead.
    guest_guidance: GuestGuidance = GuestGuidance()
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
