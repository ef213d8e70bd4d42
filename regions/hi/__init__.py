"""Hawaii: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import online_affiliate_contacts

RULES = replace(
    DEFAULT_RULES,
    code="HI",
    name="Hawaii",
    contacts=online_affiliate_contacts("HI"),
    on_behalf_of_provider_picker=True,
)


class HawaiiAdapter(RegionAdapter):
    """Hawaii: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
