"""A real SMTP server in the test process (aiosmtpd), and the emails it received."""

from __future__ import annotations

import asyncio
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Inbox:
    """What the server received, in order; it runs on its own thread, so arrivals are handed to our loop."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._loop = asyncio.get_running_loop()
        self._arrived = asyncio.Event()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self._loop.call_soon_threadsafe(self._add, message)
        return "250 Message accepted for delivery"

    def _add(self, message: EmailMessage) -> None:
        self.messages.append(message)
        self._arrived.set()

    async def wait_for(self, count: int, seconds: float = 15.0) -> list[EmailMessage]:
        """Wait (woken by each arrival, no polling) until `count` emails are in; all of them."""
        async with asyncio.timeout(seconds):
            while len(self.messages) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content().replace("\r\n", "\n")
    return content
