"""KeptPrincipals on its own: an entry answers only at its generation, within its age, within the bound."""

from __future__ import annotations

from gateway.auth.principal import Principal, PrincipalKind
from gateway.auth.principals import KeptPrincipals

ALICE = Principal(kind=PrincipalKind.PERSON, user_pk=1, user_id="alice")
BOB = Principal(kind=PrincipalKind.PERSON, user_pk=2, user_id="bob")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_an_entry_answers_only_at_the_generation_it_was_read_at() -> None:
    kept = KeptPrincipals(size=10, max_age_seconds=30)
    reads: list[str] = []

    async def read_alice() -> Principal:
        reads.append("alice")
        return ALICE

    assert await kept.kept(1, b"g1", read_alice) is ALICE
    assert await kept.kept(1, b"g1", read_alice) is ALICE
    assert reads == ["alice"]

    assert kept.get(1, b"g2") is None
    assert await kept.kept(1, b"g2", read_alice) is ALICE
    assert reads == ["alice", "alice"]


async def test_an_entry_ages_out() -> None:
    clock = Clock()
    kept = KeptPrincipals(size=10, max_age_seconds=30, clock=clock)
    kept.put(1, b"g", ALICE)

    clock.now = 29.9
    assert kept.get(1, b"g") is ALICE
    clock.now = 30.0
    assert kept.get(1, b"g") is None


async def test_the_oldest_entry_makes_room() -> None:
    kept = KeptPrincipals(size=2, max_age_seconds=30)
    kept.put(1, b"g", ALICE)
    kept.put(2, b"g", BOB)
    kept.put(3, b"g", ALICE)

    assert kept.get(1, b"g") is None
    assert kept.get(2, b"g") is BOB
    assert kept.get(3, b"g") is ALICE
