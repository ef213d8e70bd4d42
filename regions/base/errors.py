"""Exceptions a region raises; the gateway translates them (gateway/errors.py)."""

from __future__ import annotations


class RegionError(Exception):
    """Base of every error a region adapter raises."""

    def __init__(self, region: str, message: str) -> None:
        super().__init__(message)
        self.region = region


class RegionUnavailableError(RegionError):
    """The region's store did not answer (refused, timed out, or its circuit is open)."""

    def __init__(self, region: str, kind: str) -> None:
        super().__init__(region, f"region {region} is unavailable ({kind})")
        self.kind = kind


class InvalidClaimNumberError(RegionError):
    """A claim number that cannot belong to this region; refused before the store is asked."""
