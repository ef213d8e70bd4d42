"""The stores' lean reads (regions/base/reads.py) give exactly what SQLAlchemy's column types give: the same
values of the same types (money with its two decimals, UTC-aware timestamps, dates, tuples of codes), on
every backend, for every row the demo data holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import Table, inspect, select

from regions.base.queries import ClaimCursor, ClaimSearch, MessageSearch, ProviderSearch
from regions.base.reads import SqliteReads
from regions.base.registry import REGION_CODES
from regions.base.store import RegionStore
from regions.base.tables import attachments, claims, members, messages, providers
from tests.conftest import Gateway

# Record field: the column SQLAlchemy reads it from.
CLAIM_FIELDS = {
    "pk": "id",
    "claim_number": "claim_number",
    "tax_id": "tax_id",
    "billing_provider_pk": "billing_provider_id",
    "service_from": "service_from",
    "service_to": "service_to",
    "received_on": "received_on",
    "billed_amount": "billed_amount",
    "allowed_amount": "allowed_amount",
    "paid_amount": "paid_amount",
    "patient_responsibility": "patient_responsibility",
    "status_category": "status_category",
    "status_detail": "status_detail",
    "updated_at": "updated_at",
}
PAYMENT_FIELDS = {
    "vendor": "payment_vendor",
    "reference": "payment_reference",
    "amount": "payment_amount",
    "paid_on": "paid_on",
}
MEMBER_FIELDS = {
    "member_id": "member_id",
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "coverage_from": "coverage_from",
    "coverage_to": "coverage_to",
}
MESSAGE_FIELDS = {
    "pk": "id",
    "claim_pk": "claim_id",
    "tax_id": "tax_id",
    "owner_user_id": "owner_user_id",
    "subject": "subject",
    "body": "body",
    "crm_id": "crm_id",
    "on_behalf_of_provider_pk": "on_behalf_of_provider_id",
    "in_reply_to_pk": "in_reply_to_id",
    "sent_at": "sent_at",
    "read_at": "read_at",
}
PROVIDER_FIELDS = {"pk": "id", "npi": "npi", "name": "name", "specialty": "specialty", "tax_id": "tax_id"}
ATTACHMENT_FIELDS = {
    "pk": "id",
    "message_pk": "message_id",
    "filename": "filename",
    "content_type": "content_type",
    "size_bytes": "size_bytes",
    "sha256": "sha256",
}


async def _typed_rows(store: RegionStore, table: Table) -> list[Mapping[str, Any]]:
    """Every row of a table as SQLAlchemy's column types give it."""
    async with store.engine.connect() as connection:
        result = await connection.execute(select(table).order_by(table.c.id))
        return list(result.mappings().all())


def _assert_same(record: object, row: Mapping[str, Any], fields: Mapping[str, str]) -> None:
    for field, column in fields.items():
        got, expected = getattr(record, field), row[column]
        # repr as well: Decimal("12.5") == Decimal("12.50"), and a naive datetime prints differently.
        assert (type(got), repr(got)) == (type(expected), repr(expected)), (field, got, expected)


@pytest.mark.parametrize("code", REGION_CODES)
async def test_lean_reads_give_what_the_column_types_give(gateway: Gateway, code: str) -> None:
    store = gateway.runtime.regions[code].store
    claim_rows = await _typed_rows(store, claims)
    member_rows = {row["id"]: row for row in await _typed_rows(store, members)}
    message_rows = await _typed_rows(store, messages)
    provider_rows = await _typed_rows(store, providers)
    attachment_rows = await _typed_rows(store, attachments)
    assert claim_rows
    assert provider_rows

    by_pk = await store.claims_by_pks([row["id"] for row in claim_rows])
    by_number = await store.claims_by_numbers([row["claim_number"] for row in claim_rows])
    [one] = (await store.claims_by_pks([claim_rows[0]["id"]])).values()
    assert one == by_pk[claim_rows[0]["id"]]
    for row in claim_rows:
        claim = by_pk[row["id"]]
        assert by_number[row["claim_number"]] == claim
        _assert_same(claim, row, CLAIM_FIELDS)
        assert claim.status.value == row["status"]
        assert claim.diagnosis_codes == tuple(row["diagnosis_codes"])
        if row["payment_method"] is None:
            assert claim.payment is None
        else:
            assert claim.payment is not None
            assert claim.payment.method.value == row["payment_method"]
            _assert_same(claim.payment, row, PAYMENT_FIELDS)
        member = member_rows[row["member_id"]]
        _assert_same(claim.member, member, MEMBER_FIELDS)
        assert claim.member.plan_type.value == member["plan_type"]

    found_members = await store.members_by_member_ids([row["member_id"] for row in member_rows.values()])
    for row in member_rows.values():
        _assert_same(found_members[row["member_id"]], row, MEMBER_FIELDS)

    found_messages = await store.messages_by_pks([row["id"] for row in message_rows])
    for row in message_rows:
        message = found_messages[row["id"]]
        _assert_same(message, row, MESSAGE_FIELDS)
        assert (message.kind.value, message.folder.value) == (row["kind"], row["folder"])
        assert (message.subtopic and message.subtopic.value) == row["subtopic"]

    found_providers = await store.providers_by_pks([row["id"] for row in provider_rows])
    for row in provider_rows:
        _assert_same(found_providers[row["id"]], row, PROVIDER_FIELDS)

    found_attachments = await store.attachments_by_pks([row["id"] for row in attachment_rows])
    for row in attachment_rows:
        _assert_same(found_attachments[row["id"]], row, ATTACHMENT_FIELDS)
        content = await store.attachment_content(row["id"])
        assert content == bytes(row["content"])
        assert await store.attachment_chunk(row["id"], 1, 3) == bytes(row["content"])[1:4]


@pytest.mark.parametrize("code", REGION_CODES)
async def test_lean_pages_keep_order_keyset_and_count(gateway: Gateway, code: str) -> None:
    store = gateway.runtime.regions[code].store
    claim_rows = await _typed_rows(store, claims)
    tax_ids = frozenset(row["tax_id"] for row in claim_rows)
    newest_first = sorted(claim_rows, key=lambda row: (row["received_on"], row["claim_number"]), reverse=True)
    # when the whole list is walked three at a time, over one Tax ID and over all of them
    for visible in (tax_ids, frozenset([min(tax_ids)])):
        expected = [row["claim_number"] for row in newest_first if row["tax_id"] in visible]
        walked: list[str] = []
        after = None
        while True:
            page = await store.search_claims(
                ClaimSearch(tax_ids=visible, after=after, limit=3, with_total=True)
            )
            assert page.total == len(expected)
            walked += [claim.claim_number for claim in page.items]
            if not page.has_more:
                break
            last = page.items[-1]
            after = ClaimCursor(received_on=last.received_on, claim_number=last.claim_number)
        # then every claim comes once, newest first
        assert walked == expected
    # a page past the end still knows the count
    last = newest_first[-1]
    beyond = ClaimCursor(received_on=last["received_on"], claim_number=last["claim_number"])
    past = await store.search_claims(ClaimSearch(tax_ids=tax_ids, after=beyond, with_total=True))
    assert (past.items, past.has_more, past.total) == ([], False, len(claim_rows))
    # filters: several statuses, dates
    statuses = frozenset(
        claim.status for claim in (await store.claims_by_pks([r["id"] for r in claim_rows])).values()
    )
    both = await store.search_claims(
        ClaimSearch(tax_ids=tax_ids, statuses=statuses, limit=500, with_total=True)
    )
    assert both.total == len(claim_rows)
    day = newest_first[0]["received_on"]
    on_day = await store.search_claims(
        ClaimSearch(tax_ids=tax_ids, received_from=day, received_to=day, limit=500)
    )
    assert {c.claim_number for c in on_day.items} == {
        r["claim_number"] for r in claim_rows if r["received_on"] == day
    }

    # messages newest first within their Tax IDs, and providers by name with LIKE's wildcards taken literally
    message_rows = await _typed_rows(store, messages)
    if message_rows:
        visible = frozenset(row["tax_id"] for row in message_rows)
        inbox = await store.search_messages(MessageSearch(tax_ids=visible, limit=500, with_total=True))
        assert inbox.total == len(message_rows)
        assert [m.pk for m in inbox.items] == [
            row["id"] for row in sorted(message_rows, key=lambda r: (r["sent_at"], r["id"]), reverse=True)
        ]
    provider = (await _typed_rows(store, providers))[0]
    by_name = await store.search_providers(
        ProviderSearch(tax_id=provider["tax_id"], text=provider["name"][:3])
    )
    assert provider["id"] in {p.pk for p in by_name.items}
    by_npi = await store.search_providers(ProviderSearch(tax_id=provider["tax_id"], text=provider["npi"][:4]))
    assert provider["id"] in {p.pk for p in by_npi.items}
    wildcard = await store.search_providers(
        ProviderSearch(tax_id=provider["tax_id"], text="%", with_total=True)
    )
    assert (wildcard.items, wildcard.total) == ([], 0)


async def test_message_lists_and_their_counts_are_read_from_an_index_alone(gateway: Gateway) -> None:
    """A person's in-basket and a claim's messages, within Tax IDs, come in the index's order and are
    counted from the index alone (migration 0002): a count through the table grows with every message
    one person ever sent (4.4 ms a page at 15,000)."""
    store = gateway.runtime.regions["SCAL"].store
    rows = await _typed_rows(store, messages)
    owner, claim_pk, tax_id = rows[0]["owner_user_id"], rows[0]["claim_id"], rows[0]["tax_id"]
    searches = [
        MessageSearch(tax_ids=frozenset([tax_id]), owner_user_id=owner, with_total=True),
        MessageSearch(tax_ids=frozenset([tax_id]), claim_pk=claim_pk, with_total=True),
    ]
    reads = store.reads
    if isinstance(reads, SqliteReads):
        sent: list[str] = []
        connection = reads._connection or reads._connect()
        connection.set_trace_callback(sent.append)
        try:
            for search in searches:
                await store.search_messages(search)
        finally:
            connection.set_trace_callback(None)
        listed = [sql for sql in sent if "FROM messages" in sql]
        assert len(listed) == 2
        for sql, index in zip(
            listed, ("ix_messages_owner_tax_sent", "ix_messages_claim_tax_sent"), strict=True
        ):
            plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
            # the page in the index's order (no sort), the count from the index alone
            page, count = [step for step in plan if step.startswith(("SEARCH messages", "SCAN messages"))]
            assert page.startswith(f"SEARCH messages USING INDEX {index}"), plan
            assert count.startswith(f"SEARCH messages USING COVERING INDEX {index}"), plan
            assert not any("TEMP B-TREE" in step for step in plan), plan
        return
    # PostgreSQL plans by its statistics (a table this small is best read whole, the plan would say
    # nothing): the indexes it would use on a large one are there.
    async with store.engine.connect() as connection:
        indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("messages"))
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns["ix_messages_owner_tax_sent"] == ["owner_user_id", "tax_id", "sent_at", "id"]
    assert columns["ix_messages_claim_tax_sent"] == ["claim_id", "tax_id", "sent_at", "id"]


async def test_a_store_keeps_a_bounded_number_of_compiled_statements(gateway: Gateway) -> None:
    """Statement shapes include the columns a claims list's selection reads, which clients choose: however
    many shapes they send, a store keeps a bounded number compiled, and reads go on working."""
    store = gateway.runtime.regions["SCAL"].store
    for shape in range(3000):
        store.reads.statement(("probe", shape), lambda: select(claims.c.id))
    assert len(store.reads._statements) <= 1024
    rows = await _typed_rows(store, claims)
    page = await store.search_claims(ClaimSearch(tax_ids=frozenset(row["tax_id"] for row in rows)))
    assert page.items
