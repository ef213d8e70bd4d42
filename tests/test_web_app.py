"""The provider web app as the gateway serves it (gateway/spa.py): index.html for the app's routes, its
assets, GraphiQL in development only, the security headers, a page that says how to build it when there is
no build, and the gateway's own endpoints never swallowed by the app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from gateway.settings import Settings
from gateway.spa import web_app_routes
from tests.conftest import Gateway

INDEX = """<!doctype html>
<html lang="en">
  <head>
    <title>Online Affiliate</title>
    <script type="module" crossorigin src="/assets/main-abc123.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>
"""
GRAPHIQL = "<!doctype html><html><head><title>GraphiQL</title></head><body></body></html>"
SCRIPT = "console.log('the app');\n"


def built(directory: Path) -> Path:
    """A build as `npm run build` leaves it: two pages and their hashed assets."""
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text(INDEX)
    (directory / "graphiql.html").write_text(GRAPHIQL)
    (directory / "assets" / "main-abc123.js").write_text(SCRIPT)
    return directory


async def client_for(build_dir: Path, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=web_app_routes(settings, build_dir))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://portal.test"
    ) as client:
        yield client


@pytest.fixture
async def web_app(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(built(tmp_path / "dist"), Settings(session_idle_seconds=600)):
        yield client


@pytest.mark.parametrize(
    "path", ["/", "/sign-on", "/claims", "/claims/Q2xhaW06U0NBTDox?page=2", "/account/regions"]
)
async def test_every_route_of_the_app_answers_with_its_page(web_app: httpx.AsyncClient, path: str) -> None:
    # when
    response = await web_app.get(path, headers={"accept": "text/html"})
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="root"></div>' in response.text
    assert "/assets/main-abc123.js" in response.text


async def test_the_page_tells_the_app_the_gateway_idle_timeout_without_inline_script(
    web_app: httpx.AsyncClient,
) -> None:
    response = await web_app.get("/")
    assert '<meta name="session-idle-seconds" content="600" />' in response.text
    # The only script is the bundle's, from this origin: the policy below allows nothing inline.
    assert response.text.count("<script") == 1
    assert 'src="/assets/' in response.text


async def test_the_page_is_locked_down_by_its_headers(web_app: httpx.AsyncClient) -> None:
    response = await web_app.get("/claims")
    policy = {
        directive.split(" ", 1)[0]: directive.split(" ", 1)[1]
        for directive in response.headers["content-security-policy"].split("; ")
    }
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    # A new build names new assets: the page is asked for again every time.
    assert response.headers["cache-control"] == "no-cache"


async def test_built_assets_are_served_and_kept_by_browsers(web_app: httpx.AsyncClient) -> None:
    response = await web_app.get("/assets/main-abc123.js")
    assert response.status_code == 200
    assert response.text == SCRIPT
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path",
    ["/assets/missing-000.js", "/favicon.ico", "/robots.txt", "/claims/report.pdf", "/assets/../index.html"],
)
async def test_a_missing_file_is_not_found_not_the_page(web_app: httpx.AsyncClient, path: str) -> None:
    response = await web_app.get(path)
    assert response.status_code == 404
    assert '<div id="root">' not in response.text


async def test_the_app_answers_reads_only(web_app: httpx.AsyncClient) -> None:
    assert (await web_app.head("/claims")).status_code == 200
    assert (await web_app.post("/claims")).status_code == 405


async def test_a_rebuilt_app_is_served_without_a_restart(tmp_path: Path) -> None:
    build_dir = built(tmp_path / "dist")
    async for client in client_for(build_dir, Settings()):
        assert "main-abc123.js" in (await client.get("/")).text
        index = build_dir / "index.html"
        index.write_text(INDEX.replace("main-abc123", "main-def456"))
        stat = index.stat()
        os.utime(index, (stat.st_atime, stat.st_mtime + 5))
        assert "main-def456.js" in (await client.get("/")).text


async def test_graphiql_is_served_from_the_build_in_development_only(tmp_path: Path) -> None:
    build_dir = built(tmp_path / "dist")
    async for development in client_for(build_dir, Settings(environment="development")):
        response = await development.get("/graphiql")
        assert response.status_code == 200
        assert "<title>GraphiQL</title>" in response.text
        assert "script-src 'self';" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
    async for production in client_for(build_dir, Settings(environment="production")):
        response = await production.get("/graphiql")
        assert response.status_code == 404
        assert "GraphiQL" not in response.text


async def test_without_a_build_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    async for client in client_for(tmp_path / "never-built", Settings()):
        # when
        page = await client.get("/claims")
        asset = await client.get("/assets/main-abc123.js")
        graphiql = await client.get("/graphiql")
        # then
        assert page.status_code == 503
        assert "make run" in page.text
        assert "npm run build" in page.text
        assert "Traceback" not in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert asset.status_code == 404
        assert graphiql.status_code == 503
        assert "make run" in graphiql.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/metrics", 200),
        ("GET", "/.well-known/jwks.json", 200),
        ("GET", "/auth/sign-in", 405),
        ("GET", "/auth/refresh", 405),
        ("GET", "/attachments/not-an-id", 404),
        ("GET", "/oauth/token", 405),
        ("GET", "/graphql/extra", 404),
        ("GET", "/auth", 404),
    ],
)
async def test_the_gateway_endpoints_are_never_answered_by_the_app(
    gateway: Gateway, method: str, path: str, status: int
) -> None:
    response = await gateway.client.request(method, path, headers={"accept": "text/html"})
    assert response.status_code == status
    assert '<div id="root">' not in response.text


async def test_the_gateway_serves_the_app_at_its_root(gateway: Gateway) -> None:
    # The repository's build, if it has one; otherwise the page that says how to make it. Never a 500.
    response = await gateway.client.get("/claims", headers={"accept": "text/html"})
    assert response.status_code in {200, 503}
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
