"""Checks of typed-in account fields; each failure is a Problem naming the input field at fault."""

from __future__ import annotations

import re
import unicodedata

from gateway.errors import MutationRefused, Problem, UserErrorCode

# A practical check (one @, a dotted domain): whether mail arrives is for the outbox to find out.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
_PHONE = re.compile(r"\+?[0-9 ().\-]{7,24}((x|ext\.?) ?[0-9]{1,6})?", re.IGNORECASE)
_PHONE_DIGITS = range(7, 16)
EMAIL_LENGTH = 254
PHONE_LENGTH = 30


class Checks:
    """Collects every problem of one input, so the person sees them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def refuse(self, code: UserErrorCode, message: str, field: tuple[str, ...]) -> None:
        self.problems.append(Problem(code, message, field))

    def verdict(self) -> None:
        """Refuse the mutation with every problem found so far, if there is any."""
        if self.problems:
            raise MutationRefused(*self.problems)

    def text(self, value: str, field: tuple[str, ...], *, label: str, max_length: int) -> str:
        """Trimmed text that is present, fits its column and holds no control characters; "" when
        refused (the verdict then refuses the whole input)."""
        text = value.strip()
        if not text:
            self.refuse(UserErrorCode.INVALID, f"Enter {label}.", field)
        elif len(text) > max_length:
            self.refuse(
                UserErrorCode.INVALID, f"{_sentence(label)} must be at most {max_length} characters.", field
            )
        elif any(unicodedata.category(character).startswith("C") for character in text):
            self.refuse(UserErrorCode.INVALID, f"{_sentence(label)} has characters we cannot keep.", field)
        else:
            return text
        return ""

    def email(self, value: str, field: tuple[str, ...], *, label: str) -> str:
        email = self.text(value, field, label=label, max_length=EMAIL_LENGTH)
        if email and _EMAIL.fullmatch(email) is None:
            self.refuse(
                UserErrorCode.INVALID,
                f"{_sentence(label)} must be an email address like name@example.com.",
                field,
            )
            return ""
        return email

    def phone(self, value: str, field: tuple[str, ...], *, label: str) -> str:
        phone = self.text(value, field, label=label, max_length=PHONE_LENGTH)
        if not phone:
            return ""
        digits = sum(character.isdigit() for character in re.split(r"x|ext", phone.lower())[0])
        if _PHONE.fullmatch(phone) is None or digits not in _PHONE_DIGITS:
            self.refuse(
                UserErrorCode.INVALID, f"{_sentence(label)} must be a phone number like 562-555-0141.", field
            )
            return ""
        return phone


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]
