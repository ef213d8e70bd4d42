"""Northern California: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.records import PlanType
from regions.base.rules import PlanGuidance, RegionGuidance, online_affiliate_contacts

# The Northern California welcome page: "Providers: Sign-on to use our secure provider tools (except
# Self-Funded, PPO, POS and OOA plans)".
PLANS_OUTSIDE_PORTAL = frozenset({PlanType.SELF_FUNDED, PlanType.PPO, PlanType.POS, PlanType.OUT_OF_AREA})

RULES = replace(
    DEFAULT_RULES,
    code="NCAL",
    name="California – Northern",
    contacts=online_affiliate_contacts("NCAL"),
    acknowledgement_letters=True,
    behavioral_health_support_email="MentalHealthExternalProviderQA@kp.org",
    plans_outside_portal=PLANS_OUTSIDE_PORTAL,
    guidance=RegionGuidance(
        outside_portal=(
            # "If your inquiry is about a Self-Funded member claim, please sign on to the Self-Funded
            # plans online tool."
            PlanGuidance(
                frozenset({PlanType.SELF_FUNDED}),
                "Self-Funded members are not served in this self-service tool. Please sign on to the "
                "Self-Funded plans online tool.",
            ),
            # "If your inquiry is about a PPO, POS or OOA member claim, please call (800) 392-8649,
            # Monday through Friday from 6am to 6pm."
            PlanGuidance(
                frozenset({PlanType.PPO, PlanType.POS, PlanType.OUT_OF_AREA}),
                "PPO, POS and OOA members are not served in this self-service tool. Please call "
                "(800) 392-8649, Monday through Friday from 6am to 6pm.",
            ),
        ),
    ),
)


class NorthernCaliforniaAdapter(RegionAdapter):
    """Northern California: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
