"""Northwest: the regional backend's rules (see README.md beside this file)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from regions.base import DEFAULT_RULES, RegionAdapter, RegionRules
from regions.base.rules import NATIONAL_HELPDESK_PHONE, RegionContacts

RULES = replace(
    DEFAULT_RULES,
    code="NW",
    name="Northwest",
    on_behalf_of_provider_picker=True,
    # The Online Provider Messaging guide: Northwest sends registration and training questions to Provider
    # Relations.
    contacts=RegionContacts(
        technical_support_phone=NATIONAL_HELPDESK_PHONE,
        registration_help_email="NW-Provider-Relations@kp.org",
        training_help_email="NW-Provider-Relations@kp.org",
    ),
)


class NorthwestAdapter(RegionAdapter):
    """Northwest: the shared flow with this region's rules."""

    rules: ClassVar[RegionRules] = RULES
