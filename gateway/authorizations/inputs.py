"""Checks of the typed-in fields of a request: ICD-10-CM diagnosis codes, CPT and HCPCS procedure codes,
units, dates and free text. Each failure is a Problem on the field at fault (INVALID)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from gateway.errors import Problem, UserErrorCode

# ICD-10-CM: a letter (U is reserved for emergency use), two characters, then up to four after a dot.
_ICD10CM = re.compile(r"[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
# CPT: five digits, or four and F (category II) or T (category III); HCPCS Level II: a letter A-V and four
# digits.
_PROCEDURE = re.compile(r"[0-9]{4}[0-9FT]|[A-V][0-9]{4}")
MAX_DIAGNOSIS_CODES = 12
MAX_SERVICES = 20
MAX_UNITS = 999
# A request covers services within a year.
MAX_SERVICE_DAYS = 366


def diagnosis_code(typed: str) -> str | None:
    """An ICD-10-CM code as stored (upper case, with its dot), or None when it has not the format."""
    code = typed.strip().upper()
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code if _ICD10CM.fullmatch(code) else None


def procedure_code(typed: str) -> str | None:
    """A CPT or HCPCS code as stored (upper case), or None when it has not the format."""
    code = typed.strip().upper()
    return code if _PROCEDURE.fullmatch(code) else None


class RequestChecks:
    """Collects every problem of one input, so the person sees them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def refuse(
        self, message: str, field: tuple[str, ...], code: UserErrorCode = UserErrorCode.INVALID
    ) -> None:
        self.problems.append(Problem(code, message, field))

    def text(self, value: str, field: tuple[str, ...], *, label: str, max_length: int) -> str:
        """Trimmed text that is present and fits; line breaks and tabs are kept, other control characters
        (and NUL, which no store keeps) refuse it."""
        text = value.strip()
        if not text:
            self.refuse(f"Enter {label}.", field)
        elif len(text) > max_length:
            self.refuse(f"At most {max_length} characters: {label}.", field)
        elif any(
            unicodedata.category(character).startswith("C") and character not in "\n\r\t"
            for character in text
        ):
            self.refuse(f"This holds characters we cannot keep: {label}.", field)
        else:
            return text
        return ""

    def diagnosis_codes(self, typed: list[str], field: tuple[str, ...]) -> tuple[str, ...]:
        if not typed:
            self.refuse("Enter at least one ICD-10-CM diagnosis code.", field)
            return ()
        if len(typed) > MAX_DIAGNOSIS_CODES:
            self.refuse(f"Enter at most {MAX_DIAGNOSIS_CODES} diagnosis codes.", field)
            return ()
        codes = []
        for index, value in enumerate(typed):
            code = diagnosis_code(value)
            if code is None:
                self.refuse(
                    f"{value.strip()[:20]!r} is not an ICD-10-CM code (e.g. M17.11).", (*field, str(index))
                )
            elif code not in codes:
                codes.append(code)
        return tuple(codes)

    def service(
        self, code: str, units: int, service_from: date, service_to: date, field: tuple[str, ...]
    ) -> str | None:
        """The procedure code of one service line, or None when the line is refused."""
        found = procedure_code(code)
        if found is None:
            self.refuse(
                f"{code.strip()[:20]!r} is not a CPT or HCPCS code (e.g. 27447 or E0601).",
                (*field, "procedureCode"),
            )
        if not 1 <= units <= MAX_UNITS:
            self.refuse(f"Units are between 1 and {MAX_UNITS}.", (*field, "units"))
        if service_to < service_from:
            self.refuse("The service ends before it starts.", (*field, "serviceTo"))
        elif (service_to - service_from).days > MAX_SERVICE_DAYS:
            self.refuse("A service line covers at most a year.", (*field, "serviceTo"))
        return found
