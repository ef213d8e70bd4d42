"""WebSocket connections from origins not in ALLOWED_ORIGINS are refused (cross-site WebSocket hijacking)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from gateway.app import create_app
from tests.conftest import settings_for
from tests.live import live_server
from tests.services import sqlite_urls


async def test_a_foreign_origin_is_refused_and_a_listed_one_accepted(tmp_path: Path) -> None:
    settings = settings_for(sqlite_urls(tmp_path), tmp_path, allowed_origins=("https://portal.example",))
    async with live_server(create_app(settings)) as url:
        endpoint = url.replace("http", "ws") + "/graphql"
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(
                endpoint,
                subprotocols=["graphql-transport-ws"],
                origin="https://evil.example",  # type: ignore[arg-type]
            ):
                pass
        assert refused.value.response.status_code == 403
        async with websockets.connect(
            endpoint,
            subprotocols=["graphql-transport-ws"],
            origin="https://portal.example",  # type: ignore[arg-type]
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
