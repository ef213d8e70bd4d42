"""Server-side sessions: a directory row behind the refresh cookie, a cache entry for liveness."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.cache import Cache
from gateway.clock import SYSTEM_CLOCK, Clock
from gateway.directory.tables import sessions

# A cookie is "{session id}.{secret}"; anything longer than this is not one of ours.
_MAX_COOKIE_LENGTH = 200
_USER_AGENT_LENGTH = 300
# A person's sessions listed at most (the newest).
_LISTED_SESSIONS = 50


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A session that is neither signed off, idled out, nor past its absolute limit."""

    id: str
    user_pk: int
    active_region: str | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionListing:
    """A session as Manage My Account › Security lists it."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just opened, and the refresh cookie value that names it (shown once, never stored)."""

    session: LiveSession
    cookie_value: str


def _cache_key(session_id: str) -> str:
    return f"session:{session_id}"


def _refresh_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def _split_cookie(cookie_value: str) -> tuple[str, str] | None:
    if len(cookie_value) > _MAX_COOKIE_LENGTH:
        return None
    session_id, dot, secret = cookie_value.partition(".")
    if not dot or not session_id or not secret:
        return None
    return session_id, secret


class SessionStore:
    """Sessions in the directory's `sessions` table, their liveness in the shared cache."""

    # The cache entry's expiry is the idle timer: every authenticated request pushes it on
    # (one GETEX), sign-out deletes it, and with Redis every replica sees both at once.

    def __init__(
        self,
        engine: AsyncEngine,
        cache: Cache,
        *,
        idle_seconds: int,
        absolute_seconds: int,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._engine = engine
        self._cache = cache
        self._idle_seconds = idle_seconds
        self._absolute_seconds = absolute_seconds
        self._clock = clock

    async def create(
        self,
        user_pk: int,
        *,
        active_region: str | None,
        client_address: str | None,
        user_agent: str | None = None,
    ) -> NewSession:
        """Open a session for a person who just signed in."""
        now = self._clock.now()
        session = LiveSession(
            id=secrets.token_urlsafe(24),
            user_pk=user_pk,
            active_region=active_region,
            expires_at=now + timedelta(seconds=self._absolute_seconds),
        )
        secret = secrets.token_urlsafe(32)
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(sessions).values(
                    id=session.id,
                    user_id=user_pk,
                    refresh_hash=_refresh_hash(secret),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=session.expires_at,
                    active_region=active_region,
                    client_address=client_address[:64] if client_address else None,
                    user_agent=user_agent[:_USER_AGENT_LENGTH] if user_agent else None,
                )
            )
        await self._store_live(session, now)
        return NewSession(session=session, cookie_value=f"{session.id}.{secret}")

    async def touch(self, session_id: str, *, reading: str) -> tuple[LiveSession | None, bytes | None]:
        """The session if it is live, its idle expiry pushed on (a request is activity); and the cache's
        value under the key `reading`, read in the same round trip."""
        raw, value = await self._cache.get_and_touch_with(_cache_key(session_id), self._idle_seconds, reading)
        return await self._live_from(session_id, raw), value

    async def peek(self, session_id: str, *, reading: str) -> tuple[LiveSession | None, bytes | None]:
        """As `touch`, without pushing the idle expiry on: for watching a session, which is no activity."""
        raw, value = await self._cache.get_with(_cache_key(session_id), reading)
        return await self._live_from(session_id, raw), value

    async def refresh(self, cookie_value: str) -> LiveSession | None:
        """The session the refresh cookie names, if the cookie is genuine and the session live; touched."""
        row = await self._row_for_cookie(cookie_value)
        now = self._clock.now()
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
            return None
        session_id: str = row["id"]
        raw = await self._cache.get_and_touch(_cache_key(session_id), self._ttl(row["expires_at"], now))
        live = await self._live_from(session_id, raw)
        if live is None:
            return None
        async with self._engine.begin() as connection:
            await connection.execute(
                update(sessions).where(sessions.c.id == session_id).values(last_seen_at=now)
            )
        return live

    async def session_for_cookie(self, cookie_value: str) -> tuple[str, int] | None:
        """The (session id, user pk) a genuine refresh cookie names, live or not."""
        row = await self._row_for_cookie(cookie_value)
        return None if row is None else (row["id"], row["user_id"])

    async def revoke(self, session_id: str) -> bool:
        """Sign a session off, at once and everywhere; True if it was not signed off already."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(sessions)
                .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=self._clock.now())
            )
        # The row first, then the cache entry: a concurrent refresh sees the revocation or finds no entry.
        await self._cache.delete(_cache_key(session_id))
        return result.rowcount > 0

    async def listing(self, user_pk: int) -> list[SessionListing]:
        """A person's sessions that may still be in use: not signed off, within the absolute limit, and seen
        within the idle timeout (the web app refreshes its token more often than that while in use)."""
        now = datetime.now(UTC)
        statement = (
            select(sessions.c.id, sessions.c.created_at, sessions.c.last_seen_at, sessions.c.user_agent)
            .where(
                sessions.c.user_id == user_pk,
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
                sessions.c.last_seen_at > now - timedelta(seconds=self._idle_seconds),
            )
            .order_by(sessions.c.created_at.desc())
            .limit(_LISTED_SESSIONS)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            SessionListing(id=row[0], created_at=row[1], last_seen_at=row[2], user_agent=row[3])
            for row in rows
        ]

    async def owner(self, session_id: str) -> int | None:
        """The user pk of a session (any state), or None."""
        if len(session_id) > 64:
            return None
        async with self._engine.connect() as connection:
            statement = select(sessions.c.user_id).where(sessions.c.id == session_id)
            found: int | None = (await connection.execute(statement)).scalar_one_or_none()
            return found

    async def revoke_all_for_user(self, user_pk: int, *, except_session_id: str | None = None) -> int:
        """Sign off every session of a person (e.g. after a password change), but the one named; how many."""
        conditions = [sessions.c.user_id == user_pk, sessions.c.revoked_at.is_(None)]
        if except_session_id is not None:
            conditions.append(sessions.c.id != except_session_id)
        async with self._engine.begin() as connection:
            ids = list((await connection.execute(select(sessions.c.id).where(*conditions))).scalars())
            if ids:
                await connection.execute(
                    update(sessions)
                    .where(sessions.c.id.in_(ids), sessions.c.revoked_at.is_(None))
                    .values(revoked_at=self._clock.now())
                )
        for session_id in ids:
            await self._cache.delete(_cache_key(session_id))
        return len(ids)

    async def set_active_region(self, session_id: str, region: str | None) -> bool:
        """Record the region a person works in for this session; False if the session is not live."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(sessions)
                .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
                .values(active_region=region)
            )
        if result.rowcount == 0:
            return False
        live = await self._live_from(session_id, await self._cache.get(_cache_key(session_id)))
        if live is None:
            return False
        now = self._clock.now()
        await self._store_live(replace(live, active_region=region), now)
        # A sign-out between our read and our write would be undone by the write: look again.
        if await self._revoked(session_id):
            await self._cache.delete(_cache_key(session_id))
            return False
        return True

    # ------------------------------------------------------------------ helpers

    def _ttl(self, expires_at: datetime, now: datetime) -> float:
        return max(0.001, min(float(self._idle_seconds), (expires_at - now).total_seconds()))

    async def _store_live(self, session: LiveSession, now: datetime) -> None:
        value = orjson.dumps(
            {
                "user_pk": session.user_pk,
                "active_region": session.active_region,
                "expires_at": session.expires_at.timestamp(),
            }
        )
        await self._cache.set(_cache_key(session.id), value, self._ttl(session.expires_at, now))

    async def _live_from(self, session_id: str, raw: bytes | None) -> LiveSession | None:
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)
            session = LiveSession(
                id=session_id,
                user_pk=int(value["user_pk"]),
                active_region=value["active_region"],
                expires_at=datetime.fromtimestamp(float(value["expires_at"]), UTC),
            )
        except (ValueError, TypeError, KeyError, OverflowError):
            return None
        # Touching pushes the entry on by the idle time, which may pass the absolute limit: check it here.
        if session.expires_at <= self._clock.now():
            await self._cache.delete(_cache_key(session_id))
            return None
        return session

    async def _row_for_cookie(self, cookie_value: str) -> RowMapping | None:
        parts = _split_cookie(cookie_value)
        if parts is None:
            return None
        session_id, secret = parts
        async with self._engine.connect() as connection:
            statement = select(sessions).where(sessions.c.id == session_id)
            row = (await connection.execute(statement)).mappings().first()
        if row is None or not hmac.compare_digest(row["refresh_hash"], _refresh_hash(secret)):
            return None
        return row

    async def _revoked(self, session_id: str) -> bool:
        async with self._engine.connect() as connection:
            statement = select(sessions.c.revoked_at).where(sessions.c.id == session_id)
            return (await connection.execute(statement)).scalar_one_or_none() is not None
