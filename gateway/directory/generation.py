"""The directory's generation: a value in the shared cache that every committed write changing who someone
is replaces, so that principals kept in any replica's memory (gateway/auth/principals.py) are used only
while nothing they were read from has changed.

What changes a person's principal: their status, kind or employer, and the associations they hold (any
status: related Tax IDs count every one). The account services bump it after their transaction commits
(gateway/accounts/transaction.py); a change made to the directory by other means (SQL by hand) is followed
by `directory_changed` too, or it reaches kept principals only when they age out. Partner clients are not
kept (gateway/auth/authenticate.py)."""

from __future__ import annotations

import uuid

from gateway.cache import Cache

# The first part names the cache in `cache_requests_total`.
GENERATION_KEY = "directory:generation"


async def directory_changed(cache: Cache) -> bytes:
    """Start a new generation and return it. Call it AFTER the write commits: bumped before, a request
    could read the old rows under the new generation and keep them."""
    # A random value, not a counter: a counter lost with its Redis key would start over and could meet
    # again a number some replica kept principals under; a random value never comes back.
    generation = uuid.uuid4().hex.encode()
    await cache.set(GENERATION_KEY, generation)
    return generation
