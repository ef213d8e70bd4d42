"""National Provider Identifier check digits (CMS: Luhn over the card-issuer prefix 80840)."""

from __future__ import annotations

# An NPI is a health-industry card number whose issuer prefix 80840 is implied, not written.
_ISSUER_PREFIX = "80840"


def luhn_npi_check_digit(first_nine: str) -> str:
    """The tenth digit of the NPI whose first nine digits are given."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"an NPI starts with nine digits, not {first_nine!r}")
    total = 0
    # Luhn doubles every second digit counting from the right, the check digit being the first.
    for position, char in enumerate(reversed(_ISSUER_PREFIX + first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def is_valid_npi(npi: str) -> bool:
    """True for ten digits whose last one is the Luhn check digit of the first nine."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    return luhn_npi_check_digit(npi[:9]) == npi[9]


def npi_from(first_nine: int) -> str:
    """The full NPI for a nine-digit number."""
    digits = f"{first_nine:09d}"
    return digits + luhn_npi_check_digit(digits)
