"""Word lists the generator draws from: our own, not Faker's, so a seed stays the same on every install."""

from __future__ import annotations

from typing import Final

FIRST_NAMES: Final[tuple[str, ...]] = (
    "Aaliyah", "Adrian", "Aiko", "Alejandro", "Amara", "Andre", "Anika", "Arjun", "Beatriz", "Benjamin",
    "Bianca", "Caleb", "Camila", "Carlos", "Chloe", "Daniel", "Deepa", "Diego", "Eleanor", "Elijah",
    "Emeka", "Esperanza", "Ethan", "Fatima", "Gabriel", "Grace", "Hana", "Hector", "Imani", "Isaac",
    "Isabella", "Jamal", "Jasmine", "Javier", "Jin", "Julia", "Kalani", "Keanu", "Kenji", "Laila",
    "Leilani", "Liam", "Lucia", "Malia", "Marcus", "Maya", "Mei", "Miguel", "Nadia", "Naomi",
    "Nathan", "Nia", "Noah", "Olivia", "Omari", "Priya", "Rafael", "Rosa", "Samuel", "Sofia",
    "Tariq", "Thomas", "Valentina", "Victor", "Wen", "Xavier", "Yara", "Yusuf", "Zoe", "Zainab",
)  # fmt: skip

LAST_NAMES: Final[tuple[str, ...]] = (
    "Abbott", "Adeyemi", "Alvarez", "Anderson", "Bautista", "Becker", "Brooks", "Castillo", "Chang", "Chen",
    "Coleman", "Cruz", "Dang", "Delgado", "Dubois", "Edwards", "Espinoza", "Fischer", "Flores", "Fujita",
    "Garcia", "Gonzalez", "Gupta", "Hayes", "Hernandez", "Hoang", "Ibrahim", "Jackson", "Jensen", "Kahale",
    "Kapoor", "Kealoha", "Kim", "Kowalski", "Lam", "Lopez", "Mahoe", "Martinez", "Mendoza", "Mitchell",
    "Morales", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Quinn",
    "Ramirez", "Reddy", "Rivera", "Robinson", "Sandoval", "Santos", "Schmidt", "Shah", "Silva", "Singh",
    "Sullivan", "Tanaka", "Thompson", "Torres", "Tran", "Vasquez", "Walker", "Webb", "Yamamoto", "Zhang",
)  # fmt: skip

# Credentials paired with the specialties that hold them, for provider display names.
PHYSICIAN_CREDENTIALS: Final[tuple[str, ...]] = ("MD", "MD", "MD", "DO")
ADVANCED_PRACTICE_CREDENTIALS: Final[tuple[str, ...]] = ("NP", "PA-C")

SPECIALTIES_BY_PRACTICE: Final[dict[str, tuple[str, ...]]] = {
    "primary_care": (
        "Family Medicine", "Internal Medicine", "Pediatrics", "Geriatric Medicine", "Obstetrics & Gynecology",
        "Cardiology", "Endocrinology", "Gastroenterology", "Dermatology", "Nephrology",
    ),
    "orthopedics": (
        "Orthopedic Surgery", "Sports Medicine", "Hand Surgery", "Spine Surgery",
        "Physical Medicine & Rehabilitation", "Foot & Ankle Surgery", "Joint Replacement Surgery",
    ),
    "imaging": ("Diagnostic Radiology", "Interventional Radiology", "Nuclear Medicine", "Neuroradiology"),
    "behavioral": (
        "Psychiatry", "Child & Adolescent Psychiatry", "Clinical Psychology", "Clinical Social Work",
        "Addiction Medicine", "Marriage & Family Therapy",
    ),
    "pediatrics": (
        "Pediatrics", "Pediatric Cardiology", "Pediatric Pulmonology", "Neonatology",
        "Developmental-Behavioral Pediatrics",
    ),
    "urgent_care": ("Urgent Care Medicine", "Emergency Medicine", "Family Medicine"),
}  # fmt: skip

# Behavioral-health specialties whose clinicians are not physicians.
NON_PHYSICIAN_SPECIALTIES: Final[dict[str, str]] = {
    "Clinical Psychology": "PsyD",
    "Clinical Social Work": "LCSW",
    "Marriage & Family Therapy": "LMFT",
}

# Words that make up generated practice names: "<place> <field> <suffix>".
PLACE_WORDS: Final[tuple[str, ...]] = (
    "Alder", "Bayview", "Birchwood", "Blue Ridge", "Canyon", "Cedar", "Clearwater", "Coastal", "Cypress",
    "Eastside", "Evergreen", "Fairview", "Foothill", "Golden Gate", "Granite", "Highland", "Lakeside",
    "Laurel", "Magnolia", "Mesa", "Mission", "Northgate", "Oak Park", "Pacific", "Pinecrest", "Prairie",
    "Redwood", "Ridgeview", "Riverbend", "Sandstone", "Seaside", "Sierra", "Silver Lake", "Stonebridge",
    "Summit", "Sunset", "Tidewater", "Valley", "Westfield", "Willow Creek",
)  # fmt: skip

PRACTICE_FIELDS: Final[dict[str, str]] = {
    "Family Medicine": "primary_care",
    "Internal Medicine": "primary_care",
    "Primary Care": "primary_care",
    "Women's Health": "primary_care",
    "Heart & Vascular": "primary_care",
    "Orthopedics": "orthopedics",
    "Sports Medicine": "orthopedics",
    "Imaging": "imaging",
    "Radiology": "imaging",
    "Behavioral Health": "behavioral",
    "Counseling": "behavioral",
    "Pediatrics": "pediatrics",
    "Children's Clinic": "pediatrics",
    "Urgent Care": "urgent_care",
}

GROUP_SUFFIXES: Final[tuple[str, ...]] = ("Associates", "Medical Group", "Partners", "Clinic", "Group")
FACILITY_SUFFIXES: Final[tuple[str, ...]] = ("Center", "Institute", "Surgery Center", "Outpatient Center")

SIGNATORY_TITLES: Final[tuple[str, ...]] = (
    "Practice Administrator", "Chief Executive Officer", "Office Manager", "Medical Director",
    "Director of Revenue Cycle", "Chief Operating Officer",
)  # fmt: skip

# Valid ICD-10-CM codes of the kind an ambulatory practice bills most.
DIAGNOSIS_CODES: Final[tuple[str, ...]] = (
    "E11.9", "E11.65", "E78.5", "E66.9", "E03.9", "I10", "I25.10", "I48.91", "J06.9", "J20.9",
    "J45.909", "J02.9", "J01.90", "J30.9", "K21.9", "K59.00", "K58.9", "N39.0", "N18.3", "M25.561",
    "M25.511", "M54.50", "M54.2", "M17.11", "M17.0", "M75.101", "M79.604", "M65.4", "M72.2", "S83.511A",
    "S93.401A", "S62.101A", "F32.9", "F33.1", "F41.1", "F41.9", "F43.10", "F90.0", "F84.0", "F10.20",
    "G43.909", "G47.00", "G89.29", "H66.90", "H10.9", "L20.9", "L70.0", "R05.9", "R10.9", "R51.9",
    "R07.9", "R50.9", "R53.83", "Z00.00", "Z00.129", "Z23", "Z12.31", "Z34.00", "Z79.4", "R92.8",
)  # fmt: skip
