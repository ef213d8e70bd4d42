"""The time a gateway process goes by, one object on `Runtime`, so that tests can move it by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Wall-clock time (what is stored and compared with stored times) and a monotonic reading (what
    measures intervals: cache expiry, rate-limit windows, circuit breakers, kept principals)."""

    def now(self) -> datetime:
        """The current time, UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes back."""
        ...


class SystemClock:
    """The machine's clocks."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM_CLOCK: Clock = SystemClock()
