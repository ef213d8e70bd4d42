"""One frozen settings object, read from the environment (HTTP.md, "Running")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from regions.base.registry import REGION_CODES


class SettingsError(ValueError):
    """A configuration value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    environment: str = "development"
    directory_database_url: str = ""
    region_database_urls: Mapping[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    # Namespaces this deployment's keys, so several deployments (or test runs) can share one Redis.
    redis_prefix: str = "gw:"
    region_timeout_ms: int = 2000
    database_pool_size: int = 10
    # Sign-in and sessions (HTTP.md): short-lived access tokens, server-side sessions.
    access_token_ttl_seconds: int = 300
    session_idle_seconds: int = 15 * 60
    session_absolute_seconds: int = 12 * 60 * 60
    sign_in_lock_after: int = 10
    sign_in_lock_seconds: int = 15 * 60
    cookie_secure: bool = True
    signing_key_file: Path | None = None
    token_issuer: str = "provider-gateway"
    token_audience: str = "provider-gateway"
    # An external OpenID Connect provider whose tokens are accepted as well.
    auth_issuer: str | None = None
    auth_jwks_url: str | None = None
    auth_audience: str | None = None
    log_level: str = "INFO"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.data_dir / "signing-key.json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("DATA_DIR", "var"))
        environment = env.get("GATEWAY_ENV", "development")
        if environment not in {"development", "production"}:
            raise SettingsError(f"GATEWAY_ENV must be development or production, not {environment!r}")
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            port=_int(env, "PORT", 8000),
            data_dir=data_dir,
            environment=environment,
            directory_database_url=env.get("DIRECTORY_DATABASE_URL")
            or f"sqlite+aiosqlite:///{(data_dir / 'directory.sqlite3').as_posix()}",
            region_database_urls={
                code: env.get(f"REGION_{code}_DATABASE_URL")
                or f"sqlite+aiosqlite:///{(data_dir / f'region-{code.lower()}.sqlite3').as_posix()}"
                for code in REGION_CODES
            },
            redis_url=env.get("REDIS_URL") or None,
            redis_prefix=env.get("REDIS_PREFIX", "gw:"),
            region_timeout_ms=_int(env, "REGION_TIMEOUT_MS", 2000),
            database_pool_size=_int(env, "DATABASE_POOL_SIZE", 10),
            access_token_ttl_seconds=_int(env, "ACCESS_TOKEN_TTL_SECONDS", 300),
            session_idle_seconds=_int(env, "SESSION_IDLE_SECONDS", 15 * 60),
            session_absolute_seconds=_int(env, "SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60),
            sign_in_lock_after=_int(env, "SIGN_IN_LOCK_AFTER", 10),
            sign_in_lock_seconds=_int(env, "SIGN_IN_LOCK_SECONDS", 15 * 60),
            cookie_secure=env.get("COOKIE_SECURE", "true").lower() != "false",
            signing_key_file=Path(env["SIGNING_KEY_FILE"]) if env.get("SIGNING_KEY_FILE") else None,
            auth_issuer=env.get("AUTH_ISSUER") or None,
            auth_jwks_url=env.get("AUTH_JWKS_URL") or None,
            auth_audience=env.get("AUTH_AUDIENCE") or None,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{name} must not be negative")
    return value
