"""The fixed records of DEMO_DATA.md, as the tests expect to read them back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FixedClaim:
    region: str
    claim_number: str
    tax_id: str
    member_id: str
    first_name: str
    last_name: str
    date_of_birth: str
    plan_type: str
    billed: str
    status: str
    category: str
    payment: dict[str, str] | None


FIXED_CLAIMS = (
    FixedClaim(
        "SCAL",
        "SCAL0000000001",
        "95-1000001",
        "M100000001",
        "Jordan",
        "Lee",
        "1980-04-12",
        "HMO",
        "1250.00",
        "PAID",
        "F1",
        {
            "vendor": "Harbor Medical Group",
            "method": "EFT",
            "amount": "980.00",
            "reference": "EFT20260301001",
            "paidOn": "2026-03-01",
        },
    ),
    FixedClaim(
        "SCAL",
        "SCAL0000000002",
        "95-1000001",
        "M100000002",
        "Avery",
        "Kim",
        "1975-09-30",
        "HMO",
        "430.00",
        "PENDED_FOR_INFORMATION",
        "P3",
        None,
    ),
    FixedClaim(
        "SCAL",
        "SCAL0000000003",
        "95-1000001",
        "M100000003",
        "Riley",
        "Park",
        "1990-01-05",
        "SELF_FUNDED",
        "310.00",
        "IN_PROCESS",
        "A2",
        None,
    ),
    FixedClaim(
        "NCAL",
        "NCAL0000000001",
        "95-1000001",
        "M200000001",
        "Sam",
        "Ortiz",
        "1968-11-23",
        "HMO",
        "2200.00",
        "DENIED",
        "F2",
        None,
    ),
    FixedClaim(
        "CO",
        "CO0000000001",
        "84-2000002",
        "M300000001",
        "Casey",
        "Wu",
        "1959-06-14",
        "DEDUCTIBLE_HMO",
        "5400.00",
        "DENIED",
        "F2",
        None,
    ),
    # Added with the demo coverage: the claim that met Casey Wu's 2026 deductible.
    FixedClaim(
        "CO",
        "CO0000000002",
        "84-2000002",
        "M300000001",
        "Casey",
        "Wu",
        "1959-06-14",
        "DEDUCTIBLE_HMO",
        "6800.00",
        "PAID",
        "F1",
        {
            "vendor": "Front Range Orthopedics",
            "method": "EFT",
            "amount": "2400.00",
            "reference": "EFT20260410001",
            "paidOn": "2026-04-10",
        },
    ),
    FixedClaim(
        "HI",
        "HI0000000001",
        "99-3000003",
        "M400000001",
        "Kai",
        "Akana",
        "2001-02-28",
        "HMO",
        "180.00",
        "IN_PROCESS",
        "A2",
        None,
    ),
    FixedClaim(
        "MAS",
        "MAS0000000001",
        "52-4000004",
        "M500000001",
        "Morgan",
        "Bell",
        "1984-07-07",
        "HMO",
        "960.00",
        "PAID",
        "F1",
        {
            "vendor": "Chesapeake Imaging Center",
            "method": "CHECK",
            "amount": "960.00",
            "reference": "004417",
            "paidOn": "2026-02-14",
        },
    ),
    FixedClaim(
        "NW",
        "NW0000000001",
        "93-5000005",
        "M600000001",
        "Quinn",
        "Hale",
        "1993-03-03",
        "HMO",
        "1500.00",
        "PARTIALLY_PAID",
        "F1",
        {
            "vendor": "Cascade Behavioral Health",
            "method": "EFT",
            "amount": "700.00",
            "reference": "EFT20260220007",
            "paidOn": "2026-02-20",
        },
    ),
    FixedClaim(
        "GA",
        "GA0000000001",
        "58-6000006",
        "M700000001",
        "Drew",
        "Fox",
        "2015-10-10",
        "HMO",
        "240.00",
        "PAID",
        "F1",
        {
            "vendor": "Peachtree Pediatrics",
            "method": "EFT",
            "amount": "240.00",
            "reference": "EFT20260110003",
            "paidOn": "2026-01-10",
        },
    ),
)

# Who sees which fixed claims, and how (DEMO_DATA.md, "People").
CLINICAL = "CLINICAL"
ADMINISTRATIVE = "ADMINISTRATIVE"
VISIBILITY: dict[str, dict[str, str]] = {
    "dana.reyes": {
        "SCAL0000000001": CLINICAL,
        "SCAL0000000002": CLINICAL,
        "SCAL0000000003": CLINICAL,
        "NCAL0000000001": CLINICAL,
    },
    "omar.haddad": {
        "CO0000000001": CLINICAL,
        "CO0000000002": CLINICAL,
        "HI0000000001": CLINICAL,
        "MAS0000000001": CLINICAL,
        "NW0000000001": CLINICAL,
    },
    "tess.nguyen": {"GA0000000001": ADMINISTRATIVE},
    "rep.scal": {},
    "rep.ga": {},
}

APPROVED_REGIONS: dict[str, set[str]] = {
    "dana.reyes": {"SCAL", "NCAL"},
    "omar.haddad": {"CO", "HI", "MAS", "NW"},
    "tess.nguyen": {"GA"},
    "rep.scal": set(),
    "rep.ga": set(),
}
