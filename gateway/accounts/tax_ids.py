"""Employer Identification Numbers (Tax IDs): NN-NNNNNNN with a prefix the IRS issues."""

from __future__ import annotations

import re

_TAX_ID = re.compile(r"(\d{2})-?(\d{7})")
# Prefixes the IRS has never assigned to a campus or to online applications.
UNISSUED_PREFIXES = frozenset(
    {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
)


def valid_tax_id(raw: str) -> str | None:
    """NN-NNNNNNN from nine digits typed with or without the dash; None when it cannot be a Tax ID."""
    match = _TAX_ID.fullmatch(raw.strip())
    if match is None:
        return None
    prefix, serial = match[1], match[2]
    if prefix in UNISSUED_PREFIXES or (prefix + serial).strip("0") == "":
        return None
    return f"{prefix}-{serial}"
