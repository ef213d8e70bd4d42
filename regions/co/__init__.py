"""Colorado: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import PhoneMenuOption, online_affiliate_contacts

RULES = replace(
    DEFAULT_RULES,
    code="CO",
    name="Colorado",
    contacts=online_affiliate_contacts("CO"),
    on_behalf_of_provider_picker=True,
    provider_relations_phone="(866) 866-3951",
    provider_relations_menu=(
        PhoneMenuOption(1, "Hospital, Ancillary, Behavioral Health, DME, SNF"),
        PhoneMenuOption(2, "Physician-based (Denver/Boulder)"),
        PhoneMenuOption(3, "Physician-based (Northern Colorado)"),
        PhoneMenuOption(4, "Physician-based (Southern Colorado)"),
        PhoneMenuOption(5, "Physician-based (Mountain Colorado)"),
    ),
    # The Colorado welcome page: Affiliate Link lets providers "create and view referrals/authorizations".
    online_authorization_requests=True,
)


class ColoradoAdapter(RegionAdapter):
    """Colorado: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
