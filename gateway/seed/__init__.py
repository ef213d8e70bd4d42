"""Demo data: the fixed records of docs/demo-data.md and a deterministic bulk around them."""

from __future__ import annotations

from gateway.seed.run import RegionCounts, SeedReport, seed, stores_are_empty

__all__ = ["RegionCounts", "SeedReport", "seed", "stores_are_empty"]
