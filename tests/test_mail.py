"""Email really sent: the outbox delivered over SMTP (a real server in process), at least once, retried with
backoff while the relay is down, each email marked sent and sent once even with several workers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.directory.accounts import DirectoryAccounts
from gateway.directory.tables import outbox
from gateway.mail.outbox import OutboxEmail, claim_due, next_due
from gateway.mail.relay import LogRelay, MailSettingsError, SmtpRelay, SmtpTarget
from gateway.mail.worker import Backoff, OutboxWorker, outbox_worker
from gateway.runtime import Runtime
from tests.account_steps import decide, register, registration
from tests.conftest import (
    BACKENDS,
    Gateway,
    close_stores,
    open_stores,
    redis_prefix,
    seed_stores,
    settings_for,
    start_gateway,
)
from tests.mail_inbox import Inbox, text_of

SENDER = "Online Affiliate <no-reply@affiliate.test>"
RESET = """mutation ($u: String!, $e: String!) { requestPasswordReset(input: {userId: $u, email: $e}) { accepted } }"""


class Clock:
    """The worker's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module", params=BACKENDS)
async def stores_runtime(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Runtime]:
    """Migrated, seeded stores and a runtime over them with no worker of its own (no app lifespan)."""
    urls = await open_stores(request.param, tmp_path_factory, "mail")
    await seed_stores(urls, tmp_path_factory.mktemp("seed-mail"))
    runtime = Runtime.create(
        settings_for(urls, tmp_path_factory.mktemp("mail"), redis_prefix=redis_prefix("mail"))
    )
    yield runtime
    await runtime.close()
    await close_stores(request.param, "mail", urls)


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    server = Inbox()
    server.start()
    yield server
    server.stop()


async def _write(runtime: Runtime, count: int, tag: str) -> list[int]:
    async with runtime.directory.engine.begin() as connection:
        rows = DirectoryAccounts(connection)
        return [
            await rows.add_email(
                kind="test",
                recipient=f"{tag}.{n}@clinic.example",
                subject=f"Test {tag} {n}",
                body=f"Hello {n},\n\nA line & <markup>.\nAnother line.",
                at=datetime.now(UTC),
            )
            for n in range(count)
        ]


async def _rows(runtime: Runtime, pks: list[int]) -> list[dict[str, object]]:
    async with runtime.directory.engine.connect() as connection:
        result = await connection.execute(select(outbox).where(outbox.c.id.in_(pks)).order_by(outbox.c.id))
        return [dict(row) for row in result.mappings()]


def _worker(runtime: Runtime, inbox: Inbox, clock: Clock, **options: object) -> OutboxWorker:
    relay = SmtpRelay(SmtpTarget.from_url(inbox.url), SENDER, timeout_seconds=5)
    return OutboxWorker(
        runtime.directory.engine,
        relay,
        signing_key_path=runtime.settings.signing_key_path,
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


async def test_a_dead_relay_delays_mail_and_loses_none(stores_runtime: Runtime, inbox: Inbox) -> None:
    # given the SMTP server is down when three emails are written
    runtime, clock = stores_runtime, Clock()
    worker = _worker(runtime, inbox, clock)
    inbox.stop()
    pks = await _write(runtime, 3, "down")

    # when the worker tries: nothing is sent, and each email waits for its retry
    assert await worker.deliver_due() == 0
    rows = await _rows(runtime, pks)
    assert [(r["attempts"], r["sent_at"], r["next_attempt_at"]) for r in rows] == [
        (1, None, clock.now + timedelta(seconds=30))
    ] * 3
    assert all(r["last_error"] for r in rows)
    # the worker sleeps until then, not polling meanwhile
    assert await next_due(runtime.directory.engine) == clock.now + timedelta(seconds=30)
    # not due yet: not even tried
    clock.advance(seconds=29)
    assert await worker.deliver_due() == 0
    assert [r["attempts"] for r in await _rows(runtime, pks)] == [1, 1, 1]
    # still down at the retry: the wait doubles
    clock.advance(seconds=1)
    assert await worker.deliver_due() == 0
    assert {r["next_attempt_at"] for r in await _rows(runtime, pks)} == {clock.now + timedelta(seconds=60)}

    # then the server comes back, and at the retry every email arrives, once
    inbox.start()
    clock.advance(seconds=60)
    assert await worker.deliver_due() == 3
    arrived = await inbox.wait_for(3)
    assert sorted(m["To"] for m in arrived) == [f"down.{n}@clinic.example" for n in range(3)]
    # marked sent, and not kept: the body is purged once the relay took it
    assert [(r["sent_at"], r["body"]) for r in await _rows(runtime, pks)] == [(clock.now, "")] * 3
    clock.advance(hours=2)
    assert await worker.deliver_due() == 0
    assert len(inbox.messages) == 3
    # nothing left to send: the worker waits for the next email written
    assert await next_due(runtime.directory.engine) is None


async def test_each_email_is_text_and_html_from_the_configured_sender(
    stores_runtime: Runtime, inbox: Inbox
) -> None:
    runtime, clock = stores_runtime, Clock()
    [pk] = await _write(runtime, 1, "parts")

    await _worker(runtime, inbox, clock).deliver_due()

    [message] = await inbox.wait_for(1)
    assert message["From"] == SENDER
    assert message["Subject"] == "Test parts 0"
    assert f"outbox-{pk}" in message["Message-ID"]
    assert text_of(message) == "Hello 0,\n\nA line & <markup>.\nAnother line.\n"
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    # the text's words, escaped: nothing typed becomes markup
    assert "<p>Hello 0,</p>" in html
    assert "A line &amp; &lt;markup&gt;.<br>" in html


async def test_several_workers_send_each_email_once(stores_runtime: Runtime, inbox: Inbox) -> None:
    # given 25 emails and three replicas' workers polling at once
    runtime, clock = stores_runtime, Clock()
    pks = await _write(runtime, 25, "replicas")
    workers = [_worker(runtime, inbox, clock, batch_size=4) for _ in range(3)]

    sent = await asyncio.gather(*(worker.deliver_due() for worker in workers))

    assert sum(sent) == 25
    arrived = await inbox.wait_for(25)
    assert len(arrived) == 25
    assert len({m["Message-ID"] for m in arrived}) == 25
    assert all(r["sent_at"] is not None for r in await _rows(runtime, pks))


async def test_a_worker_that_dies_mid_send_only_delays_its_emails(
    stores_runtime: Runtime, inbox: Inbox
) -> None:
    # given a worker that claimed an email and died before marking it sent
    runtime, clock = stores_runtime, Clock()
    [pk] = await _write(runtime, 1, "lease")
    claimed = await claim_due(runtime.directory.engine, now=clock.now, lease=timedelta(minutes=2), limit=50)
    assert pk in [email.pk for email in claimed]
    other = _worker(runtime, inbox, clock)

    # while its lease runs, nobody else sends it
    clock.advance(minutes=1)
    assert await other.deliver_due() == 0
    # once the lease is over, another worker does (at least once)
    clock.advance(minutes=2)
    assert await other.deliver_due() == 1
    [message] = await inbox.wait_for(1)
    assert message["To"] == "lease.0@clinic.example"


def test_backoff_doubles_up_to_its_ceiling() -> None:
    backoff = Backoff(base=timedelta(seconds=30), ceiling=timedelta(hours=1))
    assert [backoff.after(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff.after(8) == timedelta(hours=1)
    assert backoff.after(10_000) == timedelta(hours=1)


def test_smtp_url_forms() -> None:
    assert SmtpTarget.from_url("smtp://mail.internal:2525") == SmtpTarget(
        "mail.internal", 2525, use_tls=False
    )
    assert SmtpTarget.from_url("smtps://relay%40plan:p%3Ass@smtp.example.org") == SmtpTarget(
        "smtp.example.org", 465, use_tls=True, username="relay@plan", password="p:ss"
    )
    for bad in ("http://mail:25", "smtp://", "smtp://host:port"):
        with pytest.raises(MailSettingsError):
            SmtpTarget.from_url(bad)


async def test_without_a_relay_development_logs_and_production_keeps_the_outbox(
    stores_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    engine = stores_runtime.directory.engine
    key = stores_runtime.settings.signing_key_path
    assert (
        outbox_worker(engine, smtp_url=None, mail_from=SENDER, production=True, signing_key_path=key) is None
    )
    development = outbox_worker(
        engine, smtp_url=None, mail_from=SENDER, production=False, signing_key_path=key
    )
    assert development is not None

    email = OutboxEmail(
        pk=7, kind="access_complete", recipient="a@b.example", subject="Hi", body="Body", attempts=0
    )
    with caplog.at_level(logging.INFO, logger="gateway.outbox"):
        await LogRelay().deliver(email)
    [record] = [r for r in caplog.records if r.name == "gateway.outbox"]
    assert getattr(record, "fields", {})["body"] == "Body"


@pytest.fixture(scope="module", params=BACKENDS)
async def mailing_gateway(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Gateway, Inbox]]:
    """A gateway whose lifespan worker delivers to an SMTP server of the test."""
    server = Inbox()
    server.start()
    urls = await open_stores(request.param, tmp_path_factory, "mailgw")
    await seed_stores(urls, tmp_path_factory.mktemp("seed-mailgw"))
    settings = settings_for(
        urls,
        Path(tmp_path_factory.mktemp("mailgw")),
        redis_prefix=redis_prefix("mailgw"),
        smtp_url=server.url,
        mail_from=SENDER,
        mail_delivery=True,
    )
    async for running in start_gateway(settings):
        yield running, server
    server.stop()
    await close_stores(request.param, "mailgw", urls)


async def test_the_gateway_sends_what_a_mutation_writes(mailing_gateway: tuple[Gateway, Inbox]) -> None:
    gateway, server = mailing_gateway
    before = len(server.messages)

    body = await gateway.query(RESET, {"u": "omar.haddad", "e": "omar.haddad@frontrangeortho.example"})

    assert body["data"]["requestPasswordReset"]["accepted"] is True
    arrived = (await server.wait_for(before + 1))[before:]
    [message] = arrived
    assert message["To"] == "omar.haddad@frontrangeortho.example"
    assert message["Subject"] == "Reset your Online Affiliate password"
    assert "reset code" in text_of(message)


async def test_the_access_complete_email_arrives_over_smtp(mailing_gateway: tuple[Gateway, Inbox]) -> None:
    # given a person who registered and waits for a representative
    gateway, server = mailing_gateway
    registered = await register(gateway, registration("kira.bell", [("95-1000001", "SCAL")]))
    [association] = registered["user"]["associations"]

    # when the representative approves her first association
    assert (await decide(gateway, "rep.scal", association["id"], approve=True))["userErrors"] == []

    # then both emails arrive, in the portal's words, as text and HTML, with no PHI
    async with asyncio.timeout(15):
        while len(server.to("kira.bell@clinic.example")) < 2:
            await server.wait_for(len(server.messages) + 1)
    decided, complete = server.to("kira.bell@clinic.example")
    assert decided["Subject"] == "Your Online Affiliate access request was approved"
    assert complete["Subject"] == "Your Online Affiliate access has been completed"
    assert (
        "Your access has been completed: sign on to Online Affiliate with your user ID kira.bell"
        in " ".join(text_of(complete).split())
    )
    assert complete.get_body(preferencelist=("html",)) is not None
