"""One frozen settings object, read from the environment (docs/http.md, "Running")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.limits import QueryLimits
from gateway.persisted import TrustMode
from regions.base.registry import REGION_CODES

_DEFAULT_LIMITS = QueryLimits()
# Room for ten files of 20 MiB (the Online Provider Messaging guide) and the operations of the request.
_UPLOAD_REQUEST_MAX_BYTES = 10 * 20 * 1024 * 1024 + 1024 * 1024
_DEFAULT_EXECUTOR = "compiled"
DEFAULT_MAIL_FROM = "Online Affiliate <no-reply@online-affiliate.example>"


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
    # Sign-in and sessions (docs/http.md): short-lived access tokens, server-side sessions.
    access_token_ttl_seconds: int = 300
    session_idle_seconds: int = 15 * 60
    session_absolute_seconds: int = 12 * 60 * 60
    # Throttles of guessing (gateway/auth/throttle.py): sign-in, the second factor, the current-password
    # check, password reset, user ID recovery, support cases and partner tokens, each in sliding windows.
    attempts_window_seconds: int = 5 * 60
    attempts_per_address: int = 100
    attempts_per_account_and_address: int = 10
    attempts_per_account: int = 50
    # How often an open WebSocket's session is looked at, so that it closes (4401) once the session ends.
    websocket_check_seconds: float = 5.0
    # How long an emailed password-reset code works (it works once).
    password_reset_ttl_seconds: int = 30 * 60
    cookie_secure: bool = True
    signing_key_file: Path | None = None
    # The `iss` and `aud` of the gateway's own tokens: names, not secrets.
    token_issuer: str = "provider-gateway"  # noqa: S105
    token_audience: str = "provider-gateway"  # noqa: S105
    # An external OpenID Connect provider whose tokens are accepted as well.
    auth_issuer: str | None = None
    auth_jwks_url: str | None = None
    auth_audience: str | None = None
    log_level: str = "INFO"
    # Hardening: limits, persisted and trusted documents, origins, breakers, tracing.
    limits: QueryLimits = field(default_factory=QueryLimits)
    introspection: bool | None = None  # None: on in development, off in production
    trusted_documents_file: Path | None = None
    trusted_documents: TrustMode = TrustMode.OFF
    allowed_origins: tuple[str, ...] = ()
    breaker_failures: int = 5
    breaker_cooldown_seconds: float = 10.0
    otel_endpoint: str | None = None
    # Guest look-ups: sliding-window limits per client address and per looked-up member, and
    # the least time an answer takes, so that a miss answers no faster than a match.
    guest_lookups_per_address: int = 30
    guest_lookups_per_member: int = 10
    guest_window_seconds: int = 15 * 60
    guest_min_response_ms: int = 200
    # Signed-in eligibility look-ups one person (or partner client) may make a minute.
    eligibility_lookups_per_minute: int = 120
    # Take Action uploads: a multipart request larger than this is cut off with HTTP 413 while it
    # streams in.
    upload_request_max_bytes: int = _UPLOAD_REQUEST_MAX_BYTES
    # Performance: `compiled` answers queries from compiled plans (gateway/executor/), anything
    # they do not cover runs on graphql-core; `graphql-core` runs everything there.
    graphql_executor: str = _DEFAULT_EXECUTOR
    # Partner integrations: lifetime of a client-credentials token.
    partner_token_ttl_seconds: int = 600
    # The proxies (addresses, or `*`) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by
    # default, so that a forged header cannot pick the client address that rate limits count against.
    forwarded_allow_ips: tuple[str, ...] = ()
    # Email (gateway/mail/): the relay the outbox is delivered to, and the sender's address. Without a relay,
    # development logs each email and production keeps them in the outbox.
    smtp_url: str | None = None
    mail_from: str = DEFAULT_MAIL_FROM
    # False: this process does not deliver the outbox (another process or replica does).
    mail_delivery: bool = True
    # Multi-factor sign-in: who must enrol a TOTP authenticator (none, clinical: anyone holding a CLINICAL
    # association, all).
    mfa_required: str = "none"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def introspection_enabled(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @property
    def trusted_documents_path(self) -> Path:
        return self.trusted_documents_file or self.data_dir / "trusted-documents.json"

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
            attempts_window_seconds=max(1, _int(env, "ATTEMPTS_WINDOW_SECONDS", 5 * 60)),
            attempts_per_address=_int(env, "ATTEMPTS_PER_ADDRESS", 100),
            attempts_per_account_and_address=_int(env, "ATTEMPTS_PER_ACCOUNT_AND_ADDRESS", 10),
            attempts_per_account=_int(env, "ATTEMPTS_PER_ACCOUNT", 50),
            websocket_check_seconds=max(1, _int(env, "WEBSOCKET_CHECK_MS", 5000)) / 1000,
            password_reset_ttl_seconds=_int(env, "PASSWORD_RESET_TTL_SECONDS", 30 * 60),
            cookie_secure=env.get("COOKIE_SECURE", "true").lower() != "false",
            signing_key_file=Path(env["SIGNING_KEY_FILE"]) if env.get("SIGNING_KEY_FILE") else None,
            auth_issuer=env.get("AUTH_ISSUER") or None,
            auth_jwks_url=env.get("AUTH_JWKS_URL") or None,
            auth_audience=env.get("AUTH_AUDIENCE") or None,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            limits=QueryLimits(
                max_depth=_int(env, "GRAPHQL_MAX_DEPTH", _DEFAULT_LIMITS.max_depth),
                max_aliases=_int(env, "GRAPHQL_MAX_ALIASES", _DEFAULT_LIMITS.max_aliases),
                max_tokens=_int(env, "GRAPHQL_MAX_TOKENS", _DEFAULT_LIMITS.max_tokens),
                max_root_fields=_int(env, "GRAPHQL_MAX_ROOT_FIELDS", _DEFAULT_LIMITS.max_root_fields),
                max_directives=_int(env, "GRAPHQL_MAX_DIRECTIVES", _DEFAULT_LIMITS.max_directives),
                max_cost=_int(env, "GRAPHQL_MAX_COST", _DEFAULT_LIMITS.max_cost),
                max_batch_operations=_int(env, "GRAPHQL_MAX_BATCH", _DEFAULT_LIMITS.max_batch_operations),
                max_document_bytes=_int(
                    env, "GRAPHQL_MAX_DOCUMENT_BYTES", _DEFAULT_LIMITS.max_document_bytes
                ),
                max_overlaps=_int(env, "GRAPHQL_MAX_OVERLAPS", _DEFAULT_LIMITS.max_overlaps),
                max_variables_bytes=_int(
                    env, "GRAPHQL_MAX_VARIABLES_BYTES", _DEFAULT_LIMITS.max_variables_bytes
                ),
            ),
            introspection=_flag(env, "GRAPHQL_INTROSPECTION"),
            trusted_documents_file=Path(env["TRUSTED_DOCUMENTS_FILE"])
            if env.get("TRUSTED_DOCUMENTS_FILE")
            else None,
            trusted_documents=_trust_mode(env),
            allowed_origins=tuple(o.strip() for o in env.get("ALLOWED_ORIGINS", "").split(",") if o.strip()),
            breaker_failures=_int(env, "REGION_BREAKER_FAILURES", 5),
            breaker_cooldown_seconds=_int(env, "REGION_BREAKER_COOLDOWN_MS", 10_000) / 1000,
            otel_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
            guest_lookups_per_address=_int(env, "GUEST_LOOKUPS_PER_ADDRESS", 30),
            guest_lookups_per_member=_int(env, "GUEST_LOOKUPS_PER_MEMBER", 10),
            guest_window_seconds=max(1, _int(env, "GUEST_WINDOW_SECONDS", 15 * 60)),
            guest_min_response_ms=_int(env, "GUEST_MIN_RESPONSE_MS", 200),
            eligibility_lookups_per_minute=_int(env, "ELIGIBILITY_LOOKUPS_PER_MINUTE", 120),
            upload_request_max_bytes=_int(env, "UPLOAD_REQUEST_MAX_BYTES", _UPLOAD_REQUEST_MAX_BYTES),
            graphql_executor=_executor(env),
            partner_token_ttl_seconds=max(1, _int(env, "PARTNER_TOKEN_TTL_SECONDS", 600)),
            forwarded_allow_ips=tuple(
                address.strip()
                for address in env.get("FORWARDED_ALLOW_IPS", "").split(",")
                if address.strip()
            ),
            smtp_url=env.get("SMTP_URL") or None,
            mail_from=env.get("MAIL_FROM") or DEFAULT_MAIL_FROM,
            mail_delivery=_flag(env, "MAIL_DELIVERY") is not False,
            mfa_required=_mfa_required(env),
        )


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return None
    if raw not in {"true", "false", "1", "0"}:
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw in {"true", "1"}


def _trust_mode(env: Mapping[str, str]) -> TrustMode:
    """GRAPHQL_TRUSTED_DOCUMENTS_ONLY=true enforces; GRAPHQL_TRUSTED_DOCUMENTS=log only logs strangers."""
    if _flag(env, "GRAPHQL_TRUSTED_DOCUMENTS_ONLY"):
        return TrustMode.ENFORCE
    raw = env.get("GRAPHQL_TRUSTED_DOCUMENTS", "off").strip().lower()
    try:
        return TrustMode(raw)
    except ValueError:
        raise SettingsError(f"GRAPHQL_TRUSTED_DOCUMENTS must be off, log or enforce, not {raw!r}") from None


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


MFA_REQUIRED_CHOICES = ("none", "clinical", "all")


def _mfa_required(env: Mapping[str, str]) -> str:
    raw = env.get("MFA_REQUIRED", "none").strip().lower() or "none"
    if raw not in MFA_REQUIRED_CHOICES:
        raise SettingsError(f"MFA_REQUIRED must be none, clinical or all, not {raw!r}")
    return raw


GRAPHQL_EXECUTORS = ("compiled", "graphql-core")


def _executor(env: Mapping[str, str]) -> str:
    raw = env.get("GRAPHQL_EXECUTOR", _DEFAULT_EXECUTOR).strip().lower()
    if raw not in GRAPHQL_EXECUTORS:
        raise SettingsError(f"GRAPHQL_EXECUTOR must be compiled or graphql-core, not {raw!r}")
    return raw
