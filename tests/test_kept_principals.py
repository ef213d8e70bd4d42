"""Principals kept between requests: a repeated request asks the directory nothing, and yet every
change of access is seen at the next request with the same token, on every replica."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import update

from gateway.directory.generation import GENERATION_KEY, directory_changed
from gateway.directory.tables import partner_clients, users
from gateway.partners.store import PartnerStore
from tests.account_steps import VIEWER
from tests.conftest import Gateway, redis_prefix, start_gateway
from tests.partner_steps import as_partner, partner_query, partner_token, register_client
from tests.services import REDIS_URL, clear_redis

CLAIM = """query ($n: String!) { claims(search: {claimNumber: $n}) { totalCount } }"""
REMOVE = """mutation ($id: ID!) { removeAssociation(input: {associationId: $id}) {
  association { status } userErrors { code } } }"""


def _directory_statements(gateway: Gateway) -> float:
    return gateway.runtime.metrics.registry.get_sample_value("directory_statements_total") or 0.0


async def _claims(gateway: Gateway, token: str, claim_number: str) -> int:
    answer = await as_partner(gateway, token, CLAIM, {"n": claim_number})
    assert answer.status_code == 200, answer.text
    total: int = answer.json()["data"]["claims"]["totalCount"]
    return total


async def _association(gateway: Gateway, user_id: str, region: str) -> str:
    viewer = (await gateway.query(VIEWER, as_user=user_id))["data"]["viewer"]["user"]
    [association] = [str(a["id"]) for a in viewer["associations"] if a["region"]["code"] == region]
    return association


async def _set_status(gateway: Gateway, user_id: str, status: str) -> None:
    """A user's status changed in SQL, behind the gateway's back."""
    async with gateway.runtime.directory.engine.begin() as connection:
        await connection.execute(update(users).where(users.c.user_id == user_id).values(status=status))


async def test_a_repeated_request_asks_the_directory_nothing(gateway: Gateway) -> None:
    # given a person's request, answered once
    token = await gateway.token("dana.reyes")
    assert await _claims(gateway, token, "SCAL0000000001") == 1
    # when the same request comes again
    before = _directory_statements(gateway)
    assert await _claims(gateway, token, "SCAL0000000001") == 1
    # then who is asking came from memory
    assert _directory_statements(gateway) - before == 0


async def test_a_partners_client_is_read_again_on_every_request(writable_gateway: Gateway) -> None:
    # given a partner client whose token has been used once
    secret = await register_client(writable_gateway, "kept-partner", "claims:read")
    token = await partner_token(writable_gateway, "kept-partner", secret)
    assert await _claims(writable_gateway, token, "GA0000000001") == 1
    runtime = writable_gateway.runtime
    # when an operator narrows its scopes behind the gateway's back (no announcement)
    async with runtime.directory.engine.begin() as connection:
        await connection.execute(
            update(partner_clients)
            .where(partner_clients.c.client_id == "kept-partner")
            .values(scopes="messages:read")
        )
    # then the very next call with the same token already has the new scopes
    assert await _claims(writable_gateway, token, "GA0000000001") == 0


async def test_a_removed_association_stops_granting_at_the_next_request(writable_gateway: Gateway) -> None:
    # given omar's NW grant, seen (and kept) by two requests of his token
    token = await writable_gateway.token("omar.haddad")
    assert await _claims(writable_gateway, token, "NW0000000001") == 1
    assert await _claims(writable_gateway, token, "NW0000000001") == 1
    # when he removes the association
    association = await _association(writable_gateway, "omar.haddad", "NW")
    removed = await writable_gateway.query(REMOVE, {"id": association}, as_user="omar.haddad")
    assert removed["data"]["removeAssociation"]["association"]["status"] == "REMOVED"
    # then the same token no longer reaches NW
    assert await _claims(writable_gateway, token, "NW0000000001") == 0


async def test_a_person_disabled_by_hand_is_refused_at_the_next_request(writable_gateway: Gateway) -> None:
    # given tess's token, used and her principal kept
    token = await writable_gateway.token("tess.nguyen")
    assert await _claims(writable_gateway, token, "GA0000000001") == 1
    runtime = writable_gateway.runtime

    async def set_status(status: str) -> None:
        # An operator's change in SQL, announced as gateway/directory/generation.py asks.
        await _set_status(writable_gateway, "tess.nguyen", status)
        await directory_changed(runtime.cache)

    # when she is disabled
    await set_status("DISABLED")
    try:
        # then
        refused = await as_partner(writable_gateway, token, CLAIM, {"n": "GA0000000001"})
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        await set_status("ACTIVE")
    # and once active again, her session works again
    assert await _claims(writable_gateway, token, "GA0000000001") == 1


async def test_a_lost_generation_is_a_new_one(writable_gateway: Gateway) -> None:
    # given tess's principal, kept
    token = await writable_gateway.token("tess.nguyen")
    assert await _claims(writable_gateway, token, "GA0000000001") == 1
    runtime = writable_gateway.runtime

    async def set_status(status: str) -> None:
        await _set_status(writable_gateway, "tess.nguyen", status)

    # when she is disabled without an announcement, and the generation is lost (Redis flushed or
    # evicted the key)
    await set_status("DISABLED")
    try:
        await runtime.cache.delete(GENERATION_KEY)
        # then nothing kept at the old generation answers
        refused = await as_partner(writable_gateway, token, CLAIM, {"n": "GA0000000001"})
        assert refused.status_code == 401
    finally:
        await set_status("ACTIVE")
        await directory_changed(runtime.cache)


async def test_a_change_on_one_replica_is_seen_by_the_next_request_on_another(
    writable_gateway: Gateway,
) -> None:
    # given two gateway processes over the same stores, sharing Redis
    prefix = redis_prefix("kept-principals")
    settings = replace(writable_gateway.runtime.settings, redis_url=REDIS_URL, redis_prefix=prefix)
    secret = await register_client(writable_gateway, "kept-replicas", "claims:read")
    try:
        async for first in start_gateway(settings):
            async for second in start_gateway(settings):
                # a person signed in on the first (kept by the second) and a partner
                person = await first.token("omar.haddad")
                partner = await partner_token(first, "kept-replicas", secret)
                assert await _claims(second, person, "HI0000000001") == 1
                assert await partner_query(second, partner, CLAIM, {"n": "GA0000000001"}) == {
                    "data": {"claims": {"totalCount": 1}}
                }

                # when the person removes an association on the first
                association = await _association(first, "omar.haddad", "HI")
                removed = await first.query(REMOVE, {"id": association}, as_user="omar.haddad")
                assert removed["data"]["removeAssociation"]["association"]["status"] == "REMOVED"
                # then the second sees it at once
                assert await _claims(second, person, "HI0000000001") == 0

                # when the partner client is switched off (an operator's command, no cache involved)
                store = PartnerStore(first.runtime.directory.engine)
                assert await store.set_disabled("kept-replicas", datetime.now(UTC))
                # then the second refuses its token at once
                assert (await as_partner(second, partner, CLAIM, {"n": "GA0000000001"})).status_code == 401
    finally:
        await clear_redis(REDIS_URL, prefix)
