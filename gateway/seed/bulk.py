"""Generated entities, providers, members, claims and messages around the fixed records."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from gateway.directory.records import EntityKind
from gateway.seed.coverage import (
    PLAN_DESIGNS,
    CoverageBook,
    CoverageSpan,
    generated_spans,
    plan_mix,
)
from gateway.seed.fixed import (
    CLAIMS,
    ENTITIES,
    FIXED_MEMBER_IDS,
    FIXED_TAX_IDS,
    MEMBERS_WITHOUT_CLAIMS,
    MESSAGE_OWNER,
    DirectoryRows,
    RegionRows,
    Row,
    agreement_row,
    fixed_coverage,
    fixed_region_entities,
    provider_name,
)
from gateway.seed.names import (
    DIAGNOSIS_CODES,
    FACILITY_SUFFIXES,
    FIRST_NAMES,
    GROUP_SUFFIXES,
    LAST_NAMES,
    PLACE_WORDS,
    PRACTICE_FIELDS,
    SIGNATORY_TITLES,
    SPECIALTIES_BY_PRACTICE,
)
from gateway.seed.npi import npi_from
from regions.base.coverage import Network
from regions.base.records import (
    FINALIZED_STATUSES,
    STATUS_CATEGORY,
    ClaimStatus,
    MessageFolder,
    MessageKind,
    PaymentMethod,
    PlanType,
    RfiSubtopic,
)
from regions.base.registry import ADAPTERS

# The demo's "today": claims are received in the 18 months before it, and nothing happens after it.
SEED_TODAY: Final = date(2026, 11, 1)
LAST_DAY: Final = SEED_TODAY - timedelta(days=1)
FIRST_RECEIPT: Final = date(2025, 5, 1)
FIRST_GENERATED_CLAIM: Final = 1_000_000_000  # fixed claim numbers are all below it

# IRS campus prefixes that are never assigned to an EIN.
_UNASSIGNED_EIN_PREFIXES: Final = frozenset({17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97})
EIN_PREFIXES: Final = tuple(prefix for prefix in range(10, 100) if prefix not in _UNASSIGNED_EIN_PREFIXES)
# Member IDs start with the region's digit of DEMO_DATA.md (M1… SCAL to M7… GA).
MEMBER_ID_DIGIT: Final = {"SCAL": "1", "NCAL": "2", "CO": "3", "HI": "4", "MAS": "5", "NW": "6", "GA": "7"}

# Share of generated members who join the family (contract) of the member before them, when on the same plan.
FAMILY_SHARE: Final = 0.4
STATUSES: Final = (
    ClaimStatus.PAID,
    ClaimStatus.IN_PROCESS,
    ClaimStatus.DENIED,
    ClaimStatus.PENDED_FOR_INFORMATION,
    ClaimStatus.RECEIVED,
    ClaimStatus.PARTIALLY_PAID,
    ClaimStatus.ADJUSTED,
)
STATUS_WEIGHTS: Final = (58, 12, 10, 7, 5, 5, 3)
# A claim received in the last days cannot have been adjudicated yet.
YOUNG_STATUSES: Final = (ClaimStatus.RECEIVED, ClaimStatus.IN_PROCESS, ClaimStatus.PENDED_FOR_INFORMATION)
YOUNG_WEIGHTS: Final = (45, 45, 10)
MIN_DAYS_TO_DECIDE: Final = 10
PAYING_STATUSES: Final = frozenset({ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.ADJUSTED})
COPAYS_CENTS: Final = (0, 0, 0, 1000, 2000, 2500, 3000, 4000, 5000)

STATUS_DETAILS: Final[dict[ClaimStatus, tuple[str, ...]]] = {
    ClaimStatus.RECEIVED: ("Received: the claim passed front-end edits and awaits adjudication.",),
    ClaimStatus.IN_PROCESS: (
        "In process: the claim was received and is being adjudicated.",
        "In process: under review for coordination of benefits.",
        "In process: awaiting pricing of out-of-network services.",
    ),
    ClaimStatus.PENDED_FOR_INFORMATION: (
        "Pended: medical records requested to support the billed service.",
        "Pended: itemized bill requested.",
        "Pended: other-insurance information requested from the member.",
        "Pended: referral or authorization number requested.",
    ),
    ClaimStatus.PAID: (
        "Paid at the contracted rate.",
        "Paid at the contracted rate; member cost share applied.",
        "Paid in full.",
    ),
    ClaimStatus.PARTIALLY_PAID: (
        "Partially paid: some lines exceed the authorized units (CARC 119).",
        "Partially paid: one line is bundled into another service (CARC 97).",
        "Partially paid: one line is not a covered benefit (CARC 96).",
    ),
    ClaimStatus.DENIED: (
        "Denied: prior authorization was not obtained for this service (CARC 197).",
        "Denied: not medically necessary per clinical review (CARC 50).",
        "Denied: the claim was filed after the timely-filing limit (CARC 29).",
        "Denied: duplicate of a claim already processed (CARC 18).",
        "Denied: the member was not eligible on the date of service (CARC 27).",
    ),
    ClaimStatus.ADJUSTED: (
        "Adjusted: reprocessed after a corrected claim was received.",
        "Adjusted: reprocessed after a fee schedule update.",
        "Adjusted: reprocessed on appeal; additional payment issued.",
    ),
}
SUBTOPIC_WEIGHTS: Final = {
    RfiSubtopic.SOLICITED_CLAIMS_RFI_LETTER: 40,
    RfiSubtopic.CLINICAL_REVIEW_RFI_LETTER: 25,
    RfiSubtopic.CODE_EDIT_RFI_LETTER: 20,
    RfiSubtopic.UNSOLICITED_RFI_DOCUMENT: 15,
}
MESSAGE_COUNT_WEIGHTS: Final = (55, 28, 12, 5)  # 0, 1, 2 or 3 messages per claim


def money(amount_cents: int) -> Decimal:
    """Integer cents as an exact two-place Decimal."""
    return Decimal(amount_cents).scaleb(-2)


def at(day: date, rng: random.Random) -> datetime:
    """A moment of a business day (UTC) on the given date, early enough that replies land the same day."""
    return datetime.combine(day, time(rng.randrange(13, 22), rng.randrange(60)), tzinfo=UTC)


# ----------------------------------------------------------------- entities


@dataclass(frozen=True, slots=True)
class GeneratedEntity:
    pk: int
    tax_id: str
    name: str
    kind: EntityKind
    region: str
    practice: str  # key of SPECIALTIES_BY_PRACTICE
    writers: tuple[str, ...]  # generated user IDs that write its messages


def entities_per_region(claims_per_region: int) -> int:
    """How many generated entities share a region's claims: a few, more for bigger seeds."""
    return min(40, 4 + claims_per_region // 800)


def plan_directory(
    rng: random.Random, regions: Sequence[str], claims_per_region: int
) -> tuple[list[GeneratedEntity], DirectoryRows]:
    """Generated entities for every region, with their PROCESSED agreements."""
    rows = DirectoryRows()
    entities: list[GeneratedEntity] = []
    used_tax_ids = set(FIXED_TAX_IDS)
    used_names = {entity.name for entity in ENTITIES}
    next_pk = len(ENTITIES) + 1
    next_agreement_pk = sum(1 for entity in ENTITIES if entity.signatory is not None) + 1
    next_writer = 1
    for region in regions:
        for _ in range(entities_per_region(claims_per_region)):
            kind = rng.choices(
                (EntityKind.GROUP, EntityKind.INDIVIDUAL_PRACTICE, EntityKind.FACILITY), (55, 30, 15)
            )[0]
            field_name = rng.choice(tuple(PRACTICE_FIELDS))
            name = _entity_name(rng, kind, field_name)
            while name in used_names:
                name = _entity_name(rng, kind, field_name)
            used_names.add(name)
            tax_id = _tax_id(rng)
            while tax_id in used_tax_ids:
                tax_id = _tax_id(rng)
            used_tax_ids.add(tax_id)
            writer_count = 1 if kind is EntityKind.INDIVIDUAL_PRACTICE else rng.randint(1, 3)
            # Numbered "gen.user.NNNN": a shape no fixed user ID has.
            writers = tuple(
                f"gen.user.{number:04d}" for number in range(next_writer, next_writer + writer_count)
            )
            next_writer += writer_count
            entity = GeneratedEntity(
                next_pk, tax_id, name, kind, region, PRACTICE_FIELDS[field_name], writers
            )
            entities.append(entity)
            rows.entities.append({"id": entity.pk, "tax_id": tax_id, "name": name, "kind": kind.value})
            rows.agreements.append(_agreement(rng, next_agreement_pk, entity))
            next_pk += 1
            next_agreement_pk += 1
    return entities, rows


def _entity_name(rng: random.Random, kind: EntityKind, field_name: str) -> str:
    if kind is EntityKind.INDIVIDUAL_PRACTICE:
        return f"{rng.choice(LAST_NAMES)} {field_name}"
    suffixes = FACILITY_SUFFIXES if kind is EntityKind.FACILITY else GROUP_SUFFIXES
    return f"{rng.choice(PLACE_WORDS)} {field_name} {rng.choice(suffixes)}"


def _tax_id(rng: random.Random) -> str:
    """An EIN: an assigned IRS prefix, a dash, seven digits."""
    return f"{rng.choice(EIN_PREFIXES)}-{rng.randrange(10_000_000):07d}"


def _agreement(rng: random.Random, pk: int, entity: GeneratedEntity) -> Row:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain = "".join(char for char in entity.name.lower() if char.isalnum())[:40] + ".example"
    submitted_on = date(2023, 1, 2) + timedelta(days=rng.randrange(1_000))
    submitted_at = at(submitted_on, rng)
    processed_at = at(submitted_on + timedelta(days=rng.randint(2, 14)), rng)
    signatory = (f"{first} {last}", rng.choice(SIGNATORY_TITLES), f"{first}.{last}@{domain}".lower())
    return agreement_row(pk, entity.pk, signatory, submitted_at, processed_at)


# ------------------------------------------------------------------ regions


@dataclass(frozen=True, slots=True)
class Biller:
    """Whoever a claim is billed by: its Tax ID, its payee name, its providers and who writes for it."""

    tax_id: str
    vendor: str
    provider_pks: tuple[int, ...]
    writers: tuple[str, ...]


class RegionGenerator:
    """One region's bulk rows, drawn from its own random stream so regions do not depend on each other."""

    def __init__(
        self,
        region: str,
        rng: random.Random,
        rows: RegionRows,
        entities: Sequence[GeneratedEntity],
        claims_per_region: int,
        fixed_entity_claims: int,
    ) -> None:
        self.region = region
        self.rng = rng
        self.rows = rows
        rules = self.rules = ADAPTERS[region].rules
        self.on_behalf_picker = rules.on_behalf_of_provider_picker
        self.acknowledgement_letters = rules.acknowledgement_letters
        self.generated_billers = [
            self._add_providers(entity) for entity in entities if entity.region == region
        ]
        self.fixed_billers = self._fixed_billers()
        # Coverage draws from a stream of its own, derived from the region's without drawing from it: the
        # claims are the same with or without it. (A tuple of ints hashes the same in every process.)
        self.coverage_rng = random.Random(f"{region}:coverage:{hash(rng.getstate())}")
        self.coverage = CoverageBook()
        self._enrol_fixed_members()
        self.member_pks: list[int] = []
        self.portal_member_pks: list[int] = []
        self._add_members(claims_per_region + fixed_entity_claims * len(self.fixed_billers))
        self.claims_per_region = claims_per_region
        self.fixed_entity_claims = fixed_entity_claims
        self.next_claim_pk = len(rows.claims) + 1
        self.next_message_pk = len(rows.messages) + 1
        self.next_check = 100_000 + rng.randrange(900_000 - 100_000)
        self.next_crm = 1_000
        self.eft_counters: dict[date, int] = {}
        self.payment_references: dict[tuple[str, date, PaymentMethod], str] = {}

    @property
    def claim_count(self) -> int:
        """Generated claims this region will hold, on top of its fixed ones."""
        return self.claims_per_region + self.fixed_entity_claims * len(self.fixed_billers)

    def _fixed_billers(self) -> list[Biller]:
        billers = []
        for entity in fixed_region_entities(self.region):
            provider_pks = tuple(row["id"] for row in self.rows.providers if row["tax_id"] == entity.tax_id)
            owner = MESSAGE_OWNER.get((entity.tax_id, self.region))
            # No one is associated with an entity without an agreement (Sunrise): nobody wrote for it.
            writers = (owner,) if owner else ()
            billers.append(Biller(entity.tax_id, entity.name, provider_pks, writers))
        return billers

    def _add_providers(self, entity: GeneratedEntity) -> Biller:
        rng = self.rng
        count = {EntityKind.INDIVIDUAL_PRACTICE: 1, EntityKind.FACILITY: rng.randint(2, 8)}.get(
            entity.kind, rng.randint(4, 30)
        )
        specialties = SPECIALTIES_BY_PRACTICE[entity.practice]
        used_npis = {row["npi"] for row in self.rows.providers}
        provider_pks = []
        for _ in range(count):
            specialty = rng.choice(specialties)
            # Generated NPIs start with 2, fixed ones with 1.
            npi = npi_from(rng.randrange(200_000_000, 300_000_000))
            while npi in used_npis:
                npi = npi_from(rng.randrange(200_000_000, 300_000_000))
            used_npis.add(npi)
            pk = len(self.rows.providers) + 1
            provider_pks.append(pk)
            self.rows.providers.append(
                {
                    "id": pk,
                    "npi": npi,
                    "name": provider_name(rng, specialty),
                    "specialty": specialty,
                    "tax_id": entity.tax_id,
                }
            )
        return Biller(entity.tax_id, entity.name, tuple(provider_pks), entity.writers)

    def _enrol_fixed_members(self) -> None:
        """The fixed members' coverage, and what their fixed claims applied to it."""
        fixed = {member.member_id: member for member in (claim.member for claim in CLAIMS)}
        fixed.update((member.member_id, member) for _, member in MEMBERS_WITHOUT_CLAIMS)
        digit = MEMBER_ID_DIGIT[self.region]
        for row in self.rows.members:
            member = fixed[row["member_id"]]
            coverage = fixed_coverage(member.member_id)
            design = PLAN_DESIGNS[member.plan]
            span = CoverageSpan(
                member.plan,
                coverage.plan_name or design.names[-1],
                f"{self.rules.name} Employer Group",
                coverage.group_number or f"{digit}00100",
                coverage.coverage_from,
                coverage.coverage_to,
                self._primary_care_provider(member.member_id),
            )
            self.coverage.enrol(row["id"], member.member_id, [span])
            if coverage.other_out_of_pocket:
                self.coverage.add_out_of_pocket(
                    row["id"], (2026, Network.IN_NETWORK), coverage.other_out_of_pocket
                )
        for claim in self.rows.claims:
            claim["deductible_applied"] = self.coverage.apply_claim(
                claim["member_id"],
                claim["service_from"],
                ClaimStatus(claim["status"]),
                claim["patient_responsibility"],
            )

    def _primary_care_provider(self, member_id: str) -> str | None:
        """The first provider of the Tax ID that billed the member's first fixed claim, if any."""
        claim = next((claim for claim in CLAIMS if claim.member.member_id == member_id), None)
        if claim is None:
            return None
        return next((str(row["name"]) for row in self.rows.providers if row["tax_id"] == claim.tax_id), None)

    def _add_members(self, claim_count: int) -> None:
        rng = self.rng
        digit = MEMBER_ID_DIGIT[self.region]
        used = set(FIXED_MEMBER_IDS)
        plans, weights = plan_mix(self.region)
        family: tuple[str, PlanType, list[CoverageSpan]] | None = None
        for _ in range(max(40, claim_count // 3)):
            # Eight digits from 10000000 up: never the 00000001-style numbers of the fixed members.
            member_id = f"M{digit}{rng.randrange(10_000_000, 100_000_000)}"
            while member_id in used:
                member_id = f"M{digit}{rng.randrange(10_000_000, 100_000_000)}"
            used.add(member_id)
            pk = len(self.rows.members) + 1
            self.member_pks.append(pk)
            enrolled = date(2012 + rng.randrange(13), rng.randint(1, 12), 1)
            # Drawn in this order, so that the members (and every claim after them) stay as they were.
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            date_of_birth = date(1936, 1, 1) + timedelta(days=rng.randrange(32_500))
            plan_type = rng.choices(plans, weights)[0]
            if family is not None and family[1] is plan_type and self.coverage_rng.random() < FAMILY_SHARE:
                # A spouse or child on the subscriber's contract: the same enrollments.
                family_id, spans = family[0], family[2]
            else:
                group_number = f"{digit}{self.coverage_rng.randrange(10_000, 100_000)}"
                spans = generated_spans(self.coverage_rng, self.region, plan_type, enrolled, group_number)
                family_id = member_id
                family = (family_id, plan_type, spans)
            if plan_type not in self.rules.plans_outside_portal:
                self.portal_member_pks.append(pk)
            self.rows.members.append(
                {
                    "id": pk,
                    "member_id": member_id,
                    "first_name": first_name,
                    "last_name": last_name,
                    "date_of_birth": date_of_birth,
                    "plan_type": plan_type.value,
                    "coverage_from": spans[0].coverage_from,
                    "coverage_to": spans[-1].coverage_to,
                }
            )
            self.coverage.enrol(pk, family_id, spans)

    # -------------------------------------------------------------- claims

    def claim_batches(self, size: int) -> Iterator[tuple[list[Row], list[Row]]]:
        """Claims in batches of `size`, each with the messages about them; numbered in order of receipt."""
        rng = self.rng
        billers: list[Biller] = []
        if self.generated_billers:
            weights = [len(biller.provider_pks) + 3 for biller in self.generated_billers]
            billers.extend(rng.choices(self.generated_billers, weights, k=self.claims_per_region))
        for biller in self.fixed_billers:
            billers.extend([biller] * self.fixed_entity_claims)
        window = (SEED_TODAY - FIRST_RECEIPT).days
        received = sorted(
            ((FIRST_RECEIPT + timedelta(days=rng.randrange(window)), biller) for biller in billers),
            key=lambda pair: pair[0],
        )
        number = FIRST_GENERATED_CLAIM
        claim_rows: list[Row] = []
        message_rows: list[Row] = []
        for received_on, biller in received:
            number += rng.randint(1, 9)
            claim_number = f"{self.region}{number:010d}"
            claim = self._claim(claim_number, received_on, biller)
            claim_rows.append(claim)
            message_rows.extend(self._messages(claim, biller))
            if len(claim_rows) >= size:
                yield claim_rows, message_rows
                claim_rows, message_rows = [], []
        if claim_rows:
            yield claim_rows, message_rows

    def _claim(self, claim_number: str, received_on: date, biller: Biller) -> Row:
        rng = self.rng
        age = (LAST_DAY - received_on).days
        if age < MIN_DAYS_TO_DECIDE:
            status = rng.choices(YOUNG_STATUSES, YOUNG_WEIGHTS)[0]
        else:
            status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        service_from = received_on - timedelta(days=min(rng.randint(2, 75), rng.randint(2, 75)))
        span = 0 if rng.random() < 0.85 else rng.randint(1, 6)
        service_to = min(service_from + timedelta(days=span), received_on - timedelta(days=1))
        # Log-triangular: most claims are a few hundred dollars, a few run to thousands.
        billed = int(math.exp(rng.triangular(math.log(5_000), math.log(2_000_000), math.log(20_000))))
        billed = max(5_000, min(2_000_000, billed))
        allowed, paid, patient = self._adjudicate(status, billed)
        if status in FINALIZED_STATUSES:
            decided_on = received_on + timedelta(days=rng.randint(MIN_DAYS_TO_DECIDE - 3, min(45, age)))
        else:
            decided_on = received_on + timedelta(days=rng.randint(0, min(20, age)))
        payment = self._payment(biller, decided_on, paid) if status in PAYING_STATUSES else None
        pk = self.next_claim_pk
        self.next_claim_pk += 1
        claim: Row = {
            "id": pk,
            "claim_number": claim_number,
            "tax_id": biller.tax_id,
            "billing_provider_id": rng.choice(biller.provider_pks),
            # A fixed entity's claims are of members the portal answers for, so that its demo person has
            # their full volume to page through (the demo data: at least 150 claims a region).
            "member_id": rng.choice(
                self.portal_member_pks if biller.tax_id in FIXED_TAX_IDS else self.member_pks
            ),
            "service_from": service_from,
            "service_to": service_to,
            "received_on": received_on,
            "billed_amount": money(billed),
            "allowed_amount": None if allowed is None else money(allowed),
            "paid_amount": None if paid is None else money(paid),
            "patient_responsibility": None if patient is None else money(patient),
            "status": status.value,
            "status_category": STATUS_CATEGORY[status],
            "status_detail": rng.choice(STATUS_DETAILS[status]),
            "payment_vendor": biller.vendor if payment else None,
            "payment_method": payment[0].value if payment else None,
            "payment_reference": payment[1] if payment else None,
            "payment_amount": money(paid) if payment and paid is not None else None,
            "paid_on": decided_on if payment else None,
            "diagnosis_codes": rng.sample(DIAGNOSIS_CODES, rng.choices((1, 2, 3, 4), (50, 30, 14, 6))[0]),
            "updated_at": at(decided_on, rng),
        }
        claim["deductible_applied"] = self.coverage.apply_claim(
            claim["member_id"], service_from, status, claim["patient_responsibility"]
        )
        return claim

    def _adjudicate(self, status: ClaimStatus, billed: int) -> tuple[int | None, int | None, int | None]:
        """Allowed, paid and member cost share in cents: paid ≤ allowed ≤ billed, None before a decision."""
        rng = self.rng
        if status is ClaimStatus.DENIED:
            return 0, 0, 0
        if status not in PAYING_STATUSES:
            return None, None, None
        low, high = {ClaimStatus.PAID: (0.45, 1.0), ClaimStatus.PARTIALLY_PAID: (0.3, 0.8)}.get(
            status, (0.5, 0.95)
        )
        allowed = max(100, int(billed * rng.uniform(low, high)))
        cost_share = rng.choice(COPAYS_CENTS) if rng.random() < 0.8 else allowed * rng.randint(10, 20) // 100
        # The plan always pays something on a paying claim.
        patient = min(cost_share, allowed // 2)
        payable = allowed - patient
        if status is ClaimStatus.PARTIALLY_PAID:
            payable = max(1, int(payable * rng.uniform(0.35, 0.85)))
        return allowed, payable, patient

    def _payment(self, biller: Biller, paid_on: date, paid: int | None) -> tuple[PaymentMethod, str]:
        """One EFT or check per payee and day, shared by the claims it pays, as remittances are."""
        method = PaymentMethod.EFT if self.rng.random() < 0.8 else PaymentMethod.CHECK
        key = (biller.tax_id, paid_on, method)
        reference = self.payment_references.get(key)
        if reference is None:
            if method is PaymentMethod.EFT:
                # From 101 up: the fixed payments use the low sequence numbers of their days.
                sequence = self.eft_counters.get(paid_on, 100) + 1
                self.eft_counters[paid_on] = sequence
                reference = f"EFT{paid_on:%Y%m%d}{sequence:03d}"
            else:
                reference = f"{self.next_check:06d}"
                self.next_check += 1
            self.payment_references[key] = reference
        return method, reference

    # ------------------------------------------------------------ messages

    def _messages(self, claim: Row, biller: Biller) -> list[Row]:
        rng = self.rng
        if not biller.writers:
            return []
        count = rng.choices((0, 1, 2, 3), MESSAGE_COUNT_WEIGHTS)[0]
        status = ClaimStatus(claim["status"])
        finalized = status in FINALIZED_STATUSES
        kinds = [MessageKind.SUPPORTING_DOCUMENTATION, MessageKind.REQUEST_FOR_INFORMATION_RESPONSE]
        weights = [4, 8 if status is ClaimStatus.PENDED_FOR_INFORMATION else 3]
        if finalized:
            kinds.append(MessageKind.DISPUTE)
            weights.append(3 if status in {ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID} else 1)
        rows: list[Row] = []
        for _ in range(count):
            kind = rng.choices(kinds, weights)[0]
            # A dispute answers a decision, so it follows it; other submissions follow receipt.
            since = claim["updated_at"].date() if kind is MessageKind.DISPUTE else claim["received_on"]
            sent_on = min(
                LAST_DAY, since + timedelta(days=rng.randint(1, max(1, min(60, (LAST_DAY - since).days))))
            )
            sent = self._sent_message(claim, biller, kind, at(sent_on, rng))
            rows.append(sent)
            if self.acknowledgement_letters:
                rows.append(self._acknowledgement(sent))
        return rows

    def _sent_message(self, claim: Row, biller: Biller, kind: MessageKind, sent_at: datetime) -> Row:
        rng = self.rng
        subtopic = None
        number = claim["claim_number"]
        if kind is MessageKind.SUPPORTING_DOCUMENTATION:
            subject = f"Supporting documentation for claim {number}"
            body = rng.choice(
                (
                    "Attached are the office notes for the date of service.",
                    "Enclosed is the itemized bill for this claim.",
                    "Please find the operative report and the referral attached.",
                    "Enclosed is the corrected claim form with the updated diagnosis codes.",
                )
            )
        elif kind is MessageKind.REQUEST_FOR_INFORMATION_RESPONSE:
            subtopic = rng.choices(tuple(SUBTOPIC_WEIGHTS), tuple(SUBTOPIC_WEIGHTS.values()))[0]
            subject = f"Response to request for information, claim {number}"
            body = rng.choice(
                (
                    "In response to your letter, the requested medical records are attached.",
                    "Here is the other-insurance information the member provided.",
                    "The authorization number for this service is on the attached form.",
                )
            )
        else:
            subject = f"Dispute of claim {number}"
            body = rng.choice(
                (
                    "We dispute this determination; the service was authorized. Please reprocess.",
                    "The allowed amount does not match our contracted rate. Please review and adjust.",
                    "This claim was filed within the timely-filing limit; proof of submission is attached.",
                )
            )
        pk = self.next_message_pk
        self.next_message_pk += 1
        self.next_crm += 1
        return {
            "id": pk,
            "claim_id": claim["id"],
            "tax_id": biller.tax_id,
            "owner_user_id": rng.choice(biller.writers),
            "kind": kind.value,
            "folder": MessageFolder.SENT.value,
            "subject": subject,
            "body": body,
            "subtopic": subtopic.value if subtopic else None,
            "crm_id": f"CS{self.region}{sent_at:%Y%m%d}{self.next_crm:04d}",  # letters and digits only
            "on_behalf_of_provider_id": claim["billing_provider_id"] if self.on_behalf_picker else None,
            "in_reply_to_id": None,
            "idempotency_key": None,
            "sent_at": sent_at,
            # The writer has read what they sent; only replies arrive unread.
            "read_at": sent_at,
        }

    def _acknowledgement(self, sent: Row) -> Row:
        """California files an acknowledgement letter for every submission (seed 004)."""
        rng = self.rng
        pk = self.next_message_pk
        self.next_message_pk += 1
        arrived = sent["sent_at"] + timedelta(minutes=rng.randint(5, 90))
        read_at = arrived + timedelta(hours=rng.randint(1, 72))
        # Letters not yet opened by the demo's today stay unread, as do a share of older ones.
        read = rng.random() < 0.7 and read_at.date() < SEED_TODAY
        return {
            **sent,
            "id": pk,
            "kind": MessageKind.ACKNOWLEDGEMENT_LETTER.value,
            "folder": MessageFolder.CUSTOMER_SERVICE_REPLY.value,
            "subject": f"Acknowledgement of your submission ({sent['crm_id']})",
            "body": f"We received your submission of {sent['sent_at']:%Y-%m-%d} "
            f"(reference {sent['crm_id']}). A claims examiner will review it within 30 days.",
            "subtopic": None,
            "on_behalf_of_provider_id": None,
            "in_reply_to_id": sent["id"],
            "sent_at": arrived,
            "read_at": read_at if read else None,
        }
