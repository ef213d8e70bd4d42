"""`node(id)`: a global id routed to the loader of its type, in its region."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gateway.accounts.attestations import tpa_attestation_view
from gateway.accounts.support import support_case_view
from gateway.context import Info
from gateway.ids import GlobalId, decode_id
from gateway.loaders import RegionPk
from gateway.schema.accounts import SupportCase
from gateway.schema.associations import Association
from gateway.schema.attestations import TpaAttestation
from gateway.schema.authorizations import load_authorization
from gateway.schema.claims import Claim
from gateway.schema.entities import Provider, ProviderEntity
from gateway.schema.messages import Attachment, Message
from gateway.schema.relay import Node
from gateway.schema.users import User


async def _claim(info: Info, key: RegionPk) -> Node | None:
    record = await info.context.loaders.claim_by_id.load(key)
    return None if record is None else Claim.from_record(record)


async def _provider(info: Info, key: RegionPk) -> Node | None:
    record = await info.context.loaders.provider_by_id.load(key)
    return None if record is None else Provider.from_record(record)


async def _message(info: Info, key: RegionPk) -> Node | None:
    record = await info.context.loaders.message_by_id.load(key)
    return None if record is None else Message.from_record(record)


async def _attachment(info: Info, key: RegionPk) -> Node | None:
    record = await info.context.loaders.attachment_by_id.load(key)
    return None if record is None else Attachment.from_record(record)


async def _user(info: Info, pk: int) -> Node | None:
    record = await info.context.loaders.user_by_id.load(pk)
    return None if record is None else User.from_record(record)


async def _entity(info: Info, pk: int) -> Node | None:
    record = await info.context.loaders.entity_by_id.load(pk)
    return None if record is None else ProviderEntity.from_record(record)


async def _association(info: Info, pk: int) -> Node | None:
    record = await info.context.loaders.association_by_id.load(pk)
    return None if record is None else Association.from_record(record)


async def _support_case(info: Info, pk: int) -> Node | None:
    view = await support_case_view(info.context.runtime, info.context.principal, pk)
    return None if view is None else SupportCase.from_view(view)


async def _tpa_attestation(info: Info, pk: int) -> Node | None:
    view = await tpa_attestation_view(info.context.runtime, info.context.principal, pk)
    return None if view is None else TpaAttestation.from_view(view)


async def _authorization(info: Info, key: RegionPk) -> Node | None:
    return await load_authorization(info, key.region, key.pk)


_REGIONAL: dict[str, Callable[[Info, RegionPk], Awaitable[Node | None]]] = {
    "Claim": _claim,
    "Provider": _provider,
    "Message": _message,
    "Attachment": _attachment,
    "Authorization": _authorization,
}
_NATIONAL: dict[str, Callable[[Info, int], Awaitable[Node | None]]] = {
    "User": _user,
    "ProviderEntity": _entity,
    "Association": _association,
    "SupportCase": _support_case,
    "TpaAttestation": _tpa_attestation,
}


async def resolve_node(info: Info, global_id: str) -> Node | None:
    """The object an id names, if the caller may see it; anything else (forged, foreign, hidden) is null."""
    if not info.context.principal.signed_in:
        return None
    parts: GlobalId | None = decode_id(global_id)
    if parts is None:
        return None
    if parts.type_name in _REGIONAL:
        if parts.region is None or parts.region not in info.context.runtime.regions:
            return None
        return await _REGIONAL[parts.type_name](info, RegionPk(parts.region, parts.pk))
    if parts.type_name in _NATIONAL and parts.region is None:
        return await _NATIONAL[parts.type_name](info, parts.pk)
    return None
