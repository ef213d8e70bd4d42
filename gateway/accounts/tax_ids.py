"""Employer Identification Numbers (Tax IDs): NN-NNNNNNN with a prefix the IRS issues."""

from __future__ import annotations

import re

# ASCII digits only: `\d` would also take other scripts' digits, which no Tax ID is written in.
_TAX_ID = re.compile(r"([0-9]{2})-?([0-9]{7})")
# Prefixes the IRS has never assigned to a campus or to online applications.
UNISSUED_PREFIXES = frozenset(
    {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
)


def valid_tax_id(raw: str) -> str | None:
    """NN-NNNNNNN from nine digits typed with or without the dash; None when it cannot be a Tax ID. The one
    reading of a Tax ID: registration, associations, support cases, partners and the `entity` look-up."""
    match = _TAX_ID.fullmatch(raw.strip())
    if match is None:
        return None
    prefix, serial = match[1], match[2]
    if prefix in UNISSUED_PREFIXES or (prefix + serial).strip("0") == "":
        return None
    return f"{prefix}-{serial}"
