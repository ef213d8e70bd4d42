"""Regions and their rules, straight from the region packages' RegionRules."""

from __future__ import annotations

from functools import cache

import strawberry

from gateway.schema.enums import RegionCode
from regions.base.records import PlanType
from regions.base.registry import ADAPTERS


@strawberry.type
class RegionContacts:
    technical_support_phone: str
    registration_help_email: str
    training_help_email: str


@strawberry.type(description="One option of a provider-relations phone menu.")
class PhoneMenuOption:
    digit: int
    label: str


@strawberry.type(description="A region's provider-relations department, where it publishes one.")
class ProviderRelations:
    phone: str
    menu: list[PhoneMenuOption]


@strawberry.type
class Region:
    code: RegionCode
    name: str = strawberry.field(description='Display name, e.g. "California – Southern".')
    acknowledgement_letters: bool = strawberry.field(
        description="California regions post an automated acknowledgement letter for every submission."
    )
    on_behalf_of_provider_picker: bool = strawberry.field(
        description="MAS, CO, HI and NW let a dispute be filed on behalf of a provider linked to the Tax ID."
    )
    contacts: RegionContacts
    provider_relations: ProviderRelations | None = strawberry.field(
        description="Colorado's Provider Relations Department and its phone menu."
    )
    behavioral_health_support_email: str | None = strawberry.field(
        description="Tridiuum behavioral health portal support (California regions)."
    )
    plans_outside_portal: list[PlanType] = strawberry.field(
        description=(
            "Plans whose claims, eligibility and authorizations this region serves outside the portal "
            "(Northern California: Self-Funded, PPO, POS and OOA)."
        )
    )
    online_authorization_requests: bool = strawberry.field(
        description=(
            "Providers may request referrals and authorizations online here (Colorado's Affiliate Link)."
        )
    )


@cache
def region(code: str) -> Region:
    """The Region object of a code; built once, it never changes while the process runs."""
    rules = ADAPTERS[code].rules
    relations = None
    if rules.provider_relations_phone is not None:
        relations = ProviderRelations(
            phone=rules.provider_relations_phone,
            menu=[PhoneMenuOption(digit=o.digit, label=o.label) for o in rules.provider_relations_menu],
        )
    return Region(
        code=RegionCode[code],
        name=rules.name,
        acknowledgement_letters=rules.acknowledgement_letters,
        on_behalf_of_provider_picker=rules.on_behalf_of_provider_picker,
        contacts=RegionContacts(
            technical_support_phone=rules.contacts.technical_support_phone,
            registration_help_email=rules.contacts.registration_help_email,
            training_help_email=rules.contacts.training_help_email,
        ),
        provider_relations=relations,
        behavioral_health_support_email=rules.behavioral_health_support_email,
        # In the order the vocabulary lists them, whatever the set's order.
        plans_outside_portal=[plan for plan in PlanType if plan in rules.plans_outside_portal],
        online_authorization_requests=rules.online_authorization_requests,
    )


def all_regions() -> list[Region]:
    return [region(code) for code in ADAPTERS]
