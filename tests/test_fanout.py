"""`Fanout.by_region` hands back the same outcomes whether the keys fall in one region (awaited directly)
or in several (gathered): key order, unknown keys, failed regions, bugs and deadlines."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import pytest

from gateway.errors import RegionUnavailable
from gateway.fanout import Fanout
from gateway.observability import Metrics
from regions.base.adapter import RegionAdapter
from regions.base.errors import RegionUnavailableError


class _Region:
    """A stand-in adapter: its code, the keys it knows, and how it misbehaves."""

    def __init__(self, code: str, known: set[str], failure: BaseException | None = None) -> None:
        self.code = code
        self.known = known
        self.failure = failure
        self.delay = 0.0


def _fanout(*regions: _Region, timeout_seconds: float = 1.0) -> Fanout:
    adapters = {region.code: cast(RegionAdapter, region) for region in regions}
    return Fanout(adapters, Metrics(), timeout_seconds=timeout_seconds)


async def _fetch(adapter: RegionAdapter, keys: list[str]) -> Mapping[str, str]:
    region = cast(Any, adapter)
    if region.delay:
        await asyncio.sleep(region.delay)
    if region.failure is not None:
        raise region.failure
    return {key: f"{region.code}:{key}" for key in keys if key in region.known}


def _region_of(key: str) -> str:
    return key.split("-", 1)[0]


KEYS_ONE_REGION = ["A-2", "A-1", "A-9", "A-2"]
KEYS_TWO_REGIONS = ["A-2", "B-1", "A-9", "B-7", "A-2"]


@pytest.mark.parametrize("keys", [KEYS_ONE_REGION, KEYS_TWO_REGIONS])
async def test_results_come_in_key_order_and_unknown_keys_are_none(keys: list[str]) -> None:
    fanout = _fanout(_Region("A", {"A-1", "A-2"}), _Region("B", {"B-1"}))
    found = await fanout.by_region(keys, _region_of, _fetch)
    expected = {"A-1": "A:A-1", "A-2": "A:A-2", "B-1": "B:B-1"}
    assert found == [expected.get(key) for key in keys]


@pytest.mark.parametrize("keys", [KEYS_ONE_REGION, KEYS_TWO_REGIONS])
async def test_every_key_of_a_failed_region_is_its_error(keys: list[str]) -> None:
    fanout = _fanout(_Region("A", {"A-1"}, RegionUnavailableError("A", "refused")), _Region("B", {"B-1"}))
    found = await fanout.by_region(keys, _region_of, _fetch)
    failed = [outcome for key, outcome in zip(keys, found, strict=True) if key.startswith("A")]
    assert all(isinstance(outcome, RegionUnavailable) for outcome in failed)
    assert len({id(outcome) for outcome in failed}) == 1  # one error for the region
    assert [outcome for key, outcome in zip(keys, found, strict=True) if key.startswith("B")] == [
        "B:B-1" if key == "B-1" else None for key in keys if key.startswith("B")
    ]


@pytest.mark.parametrize("keys", [KEYS_ONE_REGION, KEYS_TWO_REGIONS])
async def test_a_bug_is_raised_not_taken_for_an_unavailable_region(keys: list[str]) -> None:
    fanout = _fanout(_Region("A", set(), KeyError("a bug")), _Region("B", set()))
    with pytest.raises(KeyError, match="a bug"):
        await fanout.by_region(keys, _region_of, _fetch)


@pytest.mark.parametrize("keys", [KEYS_ONE_REGION, KEYS_TWO_REGIONS])
async def test_a_region_past_its_deadline_is_unavailable(keys: list[str]) -> None:
    slow = _Region("A", {"A-1"})
    slow.delay = 1.0
    fanout = _fanout(slow, _Region("B", {"B-1"}), timeout_seconds=0.01)
    found = await fanout.by_region(keys, _region_of, _fetch)
    slow_outcomes = [outcome for key, outcome in zip(keys, found, strict=True) if key.startswith("A")]
    assert all(isinstance(outcome, RegionUnavailable) for outcome in slow_outcomes)
    samples = [sample for family in fanout.metrics.region_errors.collect() for sample in family.samples]
    assert any(
        sample.labels == {"region": "A", "kind": "timeout"} and sample.value == 1 for sample in samples
    )


async def test_an_unknown_region_is_unavailable() -> None:
    fanout = _fanout(_Region("A", {"A-1"}))
    found = await fanout.by_region(["Z-1", "Z-2"], _region_of, _fetch)
    assert all(isinstance(outcome, RegionUnavailable) and outcome.region == "Z" for outcome in found)
