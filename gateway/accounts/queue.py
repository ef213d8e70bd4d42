"""The regional representatives' work queue: agreements and TPA attestations waiting to be processed."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.accounts.attestations import AttestationView
from gateway.directory.records import EntityRecord
from gateway.runtime import Runtime

# The oldest this many of each kind: a queue is worked from the top.
QUEUE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Queue:
    agreements: list[EntityRecord]
    attestations: list[AttestationView]


async def representative_queue(runtime: Runtime) -> Queue:
    """Agreements and attestations waiting (national: any representative processes them); three statements."""
    directory = runtime.directory
    agreements = await directory.agreements_waiting(QUEUE_LIMIT)
    attestations = await directory.tpa_attestations_waiting(QUEUE_LIMIT)
    pks = {pk for a in attestations for pk in (a.group_entity_pk, a.tpa_entity_pk)}
    entities = await directory.entities_by_pks(sorted(pks)) if pks else {}
    return Queue(
        agreements=agreements,
        attestations=[
            AttestationView(a, entities[a.group_entity_pk], entities[a.tpa_entity_pk]) for a in attestations
        ],
    )
