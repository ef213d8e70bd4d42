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
