"""Principals kept in memory between requests, each good only at the directory generation it was read at."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from gateway.auth.principal import Principal


@dataclass(frozen=True, slots=True)
class _Kept:
    principal: Principal
    generation: bytes
    read_at: float


class KeptPrincipals:
    """A bounded map from what identifies a person's request (user pk, session and active region) to the
    Principal the directory gave for it.

    An entry answers only while the directory generation (gateway/directory/generation.py) is the one it
    was read at: every write that changes a principal starts a new generation, so a removed association
    or a disabled user is seen at the next request, on every replica. The caller reads the generation
    BEFORE it reads the directory, and keeps what it read under that generation. Entries also age out
    after `max_age_seconds`, which bounds how long a change made behind the gateway's back (SQL by hand,
    without `directory_changed`) goes unseen.
    """

    def __init__(
        self, *, size: int, max_age_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._size = size
        self._max_age_seconds = max_age_seconds
        self._clock = clock
        self._kept: dict[Hashable, _Kept] = {}

    async def kept(
        self, key: Hashable, generation: bytes, read: Callable[[], Awaitable[Principal]]
    ) -> Principal:
        """The principal kept under `key` at `generation`, or else what `read` gives (it reads the
        directory; an exception it raises, such as `Unauthenticated`, is not kept)."""
        principal = self.get(key, generation)
        if principal is None:
            principal = await read()
            self.put(key, generation, principal)
        return principal

    def get(self, key: Hashable, generation: bytes) -> Principal | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept.generation != generation or self._clock() - kept.read_at >= self._max_age_seconds:
            del self._kept[key]
            return None
        return kept.principal

    def put(self, key: Hashable, generation: bytes, principal: Principal) -> None:
        self._kept.pop(key, None)
        if len(self._kept) >= self._size:
            # The oldest entry (dicts keep insertion order) makes room: no burst of misses at the bound.
            del self._kept[next(iter(self._kept))]
        self._kept[key] = _Kept(principal, generation, self._clock())
