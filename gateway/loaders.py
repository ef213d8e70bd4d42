"""Per-request dataloaders. Keys carry the region; each batch is one call per region, all regions at
once (gateway/fanout.py), and every record passes through gateway/access.py before anyone sees it."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar, overload

from aiodataloader import DataLoader

from gateway import access
from gateway.auth.principal import Principal
from gateway.directory.records import AgreementRecord, AssociationRecord, EntityRecord, UserRecord
from gateway.directory.store import DirectoryStore
from gateway.errors import RegionUnavailable
from gateway.fanout import Fanout
from gateway.gather import gather
from gateway.observability import Metrics
from regions.base.adapter import RegionAdapter
from regions.base.authorizations import AuthorizationRecord, AuthorizationSearch
from regions.base.clinical import (
    ClinicalPageQuery,
    EncounterRecord,
    LabResultRecord,
    PatientLookup,
    Section,
    TreatmentEvidence,
)
from regions.base.coverage import CoverageLookup, Eligibility, ServedElsewhere
from regions.base.queries import ClaimSearch, MessageSearch, ProviderSearch
from regions.base.records import (
    AttachmentRecord,
    ClaimRecord,
    MessageRecord,
    Page,
    ProviderRecord,
)

if TYPE_CHECKING:
    from gateway.runtime import Runtime

K = TypeVar("K")
V = TypeVar("V")
S = TypeVar("S")
H = TypeVar("H", bound=Hashable)

# How long a provider or an entity record is kept across requests (SharedRecords).
SHARED_RECORDS_TTL_SECONDS = 60.0
_SHARED_RECORDS_SIZE = 50_000


class RegionPk(NamedTuple):
    region: str
    pk: int


class RegionQuery(NamedTuple, Generic[S]):
    region: str
    query: S


@dataclass(frozen=True, slots=True)
class LoaderScope:
    """What every loader of one request shares."""

    principal: Principal
    fanout: Fanout
    directory: DirectoryStore
    metrics: Metrics


class _Kept(Generic[H, V]):
    """Records by key, each until its expiry."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._records: dict[H, tuple[float, V]] = {}

    def get(self, key: H) -> V | None:
        entry = self._records.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def keep(self, key: H, record: V, ttl_seconds: float) -> None:
        if len(self._records) >= _SHARED_RECORDS_SIZE:
            self._records.clear()
        self._records[key] = (self._clock() + ttl_seconds, record)

    def clear(self) -> None:
        self._records.clear()


class SharedRecords:
    """Records that change rarely, kept across the requests of one gateway process for a short while, so
    that a page's relations cost no statement most of the time: regional providers (seeded; nothing edits
    them) and provider entities (enrollment adds them, nothing edits them). Only records that exist are
    kept, never a miss (an entity may be enrolled the next moment); access rules run on every request,
    after this cache; `forget_*` are the hooks for a change, and entries expire after `ttl_seconds` in any
    case (e.g. a re-seed under a running gateway). Immutable records make it safe for every replica to keep
    its own."""

    def __init__(
        self, ttl_seconds: float = SHARED_RECORDS_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.entities: _Kept[str, EntityRecord] = _Kept(clock)
        self.providers: _Kept[RegionPk, ProviderRecord] = _Kept(clock)

    def clear(self) -> None:
        """Forget everything (e.g. to measure what a request costs from cold)."""
        self.entities.clear()
        self.providers.clear()


# One SharedRecords per directory store, i.e. per gateway (tests run several in one process).
_SHARED: weakref.WeakKeyDictionary[DirectoryStore, SharedRecords] = weakref.WeakKeyDictionary()


def shared_records(directory: DirectoryStore) -> SharedRecords:
    """The records kept for the gateway whose directory store this is."""
    found = _SHARED.get(directory)
    if found is None:
        found = _SHARED[directory] = SharedRecords()
    return found


class _Loader(DataLoader[K, V]):
    """A dataloader that reports its batch sizes; subclasses implement `fetch`."""

    name: ClassVar[str]

    def __init__(self, scope: LoaderScope) -> None:
        super().__init__()
        self.scope = scope

    async def batch_load_fn(self, keys: list[K]) -> list[V]:
        metrics = self.scope.metrics
        metrics.labelled(metrics.dataloader_batch_size, self.name).observe(len(keys))
        return await self.fetch(keys)

    async def fetch(self, keys: list[K]) -> list[V]:
        raise NotImplementedError

    def _count_shared(self, hits: int, misses: int) -> None:
        """Look-ups of SharedRecords, in `cache_requests_total{cache="records"}`."""
        metrics = self.scope.metrics
        if hits:
            metrics.labelled(metrics.cache_requests, "records", "hit").inc(hits)
        if misses:
            metrics.labelled(metrics.cache_requests, "records", "miss").inc(misses)


def _as_is(record: V) -> V:
    return record


def _region_of(key: RegionPk | RegionQuery[Any]) -> str:
    return key.region


async def _regional(
    loader: _Loader[Any, Any],
    keys: Sequence[K],
    fetch: Callable[[RegionAdapter, list[K]], Awaitable[Mapping[K, V]]],
    keep: Callable[[V | None], Any],
) -> list[Any]:
    """Fetch keys region by region and pass each found record through an access rule."""
    results = await loader.scope.fanout.by_region(keys, _region_of, fetch)  # type: ignore[arg-type]
    return [result if isinstance(result, RegionUnavailable) else keep(result) for result in results]


# ---------------------------------------------------------------------- claims


class ClaimByIdLoader(_Loader[RegionPk, ClaimRecord | None]):
    name = "claim_by_id"

    async def fetch(self, keys: list[RegionPk]) -> list[ClaimRecord | None]:
        async def fetch(adapter: RegionAdapter, batch: list[RegionPk]) -> dict[RegionPk, ClaimRecord]:
            found = await adapter.claims_by_pks([key.pk for key in batch])
            return {key: found[key.pk] for key in batch if key.pk in found}

        principal = self.scope.principal
        return await _regional(self, keys, fetch, lambda claim: access.visible_claim(principal, claim))


async def _pages(
    batch: list[RegionQuery[S]], search: Callable[[S], Awaitable[Page[V]]]
) -> dict[RegionQuery[S], Page[V]]:
    pages = await gather(*(search(key.query) for key in batch))
    return dict(zip(batch, pages, strict=True))


class ClaimPageLoader(_Loader[RegionQuery[ClaimSearch], Page[ClaimRecord]]):
    """A page of claims per region; the search is already limited to the caller's Tax IDs."""

    name = "claim_page"

    async def fetch(self, keys: list[RegionQuery[ClaimSearch]]) -> list[Page[ClaimRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[ClaimSearch]]
        ) -> dict[RegionQuery[ClaimSearch], Page[ClaimRecord]]:
            return await _pages(batch, adapter.search_claims)

        principal = self.scope.principal

        def keep(page: Page[ClaimRecord] | None) -> Page[ClaimRecord]:
            assert page is not None
            visible = access.visible_claims(principal, page.items)
            return Page(items=visible, has_more=page.has_more, total=page.total)

        return await _regional(self, keys, fetch, keep)


# ----------------------------------------------------------------- eligibility


class EligibilityLoader(_Loader[RegionQuery[CoverageLookup], Eligibility | ServedElsewhere | None]):
    """Eligibility and benefits by member id, date of birth and date of service: one statement per region
    however many members a page asks for. The store is asked whether or not the caller may verify
    eligibility there, so that a region they are not approved for answers a miss in the same time."""

    name = "eligibility"

    async def fetch(
        self, keys: list[RegionQuery[CoverageLookup]]
    ) -> list[Eligibility | ServedElsewhere | None]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[CoverageLookup]]
        ) -> dict[RegionQuery[CoverageLookup], Eligibility | ServedElsewhere]:
            found = await adapter.eligibility([key.query for key in batch])
            return {key: found[key.query] for key in batch if key.query in found}

        principal = self.scope.principal
        found = await self.scope.fanout.by_region(keys, _region_of, fetch)
        # A failed region's keys carry its error, which the loader raises to whoever awaits them.
        results: list[Any] = [
            result
            if isinstance(result, RegionUnavailable)
            else access.visible_eligibility(principal, key.region, result)
            for key, result in zip(keys, found, strict=True)
        ]
        return results


# ------------------------------------------------------------------- providers


class ProviderByIdLoader(_Loader[RegionPk, ProviderRecord | None]):
    name = "provider_by_id"

    async def fetch(self, keys: list[RegionPk]) -> list[ProviderRecord | None]:
        async def fetch(adapter: RegionAdapter, batch: list[RegionPk]) -> dict[RegionPk, ProviderRecord]:
            found = await adapter.providers_by_pks([key.pk for key in batch])
            return {key: found[key.pk] for key in batch if key.pk in found}

        shared = shared_records(self.scope.directory)
        known: dict[RegionPk, Any] = {key: found for key in keys if (found := shared.providers.get(key))}
        missing = [key for key in keys if key not in known]
        self._count_shared(len(known), len(missing))
        if missing:
            for key, loaded in zip(missing, await _regional(self, missing, fetch, _as_is), strict=True):
                if isinstance(loaded, ProviderRecord):
                    shared.providers.keep(key, loaded, shared.ttl_seconds)
                known[key] = loaded
        principal = self.scope.principal
        # A failed region's keys carry its error, which the loader raises to whoever awaits them.
        results: list[Any] = [
            found if isinstance(found, RegionUnavailable) else access.visible_provider(principal, found)
            for found in map(known.get, keys)
        ]
        return results


class ProviderPageLoader(_Loader[RegionQuery[ProviderSearch], Page[ProviderRecord]]):
    """The on-behalf-of picker; a caller not associated with the Tax ID there gets an empty page."""

    name = "provider_page"

    async def fetch(self, keys: list[RegionQuery[ProviderSearch]]) -> list[Page[ProviderRecord]]:
        principal = self.scope.principal
        allowed = [key for key in keys if access.may_list_providers(principal, key.region, key.query.tax_id)]

        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[ProviderSearch]]
        ) -> dict[RegionQuery[ProviderSearch], Page[ProviderRecord]]:
            return await _pages(batch, adapter.search_providers)

        def keep(page: Page[ProviderRecord] | None) -> Page[ProviderRecord]:
            assert page is not None
            return Page(
                items=[p for p in page.items if access.visible_provider(principal, p)],
                has_more=page.has_more,
                total=page.total,
            )

        found = dict(zip(allowed, await _regional(self, allowed, fetch, keep), strict=True))
        return [found.get(key) or Page(items=[], has_more=False, total=0) for key in keys]


# -------------------------------------------------------------------- messages


class MessageByIdLoader(_Loader[RegionPk, MessageRecord | None]):
    name = "message_by_id"

    async def fetch(self, keys: list[RegionPk]) -> list[MessageRecord | None]:
        async def fetch(adapter: RegionAdapter, batch: list[RegionPk]) -> dict[RegionPk, MessageRecord]:
            found = await adapter.messages_by_pks([key.pk for key in batch])
            return {key: found[key.pk] for key in batch if key.pk in found}

        principal = self.scope.principal
        return await _regional(self, keys, fetch, lambda message: access.visible_message(principal, message))


def _visible_messages(principal: Principal) -> Callable[[Page[MessageRecord] | None], Page[MessageRecord]]:
    """A page of messages (a claim's, an in-basket's, an authorization's) as the caller may see it."""

    def keep(page: Page[MessageRecord] | None) -> Page[MessageRecord]:
        assert page is not None
        return Page(
            items=[m for m in page.items if access.visible_message(principal, m)],
            has_more=page.has_more,
            total=page.total,
        )

    return keep


def _visible_attachments(
    principal: Principal,
) -> Callable[[list[AttachmentRecord] | None], list[AttachmentRecord]]:
    """Files (of a message or of an authorization's messages) as the caller may see them."""

    def keep(attachments: list[AttachmentRecord] | None) -> list[AttachmentRecord]:
        return [a for a in attachments or [] if access.visible_attachment(principal, a)]

    return keep


class MessagePageLoader(_Loader[RegionQuery[MessageSearch], Page[MessageRecord]]):
    """Messages of a claim or of an in-basket, per region, limited to the caller's Tax IDs."""

    name = "message_page"

    async def fetch(self, keys: list[RegionQuery[MessageSearch]]) -> list[Page[MessageRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[MessageSearch]]
        ) -> dict[RegionQuery[MessageSearch], Page[MessageRecord]]:
            return await _pages(batch, adapter.search_messages)

        return await _regional(self, keys, fetch, _visible_messages(self.scope.principal))


class AttachmentsByMessageLoader(_Loader[RegionPk, list[AttachmentRecord]]):
    name = "attachments_by_message"

    async def fetch(self, keys: list[RegionPk]) -> list[list[AttachmentRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionPk]
        ) -> dict[RegionPk, list[AttachmentRecord]]:
            found = await adapter.attachments_by_message_pks([key.pk for key in batch])
            return {key: found.get(key.pk, []) for key in batch}

        return await _regional(self, keys, fetch, _visible_attachments(self.scope.principal))


class AttachmentByIdLoader(_Loader[RegionPk, AttachmentRecord | None]):
    name = "attachment_by_id"

    async def fetch(self, keys: list[RegionPk]) -> list[AttachmentRecord | None]:
        async def fetch(adapter: RegionAdapter, batch: list[RegionPk]) -> dict[RegionPk, AttachmentRecord]:
            found = await adapter.attachments_by_pks([key.pk for key in batch])
            return {key: found[key.pk] for key in batch if key.pk in found}

        principal = self.scope.principal
        return await _regional(
            self, keys, fetch, lambda attachment: access.visible_attachment(principal, attachment)
        )


# ---------------------------------------------------- referrals and authorizations


class AuthorizationByIdLoader(_Loader[RegionPk, AuthorizationRecord | None]):
    name = "authorization_by_id"

    async def fetch(self, keys: list[RegionPk]) -> list[AuthorizationRecord | None]:
        async def fetch(adapter: RegionAdapter, batch: list[RegionPk]) -> dict[RegionPk, AuthorizationRecord]:
            found = await adapter.authorizations_by_pks([key.pk for key in batch])
            return {key: found[key.pk] for key in batch if key.pk in found}

        principal = self.scope.principal
        return await _regional(
            self, keys, fetch, lambda found: access.visible_authorization(principal, found)
        )


class AuthorizationPageLoader(_Loader[RegionQuery[AuthorizationSearch], Page[AuthorizationRecord]]):
    """A page of authorizations per region; the search is already limited to what the caller may list."""

    name = "authorization_page"

    async def fetch(self, keys: list[RegionQuery[AuthorizationSearch]]) -> list[Page[AuthorizationRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[AuthorizationSearch]]
        ) -> dict[RegionQuery[AuthorizationSearch], Page[AuthorizationRecord]]:
            return await _pages(batch, adapter.search_authorizations)

        principal = self.scope.principal

        def keep(page: Page[AuthorizationRecord] | None) -> Page[AuthorizationRecord]:
            assert page is not None
            visible = [
                seen for found in page.items if (seen := access.visible_authorization(principal, found))
            ]
            return Page(items=visible, has_more=page.has_more, total=page.total)

        return await _regional(self, keys, fetch, keep)


class AuthorizationMessagesQuery(NamedTuple):
    """Messages about one authorization the caller sees, newest first."""

    pk: int
    owner_user_id: str | None
    after: tuple[Any, int] | None
    limit: int
    with_total: bool


class AuthorizationMessagePageLoader(_Loader[RegionQuery[AuthorizationMessagesQuery], Page[MessageRecord]]):
    name = "authorization_message_page"

    async def fetch(self, keys: list[RegionQuery[AuthorizationMessagesQuery]]) -> list[Page[MessageRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[AuthorizationMessagesQuery]]
        ) -> dict[RegionQuery[AuthorizationMessagesQuery], Page[MessageRecord]]:
            def search(query: AuthorizationMessagesQuery) -> Awaitable[Page[MessageRecord]]:
                return adapter.authorization_messages(
                    query.pk, query.owner_user_id, query.after, query.limit, query.with_total
                )

            return await _pages(batch, search)

        return await _regional(self, keys, fetch, _visible_messages(self.scope.principal))


class AttachmentsByAuthorizationLoader(_Loader[RegionPk, list[AttachmentRecord]]):
    """The files of every message about each authorization (keys: authorizations the caller sees)."""

    name = "attachments_by_authorization"

    async def fetch(self, keys: list[RegionPk]) -> list[list[AttachmentRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionPk]
        ) -> dict[RegionPk, list[AttachmentRecord]]:
            found = await adapter.attachments_by_authorization_pks([key.pk for key in batch])
            return {key: found.get(key.pk, []) for key in batch}

        return await _regional(self, keys, fetch, _visible_attachments(self.scope.principal))


# ------------------------------------------------------------------ clinical data


class PatientKey(NamedTuple):
    member_id: str
    date_of_birth: date
    today: date


@dataclass(frozen=True, slots=True)
class ClinicalView:
    """A member whose clinical data the caller may see, and the relationship that allows it."""

    region: str
    member_pk: int
    patient: PatientLookup
    relationship: TreatmentEvidence


class ClinicalViewLoader(_Loader[RegionQuery[PatientKey], ClinicalView | None]):
    """A member by exact id and date of birth, with the evidence of treatment under the caller's clinical
    Tax IDs in the region, passed through the treatment-relationship rule: None for every miss alike."""

    name = "clinical_view"

    async def fetch(self, keys: list[RegionQuery[PatientKey]]) -> list[ClinicalView | None]:
        principal = self.scope.principal

        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[PatientKey]]
        ) -> dict[RegionQuery[PatientKey], PatientLookup | None]:
            # The same statement runs for a caller without clinical access (with no Tax IDs), so that
            # every miss costs the same.
            tax_ids = sorted(access.clinical_tax_ids(principal, adapter.code))
            found = await gather(
                *(
                    adapter.find_patient(
                        key.query.member_id,
                        key.query.date_of_birth,
                        tax_ids,
                        access.treatment_relationship_since(key.query.today),
                    )
                    for key in batch
                )
            )
            return dict(zip(batch, found, strict=True))

        results = await self.scope.fanout.by_region(keys, _region_of, fetch)
        views: list[Any] = []
        for key, found in zip(keys, results, strict=True):
            if isinstance(found, RegionUnavailable) or found is None:
                views.append(found)
                continue
            relationship = access.treatment_relationship(
                principal, key.region, found.evidence, key.query.today
            )
            views.append(
                None
                if relationship is None
                else ClinicalView(key.region, found.member_pk, found, relationship)
            )
        return views


class ClinicalSectionKey(NamedTuple):
    """One section of the records of a member reached through a ClinicalView (never otherwise: sections
    have no ids of their own)."""

    region: str
    section: Section
    member_pk: int


class ClinicalSectionLoader(_Loader[ClinicalSectionKey, list[Any]]):
    name = "clinical_section"

    async def fetch(self, keys: list[ClinicalSectionKey]) -> list[list[Any]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[ClinicalSectionKey]
        ) -> dict[ClinicalSectionKey, list[Any]]:
            sections = sorted({key.section for key in batch}, key=lambda section: section.value)
            found = await gather(
                *(
                    adapter.clinical_section(
                        section, [key.member_pk for key in batch if key.section is section]
                    )
                    for section in sections
                )
            )
            by_section = dict(zip(sections, found, strict=True))
            return {key: list(by_section[key.section].get(key.member_pk, [])) for key in batch}

        return await _regional(self, keys, fetch, _as_is)


class LabResultPageLoader(_Loader[RegionQuery[ClinicalPageQuery], Page[LabResultRecord]]):
    """Keys: members reached through a ClinicalView."""

    name = "lab_result_page"

    async def fetch(self, keys: list[RegionQuery[ClinicalPageQuery]]) -> list[Page[LabResultRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[ClinicalPageQuery]]
        ) -> dict[RegionQuery[ClinicalPageQuery], Page[LabResultRecord]]:
            return await _pages(batch, adapter.lab_results)

        return await _regional(self, keys, fetch, _as_is)


class EncounterPageLoader(_Loader[RegionQuery[ClinicalPageQuery], Page[EncounterRecord]]):
    """Keys: members reached through a ClinicalView."""

    name = "encounter_page"

    async def fetch(self, keys: list[RegionQuery[ClinicalPageQuery]]) -> list[Page[EncounterRecord]]:
        async def fetch(
            adapter: RegionAdapter, batch: list[RegionQuery[ClinicalPageQuery]]
        ) -> dict[RegionQuery[ClinicalPageQuery], Page[EncounterRecord]]:
            return await _pages(batch, adapter.encounters)

        return await _regional(self, keys, fetch, _as_is)


# ------------------------------------------------------------------- directory


class UserByIdLoader(_Loader[int, UserRecord | None]):
    name = "user_by_id"

    async def fetch(self, keys: list[int]) -> list[UserRecord | None]:
        principal = self.scope.principal
        users = await self.scope.directory.users_by_pks(keys)
        others = [pk for pk in keys if pk != principal.user_pk and pk in users]
        # Someone else is seen only through their associations, by whom may see others at all: skip the
        # query otherwise.
        associations = (
            await self.scope.directory.associations_by_user_pks(others)
            if others and access.may_see_other_people(principal)
            else {}
        )
        return [access.visible_user(principal, users.get(pk), associations.get(pk, [])) for pk in keys]


class EntityByIdLoader(_Loader[int, EntityRecord | None]):
    name = "entity_by_id"

    async def fetch(self, keys: list[int]) -> list[EntityRecord | None]:
        entities = await self.scope.directory.entities_by_pks(keys)
        return [access.visible_entity(self.scope.principal, entities.get(pk)) for pk in keys]


class EntityByTaxIdLoader(_Loader[str, EntityRecord | None]):
    name = "entity_by_tax_id"

    async def fetch(self, keys: list[str]) -> list[EntityRecord | None]:
        shared = shared_records(self.scope.directory)
        entities = {tax_id: found for tax_id in keys if (found := shared.entities.get(tax_id))}
        missing = [tax_id for tax_id in keys if tax_id not in entities]
        self._count_shared(len(entities), len(missing))
        if missing:
            loaded = await self.scope.directory.entities_by_tax_ids(missing)
            for tax_id, entity in loaded.items():
                shared.entities.keep(tax_id, entity, shared.ttl_seconds)
            entities.update(loaded)
        return [access.visible_entity(self.scope.principal, entities.get(tax_id)) for tax_id in keys]


class AgreementByEntityLoader(_Loader[int, AgreementRecord | None]):
    """Keys are ids of entities the caller already sees."""

    name = "agreement_by_entity"

    async def fetch(self, keys: list[int]) -> list[AgreementRecord | None]:
        agreements = await self.scope.directory.agreements_by_entity_pks(keys)
        return [agreements.get(pk) for pk in keys]


class AttestingEntityIdsLoader(_Loader[int, list[int]]):
    """For a third-party administrator's entity, the provider groups that attested for it."""

    name = "attesting_entity_ids"

    async def fetch(self, keys: list[int]) -> list[list[int]]:
        found = await self.scope.directory.attesting_entity_pks(keys)
        return [found.get(pk, []) for pk in keys]


class AssociationsByUserLoader(_Loader[int, list[AssociationRecord]]):
    name = "associations_by_user"

    async def fetch(self, keys: list[int]) -> list[list[AssociationRecord]]:
        principal = self.scope.principal
        found = await self.scope.directory.associations_by_user_pks(keys)
        return [[a for a in found.get(pk, []) if access.visible_association(principal, a)] for pk in keys]


class AssociationByIdLoader(_Loader[int, AssociationRecord | None]):
    name = "association_by_id"

    async def fetch(self, keys: list[int]) -> list[AssociationRecord | None]:
        found = await self.scope.directory.associations_by_pks(keys)
        return [access.visible_association(self.scope.principal, found.get(pk)) for pk in keys]


class PendingAssociationsQuery(NamedTuple):
    region: str
    after: int | None
    limit: int
    with_total: bool


class PendingAssociationPageLoader(_Loader[PendingAssociationsQuery, Page[AssociationRecord]]):
    """A representative's queue; the caller has already been checked to represent the region."""

    name = "pending_association_page"

    async def fetch(self, keys: list[PendingAssociationsQuery]) -> list[Page[AssociationRecord]]:
        directory = self.scope.directory
        pages = await asyncio.gather(
            *(
                directory.pending_associations(
                    key.region, after=key.after, limit=key.limit, with_total=key.with_total
                )
                for key in keys
            )
        )
        principal = self.scope.principal
        return [
            Page(
                items=[a for a in page.items if access.visible_association(principal, a)],
                has_more=page.has_more,
                total=page.total,
            )
            for page in pages
        ]


L = TypeVar("L", bound="_Loader[Any, Any]")


class _OnFirstUse(Generic[L]):
    """A loader of the request, made when first asked for: most requests use two or three of them."""

    def __init__(self, loader: type[L]) -> None:
        self.loader = loader
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> _OnFirstUse[L]: ...

    @overload
    def __get__(self, instance: Loaders, owner: type) -> L: ...

    def __get__(self, instance: Loaders | None, owner: type) -> L | _OnFirstUse[L]:
        if instance is None:
            return self
        made = self.loader(instance.scope)
        # Kept on the instance: the next look-up finds it there and never comes back here.
        instance.__dict__[self.name] = made
        return made


class Loaders:
    """Every loader of one request: `info.context.loaders.claim_by_id.load(key)`."""

    claim_by_id = _OnFirstUse(ClaimByIdLoader)
    claim_page = _OnFirstUse(ClaimPageLoader)
    provider_by_id = _OnFirstUse(ProviderByIdLoader)
    provider_page = _OnFirstUse(ProviderPageLoader)
    message_by_id = _OnFirstUse(MessageByIdLoader)
    message_page = _OnFirstUse(MessagePageLoader)
    attachments_by_message = _OnFirstUse(AttachmentsByMessageLoader)
    attachment_by_id = _OnFirstUse(AttachmentByIdLoader)
    user_by_id = _OnFirstUse(UserByIdLoader)
    entity_by_id = _OnFirstUse(EntityByIdLoader)
    entity_by_tax_id = _OnFirstUse(EntityByTaxIdLoader)
    agreement_by_entity = _OnFirstUse(AgreementByEntityLoader)
    attesting_entity_ids = _OnFirstUse(AttestingEntityIdsLoader)
    associations_by_user = _OnFirstUse(AssociationsByUserLoader)
    association_by_id = _OnFirstUse(AssociationByIdLoader)
    pending_association_page = _OnFirstUse(PendingAssociationPageLoader)
    eligibility = _OnFirstUse(EligibilityLoader)
    authorization_by_id = _OnFirstUse(AuthorizationByIdLoader)
    authorization_page = _OnFirstUse(AuthorizationPageLoader)
    authorization_message_page = _OnFirstUse(AuthorizationMessagePageLoader)
    attachments_by_authorization = _OnFirstUse(AttachmentsByAuthorizationLoader)
    clinical_view = _OnFirstUse(ClinicalViewLoader)
    clinical_section = _OnFirstUse(ClinicalSectionLoader)
    lab_result_page = _OnFirstUse(LabResultPageLoader)
    encounter_page = _OnFirstUse(EncounterPageLoader)

    def __init__(self, scope: LoaderScope) -> None:
        self.scope = scope

    @classmethod
    def for_principal(cls, principal: Principal, runtime: Runtime) -> Loaders:
        """The loaders of one request (or one subscription event) made for `principal`."""
        scope = LoaderScope(
            principal=principal, fanout=runtime.fanout, directory=runtime.directory, metrics=runtime.metrics
        )
        return cls(scope)
