"""Guest claim status and eligibility: full answers for honest callers, nothing for guessers."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from graphql import parse
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import select

from gateway.directory.tables import audit_events
from gateway.guest.audit import GuestAction
from gateway.schema.guest import count_guest_lookups
from gateway.settings import Settings
from regions.base.tables import claims, members
from tests.conftest import Gateway, start_gateway
from tests.services import REDIS_URL, unavailable

CLAIM_STATUS = """
query GuestClaimStatus($input: GuestClaimStatusInput!) {
  guestClaimStatus(input: $input) {
    claim { claimNumber status statusCategory payment { vendor method amount reference paidOn } }
    guidance
  }
}
"""

ELIGIBILITY = """
query GuestEligibility($input: GuestEligibilityInput!) {
  guestEligibility(input: $input) {
    eligibility { memberId eligible planType coverageFrom coverageTo }
    guidance
  }
}
"""

GUEST_TYPE_FIELDS = """
query {
  claimStatus: __type(name: "GuestClaimStatus") { fields { name } }
  eligibility: __type(name: "GuestEligibility") { fields { name } }
}
"""

# DEMO_DATA.md, "Guest look-ups that must succeed".
PAID_CLAIM = {
    "region": "SCAL",
    "claimNumber": "SCAL0000000001",
    "memberId": "M100000001",
    "memberDateOfBirth": "1980-04-12",
    "billedAmount": "1250.00",
}
SELF_FUNDED_CLAIM = {
    "region": "SCAL",
    "claimNumber": "SCAL0000000003",
    "memberId": "M100000003",
    "memberDateOfBirth": "1990-01-05",
    "billedAmount": "310.00",
}
MEMBER = {
    "region": "SCAL",
    "memberId": "M100000001",
    "memberDateOfBirth": "1980-04-12",
    "memberLastName": "Lee",
}

NOT_FOUND_ON_THE_CARD = "call the phone number listed on the member's ID card"
SELF_FUNDED_TOOL = "Self-Funded plans online tool"
PPO_PHONE = "(800) 392-8649, Monday through Friday from 6am to 6pm"

# Limits wide enough that the tests of answers never meet them, and no padding, to keep them fast.
ROOMY = {"guest_lookups_per_address": 10_000, "guest_lookups_per_member": 10_000, "guest_min_response_ms": 0}


@asynccontextmanager
async def own_gateway(base: Gateway, prefix: str | None = None, **overrides: Any) -> AsyncIterator[Gateway]:
    """Another gateway over `base`'s stores, with limits of its own (its own keys in Redis unless `prefix`
    names keys to share)."""
    module_prefix = base.runtime.settings.redis_prefix
    settings = replace(
        base.runtime.settings,
        redis_prefix=f"{module_prefix}{prefix or uuid.uuid4().hex[:8]}:",
        **overrides,
    )
    async with aclosing(start_gateway(settings)) as running:
        async for gateway in running:
            yield gateway


@pytest.fixture(scope="module")
async def roomy(writable_gateway: Gateway) -> AsyncIterator[Gateway]:
    async with own_gateway(writable_gateway, **ROOMY) as gateway:
        yield gateway


def client_from(gateway: Gateway, address: str) -> httpx.AsyncClient:
    """A client whose requests come from `address`."""
    transport = httpx.ASGITransport(app=gateway.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test")


async def claim_status(gateway: Gateway, keys: dict[str, Any], **headers: str) -> httpx.Response:
    return await gateway.client.post(
        "/graphql", json={"query": CLAIM_STATUS, "variables": {"input": keys}}, headers=headers
    )


async def eligibility(gateway: Gateway, keys: dict[str, Any]) -> httpx.Response:
    return await gateway.client.post("/graphql", json={"query": ELIGIBILITY, "variables": {"input": keys}})


def guess(number: int) -> dict[str, Any]:
    """A well-formed guess at a member who need not exist, a different one each time."""
    return {**PAID_CLAIM, "memberId": f"M9{number:08d}"}


async def audit_rows(gateway: Gateway, request_id: str) -> list[dict[str, Any]]:
    async with gateway.runtime.directory.engine.connect() as connection:
        statement = select(audit_events).where(audit_events.c.request_id == request_id)
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


# ------------------------------------------------------------------------------ answers


async def test_an_honest_caller_gets_the_claim_status_and_its_payment(roomy: Gateway) -> None:
    response = await claim_status(roomy, PAID_CLAIM)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "guestClaimStatus": {
                "claim": {
                    "claimNumber": "SCAL0000000001",
                    "status": "PAID",
                    "statusCategory": "F1",
                    "payment": {
                        "vendor": "Harbor Medical Group",
                        "method": "EFT",
                        "amount": "980.00",
                        "reference": "EFT20260301001",
                        "paidOn": "2026-03-01",
                    },
                },
                "guidance": None,
            }
        }
    }


@pytest.mark.parametrize(
    "typed",
    [
        {"billedAmount": "1250"},
        {"billedAmount": 1250},
        {"billedAmount": "1250.000"},
        {"claimNumber": "  scal0000000001 "},
        {"memberId": " m100000001"},
    ],
)
async def test_keys_are_compared_as_values_not_as_typed(roomy: Gateway, typed: dict[str, Any]) -> None:
    exact = await claim_status(roomy, PAID_CLAIM)
    as_typed = await claim_status(roomy, {**PAID_CLAIM, **typed})
    assert as_typed.content == exact.content
    assert as_typed.json()["data"]["guestClaimStatus"]["claim"]["status"] == "PAID"


async def test_an_unpaid_claim_has_its_status_and_no_payment(roomy: Gateway) -> None:
    keys = {**PAID_CLAIM, "claimNumber": "SCAL0000000002", "memberId": "M100000002"}
    response = await claim_status(roomy, {**keys, "memberDateOfBirth": "1975-09-30", "billedAmount": "430"})
    assert response.json()["data"]["guestClaimStatus"] == {
        "claim": {
            "claimNumber": "SCAL0000000002",
            "status": "PENDED_FOR_INFORMATION",
            "statusCategory": "P3",
            "payment": None,
        },
        "guidance": None,
    }


WRONG_KEYS = {
    "another claim of the same member's provider": {"claimNumber": "SCAL0000000002"},
    "another member": {"memberId": "M100000002"},
    "a day off the date of birth": {"memberDateOfBirth": "1980-04-13"},
    "a cent off the billed amount": {"billedAmount": "1250.01"},
    "a tenth of a cent off": {"billedAmount": "1250.001"},
    "the paid amount for the billed one": {"billedAmount": "980.00"},
    "not a number": {"billedAmount": "NaN"},
    "a signalling not-a-number": {"billedAmount": "sNaN"},
    "infinity": {"billedAmount": "Infinity"},
    "a claim number of the wrong format": {"claimNumber": "SCAL-1"},
    "an empty claim number": {"claimNumber": ""},
    "an empty member id": {"memberId": "   "},
    "a very long member id": {"memberId": "M100000001" * 100},
    "another region": {"region": "NCAL"},
    "a self-funded claim's keys but one": {**SELF_FUNDED_CLAIM, "memberDateOfBirth": "1990-01-06"},
}


async def test_every_wrong_key_gets_the_very_answer_of_a_claim_that_does_not_exist(roomy: Gateway) -> None:
    nobody = await claim_status(roomy, {**PAID_CLAIM, "claimNumber": "SCAL9999999999", "memberId": "M999"})
    assert nobody.status_code == 200
    answer = nobody.json()["data"]["guestClaimStatus"]
    assert answer["claim"] is None
    assert NOT_FOUND_ON_THE_CARD in answer["guidance"]
    assert "Online Affiliate" in answer["guidance"]  # signed-in users have the fuller claims portal

    for wrong, keys in WRONG_KEYS.items():
        response = await claim_status(roomy, {**PAID_CLAIM, **keys})
        assert (response.status_code, response.content) == (200, nobody.content), wrong


async def test_a_self_funded_claim_gets_the_self_funded_guidance(roomy: Gateway) -> None:
    response = await claim_status(roomy, SELF_FUNDED_CLAIM)
    answer = response.json()["data"]["guestClaimStatus"]
    assert answer["claim"] is None
    assert SELF_FUNDED_TOOL in answer["guidance"]
    assert NOT_FOUND_ON_THE_CARD not in answer["guidance"]


async def ppo_claim_keys(gateway: Gateway, region: str) -> dict[str, str]:
    """Every key of a generated claim of a PPO member of the region."""
    async with gateway.runtime.regions[region].store.engine.connect() as connection:
        statement = (
            select(
                claims.c.claim_number, claims.c.billed_amount, members.c.member_id, members.c.date_of_birth
            )
            .join(members, members.c.id == claims.c.member_id)
            .where(members.c.plan_type == "PPO")
            .limit(1)
        )
        row = (await connection.execute(statement)).mappings().one()
    return {
        "region": region,
        "claimNumber": row["claim_number"],
        "memberId": row["member_id"],
        "memberDateOfBirth": row["date_of_birth"].isoformat(),
        "billedAmount": str(row["billed_amount"]),
    }


async def test_a_northern_california_ppo_members_claim_gets_that_regions_phone_number(roomy: Gateway) -> None:
    # when every key of an NCAL PPO member's claim is given (NCAL serves PPO plans outside the portal)
    answer = (await claim_status(roomy, await ppo_claim_keys(roomy, "NCAL"))).json()["data"][
        "guestClaimStatus"
    ]
    # then there is no status, and Northern California's number to call
    assert answer["claim"] is None
    assert PPO_PHONE in answer["guidance"]


async def test_another_regions_ppo_claim_is_answered_and_never_with_ncals_number(roomy: Gateway) -> None:
    # Colorado serves its PPO members in the portal: the status is answered
    answer = (await claim_status(roomy, await ppo_claim_keys(roomy, "CO"))).json()["data"]["guestClaimStatus"]
    assert answer["claim"] is not None
    assert answer["guidance"] is None
    # and a miss in Colorado names the number on the member's ID card, not Northern California's
    miss = (await claim_status(roomy, {**PAID_CLAIM, "region": "CO", "claimNumber": "CO9999999999"})).json()
    assert "392-8649" not in miss["data"]["guestClaimStatus"]["guidance"]
    assert NOT_FOUND_ON_THE_CARD in miss["data"]["guestClaimStatus"]["guidance"]


async def test_a_northern_california_ppo_members_eligibility_is_that_regions_guidance(roomy: Gateway) -> None:
    keys = {
        "region": "NCAL",
        "memberId": "M200000002",
        "memberDateOfBirth": "1971-02-17",
        "memberLastName": "Rivera",
    }
    answer = (await eligibility(roomy, keys)).json()["data"]["guestEligibility"]
    assert answer["eligibility"] is None
    assert PPO_PHONE in answer["guidance"]
    # one key wrong: the answer of any miss
    wrong = (await eligibility(roomy, {**keys, "memberDateOfBirth": "1971-02-18"})).json()["data"][
        "guestEligibility"
    ]
    assert PPO_PHONE not in wrong["guidance"]


async def test_an_honest_caller_gets_the_members_eligibility(roomy: Gateway) -> None:
    today = datetime.now(UTC).date()
    response = await eligibility(roomy, {**MEMBER, "memberLastName": "  lEE "})
    assert response.json() == {
        "data": {
            "guestEligibility": {
                "eligibility": {
                    "memberId": "M100000001",
                    "eligible": date(2025, 1, 1) <= today <= date(2026, 12, 31),
                    "planType": "HMO",
                    "coverageFrom": "2025-01-01",
                    "coverageTo": "2026-12-31",
                },
                "guidance": None,
            }
        }
    }


async def test_every_wrong_eligibility_key_gets_the_very_answer_of_a_member_who_does_not_exist(
    roomy: Gateway,
) -> None:
    nobody = await eligibility(roomy, {**MEMBER, "memberId": "M999999999"})
    answer = nobody.json()["data"]["guestEligibility"]
    assert answer["eligibility"] is None
    assert NOT_FOUND_ON_THE_CARD in answer["guidance"]
    assert "register for Online Affiliate access" in answer["guidance"]
    for wrong in (
        {"memberLastName": "Kim"},
        {"memberLastName": "Le"},
        {"memberLastName": ""},
        {"memberDateOfBirth": "1980-04-11"},
        {"memberId": "M100000002"},
        {"region": "NCAL"},
    ):
        response = await eligibility(roomy, {**MEMBER, **wrong})
        assert (response.status_code, response.content) == (200, nobody.content), wrong


async def test_a_self_funded_members_eligibility_comes_with_the_self_funded_guidance(roomy: Gateway) -> None:
    keys = {
        "region": "SCAL",
        "memberId": "M100000003",
        "memberDateOfBirth": "1990-01-05",
        "memberLastName": "Park",
    }
    answer = (await eligibility(roomy, keys)).json()["data"]["guestEligibility"]
    assert answer["eligibility"]["planType"] == "SELF_FUNDED"
    assert SELF_FUNDED_TOOL in answer["guidance"]


async def test_guests_see_nothing_of_the_member_or_anything_clinical(roomy: Gateway) -> None:
    types = (await roomy.query(GUEST_TYPE_FIELDS))["data"]
    assert {f["name"] for f in types["claimStatus"]["fields"]} == {
        "claimNumber",
        "status",
        "statusCategory",
        "payment",
    }
    assert {f["name"] for f in types["eligibility"]["fields"]} == {
        "memberId",
        "eligible",
        "planType",
        "coverageFrom",
        "coverageTo",
    }
    asking_for_more = CLAIM_STATUS.replace(
        "claimNumber status", "claimNumber diagnosisCodes member { lastName }"
    )
    response = await roomy.client.post(
        "/graphql", json={"query": asking_for_more, "variables": {"input": PAID_CLAIM}}
    )
    assert "data" not in response.json()
    assert {e["extensions"]["code"] for e in response.json()["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


async def test_a_signed_in_caller_gets_the_same_answers_without_any_association(roomy: Gateway) -> None:
    # tess.nguyen has no association in SCAL at all
    signed_in = await roomy.query(CLAIM_STATUS, {"input": PAID_CLAIM}, as_user="tess.nguyen")
    anonymous = (await claim_status(roomy, PAID_CLAIM)).json()
    assert signed_in == anonymous
    assert signed_in["data"]["guestClaimStatus"]["claim"]["status"] == "PAID"


@pytest.mark.parametrize(
    ("field", "value"),
    [("billedAmount", "twelve hundred"), ("memberDateOfBirth", "1980-13-45"), ("region", "XX")],
)
async def test_malformed_input_is_a_clear_error(roomy: Gateway, field: str, value: str) -> None:
    response = await claim_status(roomy, {**PAID_CLAIM, field: value})
    assert response.status_code in {200, 400}
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}


# ----------------------------------------------------------------------------- throttling


async def test_a_guesser_is_refused_well_before_a_hundred_tries_and_other_addresses_are_not(
    writable_gateway: Gateway,
) -> None:
    # given the default limits (without the padding, to keep the test fast)
    async with own_gateway(writable_gateway, guest_min_response_ms=0) as gateway:
        # when one address guesses at a new member every time
        refused_at = None
        for attempt in range(1, 101):
            response = await claim_status(gateway, guess(attempt))
            if response.status_code != 200:
                refused_at = attempt
                break
        # then it is refused once it has used the address's allowance
        assert refused_at == Settings().guest_lookups_per_address + 1
        assert refused_at < 50
        assert response.status_code == 429
        body = response.json()
        assert "data" not in body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 1 <= error["extensions"]["retryAfter"] <= Settings().guest_window_seconds
        assert response.headers["retry-after"] == str(error["extensions"]["retryAfter"])

        # and the right keys do not get through from there either
        assert (await claim_status(gateway, PAID_CLAIM)).status_code == 429
        # while another address is answered in full
        async with client_from(gateway, "198.51.100.7") as other:
            answered = await other.post(
                "/graphql", json={"query": CLAIM_STATUS, "variables": {"input": PAID_CLAIM}}
            )
        assert answered.json()["data"]["guestClaimStatus"]["claim"]["status"] == "PAID"


async def test_guessing_one_member_from_many_addresses_is_refused(writable_gateway: Gateway) -> None:
    async with own_gateway(writable_gateway, guest_lookups_per_member=3, guest_min_response_ms=0) as gateway:
        # given three wrong dates of birth for one member, each from another address
        for attempt in range(3):
            async with client_from(gateway, f"203.0.113.{attempt + 1}") as client:
                wrong = {**PAID_CLAIM, "memberDateOfBirth": f"1980-04-{attempt + 13}"}
                response = await client.post(
                    "/graphql", json={"query": CLAIM_STATUS, "variables": {"input": wrong}}
                )
                assert response.json()["data"]["guestClaimStatus"]["claim"] is None
        # when a fourth address tries the right keys (or the eligibility of that member)
        async with client_from(gateway, "203.0.113.99") as client:
            refused = await client.post(
                "/graphql", json={"query": CLAIM_STATUS, "variables": {"input": PAID_CLAIM}}
            )
            refused_too = await client.post(
                "/graphql", json={"query": ELIGIBILITY, "variables": {"input": MEMBER}}
            )
            # then the member is refused, whoever asks, and other members are not
            other_member = {**SELF_FUNDED_CLAIM}
            answered = await client.post(
                "/graphql", json={"query": CLAIM_STATUS, "variables": {"input": other_member}}
            )
    for response in (refused, refused_too):
        body = response.json()
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
    assert SELF_FUNDED_TOOL in answered.json()["data"]["guestClaimStatus"]["guidance"]


def aliased(count: int, *, through_fragment: bool = False) -> str:
    """One request of `count` aliased guesses."""
    fields = "\n".join(
        f'g{n}: guestClaimStatus(input: {{region: SCAL, claimNumber: "SCAL0000000001", '
        f'memberId: "M9{n:08d}", memberDateOfBirth: "1980-04-12", billedAmount: "1250.00"}}) {{ guidance }}'
        for n in range(count)
    )
    if through_fragment:
        return f"query {{ ...Guesses }}\nfragment Guesses on Query {{ {fields} }}"
    return f"query {{ {fields} }}"


@pytest.mark.parametrize("through_fragment", [False, True])
async def test_aliased_lookups_count_one_each_before_any_runs(
    writable_gateway: Gateway, through_fragment: bool
) -> None:
    async with own_gateway(writable_gateway, guest_lookups_per_address=5, guest_min_response_ms=0) as gateway:
        statements = gateway.statements("SCAL")
        # when one request asks six look-ups of an allowance of five
        response = await gateway.client.post(
            "/graphql", json={"query": aliased(6, through_fragment=through_fragment)}
        )
        # then it is refused whole, before any look-up was tried
        assert response.status_code == 429
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["RATE_LIMITED"]
        assert gateway.statements("SCAL") == statements
        # and it took nothing: five fit, after which one more does not
        answered = await gateway.client.post(
            "/graphql", json={"query": aliased(5, through_fragment=through_fragment)}
        )
        assert len(answered.json()["data"]) == 5
        assert gateway.statements("SCAL") == statements + 5
        assert (await claim_status(gateway, PAID_CLAIM)).status_code == 429


async def test_lookups_are_counted_through_aliases_fragments_and_variables() -> None:
    document = parse(
        """
        query Mixed($input: GuestClaimStatusInput!, $region: RegionCode!) {
          a: guestClaimStatus(input: $input) { guidance }
          b: guestClaimStatus(input: {region: CO, claimNumber: "", memberId: "", memberDateOfBirth: "2000-01-01", billedAmount: 1}) { guidance }
          ... on Query { c: guestEligibility(input: {region: $region, memberId: "", memberDateOfBirth: "2000-01-01", memberLastName: ""}) { guidance } }
          ...Twice
          ...Twice
          regions { code }
        }
        fragment Twice on Query { d: guestEligibility(input: $elsewhere) { guidance } }
        query Other { guestClaimStatus(input: $input) { guidance } }
        """
    )
    counted = count_guest_lookups(
        document, "Mixed", {"input": {"region": "SCAL"}, "region": "HI", "elsewhere": {}}
    )
    assert counted == {
        (GuestAction.CLAIM_STATUS, "SCAL"): 1,
        (GuestAction.CLAIM_STATUS, "CO"): 1,
        (GuestAction.ELIGIBILITY, "HI"): 1,
        (GuestAction.ELIGIBILITY, None): 2,
    }


async def test_a_document_of_fragments_spreading_each_other_is_counted_in_no_time() -> None:
    # Forty fragments, each spreading the next twice: 2**40 look-ups, counted by walking each once.
    levels = 40
    fragments = "\n".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels))
    last = f"fragment F{levels} on Query {{ guestClaimStatus(input: $input) {{ guidance }} }}"
    started = time.perf_counter()
    counted = count_guest_lookups(parse(f"query {{ ...F0 }}\n{fragments}\n{last}"), None)
    assert sum(counted.values()) == 2**levels
    assert time.perf_counter() - started < 1


async def test_two_hundred_aliased_guesses_are_refused_before_any_is_tried(writable_gateway: Gateway) -> None:
    async with own_gateway(writable_gateway, guest_min_response_ms=0) as gateway:
        statements = gateway.statements("SCAL")
        request_id = uuid.uuid4().hex
        response = await gateway.client.post(
            "/graphql", json={"query": aliased(200)}, headers={"x-request-id": request_id}
        )
        body = response.json()
        assert "data" not in body
        # Refused by the guest limit, or sooner still by the query limits (tokens, aliases).
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes in ({"RATE_LIMITED"}, {"QUERY_TOO_COMPLEX"})
        assert response.status_code == (429 if codes == {"RATE_LIMITED"} else 200)
        assert gateway.statements("SCAL") == statements
        assert {row["outcome"] for row in await audit_rows(gateway, request_id)} <= {"rate_limited"}
        # and an honest look-up from that address is still answered afterwards
        assert (await claim_status(gateway, PAID_CLAIM)).json()["data"]["guestClaimStatus"]["claim"]


async def test_batched_operations_count_one_lookup_each(writable_gateway: Gateway) -> None:
    async with own_gateway(writable_gateway, guest_lookups_per_address=3, guest_min_response_ms=0) as gateway:
        operation = {"query": CLAIM_STATUS, "variables": {"input": PAID_CLAIM}}
        response = await gateway.client.post("/graphql", json=[operation] * 4)
        if response.status_code == 400 and "batch" in response.text.lower():  # pragma: no cover
            pytest.fail("batching is off: a list body is refused, so batches need no count")
        results = response.json()
        answered = [r for r in results if (r.get("data") or {}).get("guestClaimStatus")]
        refused = [
            r for r in results if any(e["extensions"]["code"] == "RATE_LIMITED" for e in r.get("errors", []))
        ]
        assert (len(answered), len(refused)) == (3, 1)
        assert (await claim_status(gateway, PAID_CLAIM)).status_code == 429


async def test_gateways_sharing_redis_share_the_count(writable_gateway: Gateway) -> None:
    redis_url = writable_gateway.runtime.settings.redis_url or REDIS_URL
    redis = Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        await redis.ping()
    except (OSError, RedisError, TimeoutError) as error:
        unavailable("Redis", error)
    finally:
        await redis.aclose()
    shared = uuid.uuid4().hex[:8]
    limits = {"guest_lookups_per_address": 4, "guest_min_response_ms": 0, "redis_url": redis_url}
    async with (
        own_gateway(writable_gateway, shared, **limits) as first,
        own_gateway(writable_gateway, shared, **limits) as second,
    ):
        # given two gateway processes of one deployment: the first answers four guesses
        for attempt in range(4):
            assert (await claim_status(first, guess(attempt))).status_code == 200
        # then the second refuses the fifth
        refused = await claim_status(second, guess(4))
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # while a deployment with keys of its own does not
    async with own_gateway(writable_gateway, **limits) as other:
        assert (await claim_status(other, guess(5))).status_code == 200


# ------------------------------------------------------------------------------ audit, timing


async def test_every_lookup_is_audited_with_its_outcome_and_without_the_keys(
    writable_gateway: Gateway,
) -> None:
    async with own_gateway(writable_gateway, guest_lookups_per_address=4, guest_min_response_ms=0) as gateway:
        request_ids = {
            name: uuid.uuid4().hex for name in ("found", "not_found", "plan", "eligible", "limited")
        }
        await claim_status(gateway, PAID_CLAIM, **{"x-request-id": request_ids["found"]})
        await claim_status(
            gateway, {**PAID_CLAIM, "billedAmount": "1"}, **{"x-request-id": request_ids["not_found"]}
        )
        await claim_status(gateway, SELF_FUNDED_CLAIM, **{"x-request-id": request_ids["plan"]})
        await gateway.client.post(
            "/graphql",
            json={"query": ELIGIBILITY, "variables": {"input": MEMBER}},
            headers={"x-request-id": request_ids["eligible"]},
        )
        await claim_status(gateway, PAID_CLAIM, **{"x-request-id": request_ids["limited"]})

        seen = {name: await audit_rows(gateway, request_id) for name, request_id in request_ids.items()}
    assert {name: [(r["action"], r["outcome"]) for r in rows] for name, rows in seen.items()} == {
        "found": [("guest_claim_status", "found")],
        "not_found": [("guest_claim_status", "not_found")],
        "plan": [("guest_claim_status", "plan_not_answered")],
        "eligible": [("guest_eligibility", "found")],
        "limited": [("guest_claim_status", "rate_limited")],
    }
    rows = [row for found in seen.values() for row in found]
    assert {row["client_address"] for row in rows} == {"127.0.0.1"}
    assert {row["detail"]["region"] for row in rows} == {"SCAL"}
    assert seen["limited"][0]["detail"] | {"region": "SCAL"} == {
        "region": "SCAL",
        "lookups": 1,
        "limit": "address",
    }
    # one member, one keyed hash, whatever was asked of it (and another member, another hash)
    hashes = {name: found[0]["detail"].get("member") for name, found in seen.items()}
    assert hashes["found"] == hashes["not_found"] == hashes["eligible"] != hashes["plan"]
    assert hashes["found"] is not None
    written = repr(rows)
    for key_value in ("M100000001", "m100000001", "SCAL0000000001", "1980-04-12", "1250", "Lee", "Jordan"):
        assert key_value not in written


async def test_concurrent_lookups_are_each_audited_before_they_answer(writable_gateway: Gateway) -> None:
    """Audit events written together (one transaction for those that arrive at once) are still one row
    per look-up, each committed by the time its answer is sent."""
    async with own_gateway(writable_gateway, **ROOMY) as gateway:
        request_ids = [uuid.uuid4().hex for _ in range(12)]

        async def ask(request_id: str) -> list[dict[str, Any]]:
            response = await claim_status(gateway, PAID_CLAIM, **{"x-request-id": request_id})
            assert response.status_code == 200
            return await audit_rows(gateway, request_id)

        seen = await asyncio.gather(*map(ask, request_ids))
    assert [[(r["action"], r["outcome"]) for r in rows] for rows in seen] == [
        [("guest_claim_status", "found")]
    ] * len(request_ids)


async def test_a_miss_takes_as_long_as_a_match(writable_gateway: Gateway) -> None:
    async with own_gateway(writable_gateway, **{**ROOMY, "guest_min_response_ms": 200}) as gateway:

        async def timed(keys: dict[str, Any]) -> float:
            started = time.perf_counter()
            response = await claim_status(gateway, keys)
            assert response.status_code == 200
            return time.perf_counter() - started

        hits, misses = [], []
        for attempt in range(4):
            hits.append(await timed(PAID_CLAIM))
            # a malformed number is not even looked up: the quickest miss there is
            misses.append(await timed({**PAID_CLAIM, "claimNumber": f"X{attempt}"}))
    assert min(hits + misses) >= 0.2
    assert abs(statistics.median(hits) - statistics.median(misses)) < 0.05
