"""`GET /attachments/{id}`: an attachment's bytes, to someone who may see its claim."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.auth.authenticate import Authenticator
from gateway.errors import RegionUnavailable, Unauthenticated
from gateway.ids import decode_id
from gateway.loaders import Loaders, LoaderScope, RegionPk
from gateway.runtime import Runtime

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]")


def _not_found() -> Response:
    # The same answer for an id that does not exist and one the caller may not see.
    return JSONResponse({"error": "not_found"}, status_code=404)


async def download_attachment(request: Request, runtime: Runtime, authenticator: Authenticator) -> Response:
    try:
        principal = await authenticator.principal_for(request)
    except Unauthenticated:
        return JSONResponse({"error": "unauthenticated"}, status_code=401)
    parts = decode_id(request.path_params["attachment_id"])
    if parts is None or parts.type_name != "Attachment" or parts.region not in runtime.regions:
        return _not_found()
    region = parts.region
    assert region is not None
    loaders = Loaders.create(
        LoaderScope(
            principal=principal, fanout=runtime.fanout, directory=runtime.directory, metrics=runtime.metrics
        )
    )
    key = RegionPk(region, parts.pk)
    try:
        attachment = await loaders.attachment_by_id.load(key)
        if attachment is None:
            return _not_found()
        content = await runtime.fanout.call(region, lambda adapter: adapter.attachment_content(key.pk))
    except RegionUnavailable as error:
        return JSONResponse({"error": "region_unavailable", "region": error.region}, status_code=503)
    if content is None:
        return _not_found()
    filename = _SAFE_FILENAME.sub("_", attachment.filename)[:200] or "attachment"
    return Response(
        content,
        media_type=attachment.content_type,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "x-content-type-options": "nosniff",
            "cache-control": "private, no-store",
        },
    )
