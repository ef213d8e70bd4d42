"""The contract's enums, taken from the records' own vocabularies so there is one list of each."""

from __future__ import annotations

from enum import Enum

import strawberry

from gateway.directory import records as directory
from regions.base import records as regional
from regions.base.registry import REGION_CODES

# Generated from the registry, so an eighth region needs no change here.
RegionCode = strawberry.enum(Enum("RegionCode", {code: code for code in REGION_CODES}))  # type: ignore[misc]

UserKind = strawberry.enum(directory.UserKind)
UserStatus = strawberry.enum(directory.UserStatus)
EntityKind = strawberry.enum(directory.EntityKind)
AgreementStatus = strawberry.enum(directory.AgreementStatus)
AssociationStatus = strawberry.enum(directory.AssociationStatus)
AccessLevel = strawberry.enum(directory.AccessLevel)
ClaimStatus = strawberry.enum(regional.ClaimStatus)
PlanType = strawberry.enum(regional.PlanType)
PaymentMethod = strawberry.enum(regional.PaymentMethod)
MessageKind = strawberry.enum(regional.MessageKind)
MessageFolder = strawberry.enum(regional.MessageFolder)
RfiSubtopic = strawberry.enum(regional.RfiSubtopic)

ClaimAction = strawberry.enum(regional.ClaimAction)
