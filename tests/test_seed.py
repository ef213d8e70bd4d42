"""The seed: docs/demo-data.md's fixed records exactly as written, and a deterministic bulk around them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.auth.passwords import verify_password
from gateway.directory.tables import agreements, associations, entities, tpa_attestations, users
from gateway.migrations import DIRECTORY_SCRIPTS, REGION_SCRIPTS, upgrade
from gateway.seed import seed, stores_are_empty
from gateway.seed.npi import is_valid_npi, luhn_npi_check_digit
from regions.base.engine import create_store_engine
from regions.base.registry import REGION_CODES
from regions.base.tables import attachments, claims, members, messages, providers

# docs/demo-data.md, "Provider entities": Tax ID -> (name, kind, has an agreement, providers per region).
ENTITIES: dict[str, tuple[str, str, bool, dict[str, int]]] = {
    "95-1000001": ("Harbor Medical Group", "GROUP", True, {"SCAL": 12, "NCAL": 8}),
    "84-2000002": ("Front Range Orthopedics", "GROUP", True, {"CO": 60}),
    "99-3000003": ("Aloha Family Practice", "INDIVIDUAL_PRACTICE", True, {"HI": 1}),
    "52-4000004": ("Chesapeake Imaging Center", "FACILITY", True, {"MAS": 5}),
    "93-5000005": ("Cascade Behavioral Health", "GROUP", True, {"NW": 9}),
    "58-6000006": ("Peachtree Pediatrics", "GROUP", True, {"GA": 7}),
    "77-7000007": ("Summit Billing Services", "THIRD_PARTY_ADMINISTRATOR", True, {}),
    "33-8000008": ("Sunrise Urgent Care", "GROUP", False, {"SCAL": 3}),
}

# docs/demo-data.md, "People": user ID -> kind, and (Tax ID, region, access, status) of each association.
PEOPLE = {
    "dana.reyes": "PROVIDER_STAFF",
    "omar.haddad": "PROVIDER_STAFF",
    "tess.nguyen": "THIRD_PARTY_ADMINISTRATOR",
    "rep.scal": "REGIONAL_REPRESENTATIVE",
    "rep.ga": "REGIONAL_REPRESENTATIVE",
    "um.co": "UTILIZATION_REVIEWER",
    "um.ncal": "UTILIZATION_REVIEWER",
}
ASSOCIATIONS = {
    ("dana.reyes", "95-1000001", "SCAL", "CLINICAL", "ACTIVE"),
    ("dana.reyes", "95-1000001", "NCAL", "CLINICAL", "ACTIVE"),
    ("dana.reyes", "58-6000006", "GA", "CLINICAL", "PENDING"),
    ("omar.haddad", "84-2000002", "CO", "CLINICAL", "ACTIVE"),
    ("omar.haddad", "99-3000003", "HI", "CLINICAL", "ACTIVE"),
    ("omar.haddad", "52-4000004", "MAS", "CLINICAL", "ACTIVE"),
    ("omar.haddad", "93-5000005", "NW", "CLINICAL", "ACTIVE"),
    ("tess.nguyen", "58-6000006", "GA", "ADMINISTRATIVE", "ACTIVE"),
}


@dataclass(frozen=True)
class Expected:
    """One row of docs/demo-data.md's "Claims" table."""

    region: str
    tax_id: str
    member: tuple[str, str, str, date, str]
    billed: str
    status: str
    category: str
    payment: tuple[str, str, str, str, date] | None  # method, vendor, amount, reference, paid on


CLAIMS = {
    "SCAL0000000001": Expected(
        "SCAL", "95-1000001", ("M100000001", "Jordan", "Lee", date(1980, 4, 12), "HMO"), "1250.00", "PAID", "F1",
        ("EFT", "Harbor Medical Group", "980.00", "EFT20260301001", date(2026, 3, 1)),
    ),
    "SCAL0000000002": Expected(
        "SCAL", "95-1000001", ("M100000002", "Avery", "Kim", date(1975, 9, 30), "HMO"), "430.00",
        "PENDED_FOR_INFORMATION", "P3", None,
    ),
    "SCAL0000000003": Expected(
        "SCAL", "95-1000001", ("M100000003", "Riley", "Park", date(1990, 1, 5), "SELF_FUNDED"), "310.00",
        "IN_PROCESS", "A2", None,
    ),
    "NCAL0000000001": Expected(
        "NCAL", "95-1000001", ("M200000001", "Sam", "Ortiz", date(1968, 11, 23), "HMO"), "2200.00", "DENIED", "F2",
        None,
    ),
    "CO0000000001": Expected(
        "CO", "84-2000002", ("M300000001", "Casey", "Wu", date(1959, 6, 14), "DEDUCTIBLE_HMO"), "5400.00",
        "DENIED", "F2", None,
    ),
    "CO0000000002": Expected(
        "CO", "84-2000002", ("M300000001", "Casey", "Wu", date(1959, 6, 14), "DEDUCTIBLE_HMO"), "6800.00",
        "PAID", "F1", ("EFT", "Front Range Orthopedics", "2400.00", "EFT20260410001", date(2026, 4, 10)),
    ),
    "HI0000000001": Expected(
        "HI", "99-3000003", ("M400000001", "Kai", "Akana", date(2001, 2, 28), "HMO"), "180.00", "IN_PROCESS",
        "A2", None,
    ),
    "MAS0000000001": Expected(
        "MAS", "52-4000004", ("M500000001", "Morgan", "Bell", date(1984, 7, 7), "HMO"), "960.00", "PAID", "F1",
        ("CHECK", "Chesapeake Imaging Center", "960.00", "004417", date(2026, 2, 14)),
    ),
    "NW0000000001": Expected(
        "NW", "93-5000005", ("M600000001", "Quinn", "Hale", date(1993, 3, 3), "HMO"), "1500.00",
        "PARTIALLY_PAID", "F1", ("EFT", "Cascade Behavioral Health", "700.00", "EFT20260220007", date(2026, 2, 20)),
    ),
    "GA0000000001": Expected(
        "GA", "58-6000006", ("M700000001", "Drew", "Fox", date(2015, 10, 10), "HMO"), "240.00", "PAID", "F1",
        ("EFT", "Peachtree Pediatrics", "240.00", "EFT20260110003", date(2026, 1, 10)),
    ),
}  # fmt: skip

# The demo coverage table: members covered otherwise than from 2025-01-01 to 2026-12-31.
COVERED = {"M200000001": (date(2024, 7, 1), None), "M300000001": (date(2025, 1, 1), None)}

VALID_EIN_PREFIXES = set(range(10, 100)) - {17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97}
DIRECTORY_TABLES = (entities, agreements, tpa_attestations, users, associations)
REGION_TABLES = (providers, members, claims, messages, attachments)


@dataclass
class Stores:
    directory: AsyncEngine
    regions: dict[str, AsyncEngine]


async def _open_stores(folder: Path) -> Stores:
    directory = create_store_engine(f"sqlite+aiosqlite:///{folder}/directory.sqlite3")
    await upgrade(directory, DIRECTORY_SCRIPTS)
    regions = {}
    for code in REGION_CODES:
        regions[code] = create_store_engine(f"sqlite+aiosqlite:///{folder}/region-{code.lower()}.sqlite3")
        await upgrade(regions[code], REGION_SCRIPTS)
    return Stores(directory, regions)


async def _close(stores: Stores) -> None:
    await stores.directory.dispose()
    for engine in stores.regions.values():
        await engine.dispose()


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[Stores]:
    """Fresh, migrated, empty stores."""
    opened = await _open_stores(tmp_path)
    yield opened
    await _close(opened)


@pytest.fixture(scope="module")
async def seeded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stores]:
    """Stores seeded once for the read-only tests: few bulk claims, the default 150 per fixed entity."""
    opened = await _open_stores(tmp_path_factory.mktemp("seeded"))
    await seed(opened.directory, opened.regions, claims_per_region=50)
    yield opened
    await _close(opened)


async def _rows(engine: AsyncEngine, table: Table, *where: Any) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns)
    async with engine.connect() as connection:
        result = await connection.execute(select(table).where(*where).order_by(*order))
        return [dict(row) for row in result.mappings()]


async def _dump(stores: Stores) -> dict[str, list[dict[str, Any]]]:
    """Every seeded row; the password hash aside, whose salt is random by design."""
    dump = {}
    for table in DIRECTORY_TABLES:
        rows = await _rows(stores.directory, table)
        dump[table.name] = [{k: v for k, v in row.items() if k != "password_hash"} for row in rows]
    for code, engine in stores.regions.items():
        for table in REGION_TABLES:
            dump[f"{code}.{table.name}"] = await _rows(engine, table)
    return dump


async def _claim_with_member(engine: AsyncEngine, claim_number: str) -> dict[str, Any]:
    member_columns = [
        members.c.member_id.label("member_number"),
        members.c.first_name,
        members.c.last_name,
        members.c.date_of_birth,
        members.c.plan_type,
        members.c.coverage_from,
        members.c.coverage_to,
    ]
    statement = (
        select(claims, *member_columns)
        .join(members, members.c.id == claims.c.member_id)
        .where(claims.c.claim_number == claim_number)
    )
    async with engine.connect() as connection:
        return dict((await connection.execute(statement)).mappings().one())


# ---------------------------------------------------------------- fixed records


async def test_fixed_claims_come_back_exactly_as_written(seeded: Stores) -> None:
    for number, expected in CLAIMS.items():
        engine = seeded.regions[expected.region]
        row = await _claim_with_member(engine, number)

        assert row["tax_id"] == expected.tax_id
        member = (
            row["member_number"],
            row["first_name"],
            row["last_name"],
            row["date_of_birth"],
            row["plan_type"],
        )
        assert member == expected.member
        assert (row["coverage_from"], row["coverage_to"]) == COVERED.get(
            row["member_number"], (date(2025, 1, 1), date(2026, 12, 31))
        )
        assert row["billed_amount"] == Decimal(expected.billed)
        assert (row["status"], row["status_category"]) == (expected.status, expected.category)
        payment = None
        if row["payment_method"] is not None:
            payment = (
                row["payment_method"],
                row["payment_vendor"],
                str(row["payment_amount"]),
                row["payment_reference"],
                row["paid_on"],
            )
        assert payment == expected.payment
        if expected.payment is None:
            assert row["payment_vendor"] is row["payment_reference"] is row["payment_amount"] is None
        else:
            assert row["paid_amount"] == Decimal(expected.payment[2])
            assert row["received_on"] < expected.payment[4]
        if expected.status in {"IN_PROCESS", "PENDED_FOR_INFORMATION", "RECEIVED"}:
            assert row["paid_amount"] is None
        assert row["diagnosis_codes"]
        assert row["received_on"].year == 2026
        assert row["service_from"] <= row["service_to"] <= row["received_on"]
        assert row["updated_at"].tzinfo is not None
        provider = await _rows(engine, providers, providers.c.id == row["billing_provider_id"])
        assert provider[0]["tax_id"] == expected.tax_id


async def test_fixed_entities_agreements_and_attestation_are_as_written(seeded: Stores) -> None:
    rows = {row["tax_id"]: row for row in await _rows(seeded.directory, entities)}
    agreement_rows = {row["entity_id"]: row for row in await _rows(seeded.directory, agreements)}

    for tax_id, (name, kind, has_agreement, _) in ENTITIES.items():
        assert (rows[tax_id]["name"], rows[tax_id]["kind"]) == (name, kind)
        agreement = agreement_rows.get(rows[tax_id]["id"])
        assert (agreement is not None) == has_agreement
        if agreement is not None:
            assert agreement["status"] == "PROCESSED"
            assert agreement["submitted_at"].tzinfo is not None
            assert agreement["processed_at"] is not None
    attestations = await _rows(seeded.directory, tpa_attestations)
    assert [
        (a["group_entity_id"], a["tpa_entity_id"], a["status"], a["signatory_name"], a["signatory_title"])
        for a in attestations
    ] == [
        (
            rows["58-6000006"]["id"],
            rows["77-7000007"]["id"],
            "PROCESSED",
            "Dr. Lena Brooks",
            "Medical Director",
        )
    ]


async def test_people_and_associations_are_as_written(seeded: Stores) -> None:
    user_rows = await _rows(seeded.directory, users)
    entity_rows = {row["id"]: row["tax_id"] for row in await _rows(seeded.directory, entities)}
    by_pk = {row["id"]: row for row in user_rows}

    assert {row["user_id"]: row["kind"] for row in user_rows} == PEOPLE
    assert {row["status"] for row in user_rows} == {"ACTIVE"}
    assert verify_password(user_rows[0]["password_hash"], "Affiliate-Demo-2026!")
    assert len({row["password_hash"] for row in user_rows}) == 1
    tess = next(row for row in user_rows if row["user_id"] == "tess.nguyen")
    assert entity_rows[tess["employer_entity_id"]] == "77-7000007"
    assert {row["user_id"]: row["represents_region"] for row in user_rows if row["represents_region"]} == {
        "rep.scal": "SCAL",
        "rep.ga": "GA",
        "um.co": "CO",
        "um.ncal": "NCAL",
    }
    association_rows = await _rows(seeded.directory, associations)
    found = {
        (by_pk[a["user_id"]]["user_id"], entity_rows[a["entity_id"]], a["region"], a["access"], a["status"])
        for a in association_rows
    }
    assert found == ASSOCIATIONS
    for association in association_rows:
        assert (association["decided_at"] is not None) == (association["status"] == "ACTIVE")


async def test_fixed_entities_have_their_providers_with_valid_npis(seeded: Stores) -> None:
    for code, engine in seeded.regions.items():
        provider_rows = await _rows(engine, providers)
        counts: dict[str, int] = {}
        for row in provider_rows:
            counts[row["tax_id"]] = counts.get(row["tax_id"], 0) + 1
            assert is_valid_npi(row["npi"]), row
            assert row["name"]
            assert row["specialty"]
        for tax_id, (_, _, _, per_region) in ENTITIES.items():
            assert counts.get(tax_id, 0) == per_region.get(code, 0), (code, tax_id)
    front_range = await _rows(seeded.regions["CO"], providers, providers.c.tax_id == "84-2000002")
    assert len(front_range) == 60


def test_npi_check_digit_is_luhn_over_80840() -> None:
    # CMS's worked example: 123456789 takes the check digit 3.
    assert luhn_npi_check_digit("123456789") == "3"
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("1234567894")
    assert not is_valid_npi("123456789")
    assert not is_valid_npi("12345678a3")


async def test_fixed_messages_and_attachment(seeded: Stores) -> None:
    scal = seeded.regions["SCAL"]
    claim_pk = (await _rows(scal, claims, claims.c.claim_number == "SCAL0000000002"))[0]["id"]
    message_rows = await _rows(scal, messages, messages.c.claim_id == claim_pk)
    sent = next(m for m in message_rows if m["kind"] == "SUPPORTING_DOCUMENTATION")
    reply = next(m for m in message_rows if m["in_reply_to_id"] == sent["id"])

    assert (sent["owner_user_id"], sent["folder"], sent["tax_id"]) == ("dana.reyes", "SENT", "95-1000001")
    assert (reply["kind"], reply["folder"], reply["owner_user_id"]) == (
        "ACKNOWLEDGEMENT_LETTER",
        "CUSTOMER_SERVICE_REPLY",
        "dana.reyes",
    )
    assert reply["read_at"] is None
    attachment = (await _rows(scal, attachments, attachments.c.message_id == sent["id"]))[0]
    content = attachment["content"]
    assert content.startswith(b"%PDF-1.4")
    assert content.rstrip().endswith(b"%%EOF")
    assert attachment["filename"].endswith(".pdf")
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size_bytes"] == len(content)
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest()
    for region, number, owner, kind in (
        ("CO", "CO0000000001", "omar.haddad", "DISPUTE"),
        ("GA", "GA0000000001", "tess.nguyen", "SUPPORTING_DOCUMENTATION"),
    ):
        engine = seeded.regions[region]
        claim = (await _rows(engine, claims, claims.c.claim_number == number))[0]
        found = await _rows(engine, messages, messages.c.claim_id == claim["id"], messages.c.kind == kind)
        assert [(m["owner_user_id"], m["folder"], m["tax_id"]) for m in found] == [
            (owner, "SENT", claim["tax_id"])
        ]


# ------------------------------------------------------------------------- bulk


async def test_each_fixed_entity_has_150_claims_in_each_of_its_regions(seeded: Stores) -> None:
    owners = {("95-1000001", "SCAL"): "dana.reyes", ("84-2000002", "CO"): "omar.haddad"}
    owners |= {("58-6000006", "GA"): "tess.nguyen", ("93-5000005", "NW"): "omar.haddad"}
    for tax_id, (_, _, _, per_region) in ENTITIES.items():
        for region in per_region:
            engine = seeded.regions[region]
            async with engine.connect() as connection:
                count = await connection.scalar(
                    select(func.count()).select_from(claims).where(claims.c.tax_id == tax_id)
                )
            assert (count or 0) >= 150, (tax_id, region, count)
    for (tax_id, region), owner in owners.items():
        rows = await _rows(seeded.regions[region], messages, messages.c.tax_id == tax_id)
        assert len(rows) > 20
        assert {row["owner_user_id"] for row in rows} == {owner}


async def test_bulk_rows_have_a_realistic_shape(seeded: Stores) -> None:
    fixed_users = set(PEOPLE)
    for code, engine in seeded.regions.items():
        claim_rows = await _rows(engine, claims)
        member_rows = await _rows(engine, members)
        message_rows = await _rows(engine, messages)
        assert len(claim_rows) >= 50 + 150
        for claim in claim_rows:
            assert re.fullmatch(rf"{code}\d{{10}}", claim["claim_number"])
            assert claim["allowed_amount"] is None or claim["allowed_amount"] <= claim["billed_amount"]
            assert claim["paid_amount"] is None or claim["paid_amount"] <= claim["allowed_amount"]
            assert claim["service_from"] <= claim["service_to"] < claim["received_on"]
            assert 1 <= len(claim["diagnosis_codes"]) <= 4
            paying = claim["status"] in {"PAID", "PARTIALLY_PAID", "ADJUSTED"}
            assert (claim["payment_method"] is not None) == paying
            if claim["claim_number"] not in CLAIMS:
                assert claim["claim_number"][len(code) :] >= "1000000000"
                assert date(2025, 5, 1) <= claim["received_on"] <= date(2026, 10, 31)
                assert Decimal("50.00") <= claim["billed_amount"] <= Decimal("20000.00")
                assert claim["billed_amount"] == claim["billed_amount"].quantize(Decimal("0.01"))
                if paying:
                    assert claim["payment_amount"] == claim["paid_amount"]
                    assert re.fullmatch(r"EFT\d{11}|\d{6}", claim["payment_reference"])
        for member in member_rows:
            assert re.fullmatch(r"M\d{9}", member["member_id"])
        assert len({m["member_id"] for m in member_rows}) == len(member_rows)
        for message in message_rows:
            assert message["sent_at"].tzinfo is not None
            if message["owner_user_id"] not in fixed_users:
                assert re.fullmatch(r"gen\.user\.\d{4}", message["owner_user_id"])
            if message["kind"] == "REQUEST_FOR_INFORMATION_RESPONSE":
                assert message["subtopic"] is not None
    for entity in await _rows(seeded.directory, entities):
        assert re.fullmatch(r"\d{2}-\d{7}", entity["tax_id"])
        assert int(entity["tax_id"][:2]) in VALID_EIN_PREFIXES


async def test_stores_are_empty_until_seeded(stores: Stores) -> None:
    assert await stores_are_empty(stores.directory, stores.regions)

    await seed(stores.directory, stores.regions, claims_per_region=5, fixed_entity_claims=2)

    assert not await stores_are_empty(stores.directory, stores.regions)


# ------------------------------------------------------------------ determinism


async def test_seeding_twice_gives_identical_rows(stores: Stores) -> None:
    # given
    await seed(stores.directory, stores.regions, claims_per_region=50, fixed_entity_claims=20)
    first = await _dump(stores)
    # when
    report = await seed(stores.directory, stores.regions, claims_per_region=50, fixed_entity_claims=20)
    # then
    assert await _dump(stores) == first
    assert report.regions["SCAL"].claims == len(first["SCAL.claims"])


async def test_another_seed_changes_the_bulk_but_not_the_fixed_records(stores: Stores) -> None:
    # given
    await seed(stores.directory, stores.regions, claims_per_region=50, fixed_entity_claims=20, random_seed=1)
    first = await _dump(stores)
    # when
    await seed(stores.directory, stores.regions, claims_per_region=50, fixed_entity_claims=20, random_seed=2)
    second = await _dump(stores)
    # then
    assert first["SCAL.claims"] != second["SCAL.claims"]
    assert first["entities"] != second["entities"]
    assert _fixed(first) == _fixed(second)


def _fixed(dump: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The rows docs/demo-data.md fixes: its entities, people, providers, claims and their members and messages."""
    fixed: dict[str, list[dict[str, Any]]] = {
        "entities": [row for row in dump["entities"] if row["tax_id"] in ENTITIES],
        "users": dump["users"],
        "associations": dump["associations"],
        "tpa_attestations": dump["tpa_attestations"],
    }
    entity_pks = {row["id"] for row in fixed["entities"]}
    fixed["agreements"] = [row for row in dump["agreements"] if row["entity_id"] in entity_pks]
    for code in REGION_CODES:
        claim_rows = [row for row in dump[f"{code}.claims"] if row["claim_number"] in CLAIMS]
        claim_pks = {row["id"] for row in claim_rows}
        member_pks = {row["member_id"] for row in claim_rows}
        fixed[f"{code}.claims"] = claim_rows
        fixed[f"{code}.members"] = [row for row in dump[f"{code}.members"] if row["id"] in member_pks]
        fixed[f"{code}.providers"] = [row for row in dump[f"{code}.providers"] if row["tax_id"] in ENTITIES]
        fixed[f"{code}.messages"] = [row for row in dump[f"{code}.messages"] if row["claim_id"] in claim_pks]
        fixed[f"{code}.attachments"] = dump[f"{code}.attachments"]
    return fixed
