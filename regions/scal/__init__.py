"""Southern California: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import online_affiliate_contacts

RULES = replace(
    DEFAULT_RULES,
    code="SCAL",
    name="California – Southern",
    contacts=online_affiliate_contacts("SCAL"),
    acknowledgement_letters=True,
    behavioral_health_support_email="SCAL-BH-Panel@kp.org",
)


class SouthernCaliforniaAdapter(RegionAdapter):
    """Southern California: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
