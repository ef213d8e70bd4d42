"""`GET /attachments/{id}`: an attachment's bytes, streamed a chunk at a time to someone who may see its
claim; 404 for anyone else, the same as for an id that does not exist. Every download is audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gateway.auth.authenticate import Authenticator
from gateway.auth.principal import Principal
from gateway.errors import RegionUnavailable, Unauthenticated
from gateway.ids import decode_id
from gateway.loaders import Loaders, RegionPk
from gateway.observability import request_id_var
from gateway.runtime import Runtime
from regions.base.records import AttachmentRecord

# One statement per chunk: a 20 MiB file is twenty round trips, and never whole in memory.
CHUNK_BYTES = 1024 * 1024
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]")


def _not_found() -> Response:
    # The same answer for an id that does not exist and one the caller may not see.
    return JSONResponse({"error": "not_found"}, status_code=404)


async def download_attachment(request: Request, runtime: Runtime, authenticator: Authenticator) -> Response:
    try:
        principal = await authenticator.principal_for(request)
    except Unauthenticated:
        return JSONResponse({"error": "unauthenticated"}, status_code=401)
    attachment_id = request.path_params["attachment_id"]
    parts = decode_id(attachment_id)
    region = None if parts is None or parts.type_name != "Attachment" else parts.region
    if parts is None or region is None or region not in runtime.regions:
        await _audit(request, runtime, principal, "not_found", attachment_id=attachment_id[:200])
        return _not_found()
    loaders = Loaders.for_principal(principal, runtime)
    try:
        attachment = await loaders.attachment_by_id.load(RegionPk(region, parts.pk))
        first = None if attachment is None else await _chunk(runtime, attachment, 0)
    except RegionUnavailable as error:
        return JSONResponse({"error": "region_unavailable", "region": error.region}, status_code=503)
    if attachment is None or first is None:
        await _audit(request, runtime, principal, "not_found", attachment_id=attachment_id[:200])
        return _not_found()
    await _audit(
        request,
        runtime,
        principal,
        "ok",
        attachment_id=attachment_id,
        region=region,
        size_bytes=attachment.size_bytes,
    )
    filename = _SAFE_FILENAME.sub("_", attachment.filename)[:200] or "attachment"
    return StreamingResponse(
        _content(runtime, attachment, first),
        media_type=attachment.content_type,
        headers={
            "content-length": str(attachment.size_bytes),
            "content-disposition": f'attachment; filename="{filename}"',
            "x-content-type-options": "nosniff",
            "cache-control": "private, no-store",
        },
    )


async def _chunk(runtime: Runtime, attachment: AttachmentRecord, offset: int) -> bytes | None:
    return await runtime.fanout.call(
        attachment.region, lambda adapter: adapter.attachment_chunk(attachment.pk, offset, CHUNK_BYTES)
    )


async def _content(runtime: Runtime, attachment: AttachmentRecord, first: bytes) -> AsyncIterator[bytes]:
    """The first chunk (read before answering, so a failure is still a clean 404 or 503), then the rest."""
    yield first
    offset = len(first)
    while offset < attachment.size_bytes:
        chunk = await _chunk(runtime, attachment, offset)
        if not chunk:
            # The response has started: all that is left is to end it short, which the client notices.
            raise RuntimeError("attachment ended before its recorded size")
        yield chunk
        offset += len(chunk)


async def _audit(
    request: Request, runtime: Runtime, principal: Principal, outcome: str, **detail: Any
) -> None:
    await runtime.directory.append_audit(
        at=datetime.now(UTC),
        actor=principal.user_id,
        action="download_attachment",
        outcome=outcome,
        client_address=request.client.host[:64] if request.client else None,
        request_id=request_id_var.get(),
        detail=detail,
    )
