"""Relay global ids: opaque strings that carry the type and, for regional objects, the region."""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

_MAX_ID_LENGTH = 200
_URLSAFE = bytes.maketrans(b"+/", b"-_")


class GlobalId(NamedTuple):
    type_name: str
    region: str | None
    pk: int


def urlsafe_b64(raw: bytes) -> str:
    """URL-safe base64 without padding, what ids and cursors are made of (`base64.urlsafe_b64encode`'s
    result, without its two Python calls: every item of a page has an id and a cursor)."""
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode()


def encode_id(type_name: str, region: str | None, pk: int) -> str:
    return urlsafe_b64(f"{type_name}:{region or ''}:{pk}".encode())


def decode_id(global_id: str) -> GlobalId | None:
    """The parts of an id, or None for anything this gateway did not issue (forged ids are just absent)."""
    if not global_id or len(global_id) > _MAX_ID_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split(":")
    if len(parts) != 3 or not parts[0] or not parts[2].isdigit() or len(parts[2]) > 18:
        return None
    return GlobalId(parts[0], parts[1] or None, int(parts[2]))
