"""What every region shares: rules as data, the adapter flow, the regional store."""

from regions.base.adapter import RegionAdapter
from regions.base.errors import InvalidClaimNumberError, RegionError, RegionUnavailableError
from regions.base.rules import DEFAULT_RULES, RegionContacts, RegionRules

__all__ = [
    "DEFAULT_RULES",
    "InvalidClaimNumberError",
    "RegionAdapter",
    "RegionContacts",
    "RegionError",
    "RegionRules",
    "RegionUnavailableError",
]
