"""The interchange and functional-group envelope every X12 5010 transaction of the gateway travels in."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
SEGMENT = "~"
# Characters that would end an element, a component, a repetition or a segment early.
_DELIMITERS = re.compile(r"[*:^~\r\n]")


def text(value: str, max_length: int) -> str:
    """A value made safe to stand in an element: printable ASCII (X12's character set; an en dash becomes a
    hyphen), no delimiter, at most `max_length` characters."""
    ascii_text = unicodedata.normalize("NFKD", value.replace("\u2013", "-").replace("\u2014", "-"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    return _DELIMITERS.sub(" ", ascii_text).strip()[:max_length].strip()


def segment(tag: str, *elements: str) -> str:
    """One segment, trailing empty elements left off as X12 asks."""
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    return ELEMENT.join((tag, *values)) + SEGMENT


@dataclass(frozen=True, slots=True)
class Parties:
    """Who sends and who receives the interchange (ISA06/ISA08, GS02/GS03)."""

    sender_id: str
    receiver_id: str


def control_number() -> int:
    """A fresh interchange control number (nine digits, never zero)."""
    return secrets.randbelow(999_999_999) + 1


def interchange(
    transaction: Sequence[str],
    *,
    functional_code: str,
    implementation: str,
    parties: Parties,
    at: datetime,
    control: int,
) -> str:
    """`transaction` (its segments from ST to SE) inside GS/GE and ISA/IEA, one segment a line."""
    isa = segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        parties.sender_id.ljust(15)[:15],
        "ZZ",
        parties.receiver_id.ljust(15)[:15],
        f"{at:%y%m%d}",
        f"{at:%H%M}",
        REPETITION,
        "00501",
        f"{control:09d}",
        "0",
        "P",
        COMPONENT,
    )
    gs = segment(
        "GS",
        functional_code,
        parties.sender_id.strip(),
        parties.receiver_id.strip(),
        f"{at:%Y%m%d}",
        f"{at:%H%M}",
        str(control),
        "X",
        implementation,
    )
    ge = segment("GE", "1", str(control))
    iea = segment("IEA", "1", f"{control:09d}")
    return "\n".join((isa, gs, *transaction, ge, iea)) + "\n"


def transaction_set(code: str, implementation: str, body: Sequence[str]) -> list[str]:
    """ST, the body, and SE counting every segment from ST to SE."""
    st = segment("ST", code, "0001", implementation)
    se = segment("SE", str(len(body) + 2), "0001")
    return [st, *body, se]
