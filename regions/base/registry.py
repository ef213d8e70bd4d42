"""Every region the gateway serves. Adding a region is one package and one line here."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from regions.base.adapter import RegionAdapter
from regions.co import ColoradoAdapter
from regions.ga import GeorgiaAdapter
from regions.hi import HawaiiAdapter
from regions.mas import MidAtlanticAdapter
from regions.ncal import NorthernCaliforniaAdapter
from regions.nw import NorthwestAdapter
from regions.scal import SouthernCaliforniaAdapter

ADAPTERS: Final[Mapping[str, type[RegionAdapter]]] = MappingProxyType(
    {
        adapter.rules.code: adapter
        for adapter in (
            SouthernCaliforniaAdapter,
            NorthernCaliforniaAdapter,
            ColoradoAdapter,
            GeorgiaAdapter,
            HawaiiAdapter,
            MidAtlanticAdapter,
            NorthwestAdapter,
        )
    }
)

REGION_CODES: Final[tuple[str, ...]] = tuple(ADAPTERS)
