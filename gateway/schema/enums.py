"""The contract's enums. They are the records' own vocabularies, registered with strawberry here, so there is
one list of each; schema modules annotate fields with the record enums themselves."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from gateway.directory import records as directory
from regions.base import coverage
from regions.base import records as regional
from regions.base.registry import REGION_CODES

for vocabulary in (
    directory.UserKind,
    directory.UserStatus,
    directory.EntityKind,
    directory.AgreementStatus,
    directory.AssociationStatus,
    directory.AccessLevel,
    regional.ClaimStatus,
    regional.PlanType,
    regional.PaymentMethod,
    regional.MessageKind,
    regional.MessageFolder,
    regional.RfiSubtopic,
    regional.ClaimAction,
    coverage.Network,
    coverage.AccumulatorKind,
    coverage.CoverageLevel,
):
    strawberry.enum(vocabulary)

if TYPE_CHECKING:

    class RegionCode(Enum):
        """The codes of the registry (typed loosely: they are generated)."""

else:
    # Generated from the registry, so an eighth region needs no change here.
    RegionCode = strawberry.enum(Enum("RegionCode", {code: code for code in REGION_CODES}))
