"""The provider web app (frontend/): its built assets, index.html for every client-side route, GraphiQL
in development, and the headers that keep the pages locked down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from gateway.settings import Settings

# `npm run build` in frontend/ writes here (the gateway is installed in place, beside it).
DEFAULT_BUILD_DIR = Path(__file__).resolve().parent.parent / "frontend" / "dist"

# Paths the app never answers, even for a GET of HTML: they belong to the gateway's own endpoints, and a
# mistyped API path must not come back as a page with status 200.
RESERVED_FIRST_SEGMENTS = frozenset(
    {
        "graphql",
        "auth",
        "oauth",
        "attachments",
        "metrics",
        "healthz",
        "readyz",
        ".well-known",
        "assets",
        "graphiql",
    }
)

# Scripts and styles from this origin only, never inline; no framing; the API and its WebSocket are
# same-origin ('self' covers ws: and wss: of the same host).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# GraphiQL (development only) positions its editors and tooltips with inline styles.
GRAPHIQL_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Built assets carry a hash of their content in their names: they never change under the same name.
IMMUTABLE = "public, max-age=31536000, immutable"

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Provider portal: the web app is not built</title></head>
<body>
<main>
<h1>The provider web app is not built yet</h1>
<p>The gateway is running: GraphQL answers at <a href="/graphql">/graphql</a>.
To build the web app, run <code>make run</code> (it builds the app when it is missing or stale), or:</p>
<pre>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build
.venv/bin/python -m gateway trust-documents frontend/dist/documents/*.graphql</pre>
<p>Then reload this page. The build needs Node.js 20.19 or newer.</p>
</main>
</body>
</html>
"""


def _page_headers(content_security_policy: str) -> dict[str, str]:
    return {
        **SECURITY_HEADERS,
        "Content-Security-Policy": content_security_policy,
        # The page names the current build's assets: always ask again, so a new build is picked up at once.
        "Cache-Control": "no-cache",
    }


@dataclass(slots=True)
class _CachedPage:
    """A built HTML page, read again when the build changes it."""

    path: Path
    session_idle_seconds: int
    modified: float = -1.0
    body: str = ""

    def read(self) -> str | None:
        try:
            modified = self.path.stat().st_mtime
        except OSError:
            return None
        if modified != self.modified:
            text = self.path.read_text(encoding="utf-8")
            # The idle prompt ("Want to stay signed on?") must know the gateway's idle timeout; a meta tag
            # keeps the page free of inline script.
            meta = f'<meta name="session-idle-seconds" content="{self.session_idle_seconds}" />'
            self.body = text.replace("</head>", f"    {meta}\n  </head>", 1)
            self.modified = modified
        return self.body


class _AppRoute(Route):
    """Every client-side route of the app (`/`, `/claims/…`): any GET that is neither reserved nor a file."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            segments = str(scope["path"]).strip("/").split("/")
            # A name with a dot is a file (favicon.ico, robots.txt), which the app is not.
            if segments[0] in RESERVED_FIRST_SEGMENTS or "." in segments[-1]:
                return Match.NONE, {}
        return super().matches(scope)


class _ImmutableFiles(StaticFiles):
    """The hashed build assets, with the headers that let browsers keep them."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.config_checked:
            try:
                await self.check_config()
            except RuntimeError:
                # No build yet: a missing asset, not a misconfigured server (and checked again next time).
                await PlainTextResponse("Not found.", status_code=404)(scope, receive, send)
                return
            self.config_checked = True

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if message.get("status") == 200:
                    headers.append((b"cache-control", IMMUTABLE.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


class WebApp:
    """Serves one build of the app; answers with how to build it while there is none."""

    def __init__(self, build_dir: Path, settings: Settings) -> None:
        self.build_dir = build_dir
        self.development = not settings.production
        self._index = _CachedPage(build_dir / "index.html", settings.session_idle_seconds)
        self._graphiql = _CachedPage(build_dir / "graphiql.html", settings.session_idle_seconds)

    async def page(self, request: Request) -> Response:
        body = await anyio.to_thread.run_sync(self._index.read)
        if body is None:
            headers = _page_headers(CONTENT_SECURITY_POLICY)
            return HTMLResponse(NOT_BUILT_PAGE, status_code=503, headers=headers)
        return HTMLResponse(body, headers=_page_headers(CONTENT_SECURITY_POLICY))

    async def graphiql(self, request: Request) -> Response:
        body = await anyio.to_thread.run_sync(self._graphiql.read)
        if body is None:
            missing = "GraphiQL is part of the web app's build, which is missing: run `make run`."
            return PlainTextResponse(missing, status_code=503)
        return HTMLResponse(body, headers=_page_headers(GRAPHIQL_CONTENT_SECURITY_POLICY))

    def routes(self) -> list[BaseRoute]:
        """To mount after every other route: the app answers only what nothing else does."""
        routes: list[BaseRoute] = [
            Mount("/assets", app=_ImmutableFiles(directory=self.build_dir / "assets", check_dir=False)),
        ]
        if self.development:
            routes.append(Route("/graphiql", self.graphiql, methods=["GET", "HEAD"]))
        routes.append(_AppRoute("/{path:path}", self.page, methods=["GET", "HEAD"]))
        return routes


def web_app_routes(settings: Settings, build_dir: Path = DEFAULT_BUILD_DIR) -> list[BaseRoute]:
    """The routes of the provider web app, served from `build_dir`."""
    return WebApp(build_dir, settings).routes()
