"""Georgia: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import online_affiliate_contacts

RULES = replace(
    DEFAULT_RULES,
    code="GA",
    name="Georgia",
    contacts=online_affiliate_contacts("GA"),
)


class GeorgiaAdapter(RegionAdapter):
    """Georgia: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
