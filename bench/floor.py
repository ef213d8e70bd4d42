"""The HTTP floor: the same server stack answering a precomputed body of a given size, and nothing else."""

from __future__ import annotations

from functools import cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@cache
def _body(size: int) -> bytes:
    # JSON of the requested size, so encoding and transfer cost what a GraphQL answer's would.
    filler = max(0, size - len(b'{"data":""}'))
    return b'{"data":"' + b"x" * filler + b'"}'


async def floor(request: Request) -> Response:
    size = int(request.path_params["size"])
    return Response(_body(size), media_type="application/json")


async def healthz(_request: Request) -> Response:
    return Response(b"ok")


def create_app() -> Starlette:
    return Starlette(
        routes=[Route("/floor/{size:int}", floor, methods=["GET", "POST"]), Route("/healthz", healthz)]
    )
