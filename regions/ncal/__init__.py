"""Northern California: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import online_affiliate_contacts

RULES = replace(
    DEFAULT_RULES,
    code="NCAL",
    name="California – Northern",
    contacts=online_affiliate_contacts("NCAL"),
    acknowledgement_letters=True,
    behavioral_health_support_email="MentalHealthExternalProviderQA@kp.org",
)


class NorthernCaliforniaAdapter(RegionAdapter):
    """Northern California: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
