"""Who is asking: sign-in, refresh, sign-out, and the Principal of every request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx
from joserfc import jws
from joserfc.errors import JoseError
from starlette.requests import HTTPConnection

from gateway import access
from gateway.auth.keys import load_signing_key, public_jwks
from gateway.auth.mfa import Challenge, MfaChallenges, SecondFactor
from gateway.auth.oidc import OidcVerifier
from gateway.auth.partners import PartnerClaims, PartnerTokens, is_partner_token, partner_principal
from gateway.auth.passwords import hash_password, needs_rehash, verify_password
from gateway.auth.principal import ANONYMOUS, Grant, Principal, PrincipalKind
from gateway.auth.principals import KeptPrincipals
from gateway.auth.sessions import SessionStore
from gateway.auth.throttle import Attempt, Throttle, canonical_user_id
from gateway.auth.tokens import AccessClaims, AccessTokens, InvalidTokenError, IssuedToken
from gateway.directory.generation import GENERATION_KEY, directory_changed
from gateway.directory.records import UserKind, UserRecord
from gateway.errors import RateLimited, Unauthenticated
from gateway.observability import request_id_var
from gateway.partners.store import PartnerStore
from gateway.runtime import Runtime
from gateway.settings import Settings

# Argon2id verifies use tens of MiB each: a burst of sign-ins must not exhaust memory.
_CONCURRENT_PASSWORD_CHECKS = 4
# Verified tokens remembered at most; past that the memory starts over (it only saves signature checks).
_VERIFIED_TOKENS = 10_000
# Principals kept between requests (gateway/auth/principals.py): how many, and how long at most. The
# directory generation makes a change through the gateway seen at once; the age bounds how long one made
# behind its back goes unseen.
_KEPT_PRINCIPALS = 10_000
_KEPT_PRINCIPAL_SECONDS = 30.0
# Lengths of the audit columns `actor` and `client_address`.
_ACTOR_LENGTH = 100
_ADDRESS_LENGTH = 64


class SignInOutcome(Enum):
    OK = "ok"
    INVALID_CREDENTIALS = "invalid_credentials"
    RATE_LIMITED = "rate_limited"
    # The password was right; a second factor is asked for (`challenge`).
    MFA_REQUIRED = "mfa_required"
    INVALID_CODE = "invalid_code"


@dataclass(frozen=True, slots=True)
class SignInResult:
    """The answer to one sign-in: on success, an access token and the refresh cookie's value; when
    throttled, the seconds until another attempt would be counted."""

    outcome: SignInOutcome
    access: IssuedToken | None = None
    refresh_cookie: str | None = None
    retry_after_seconds: int = 0
    challenge: Challenge | None = None
    # The person must enrol a second factor (MFA_REQUIRED) before anything but Manage My Account.
    mfa_enrollment_required: bool = False


class Authenticator:
    """The seam between HTTP and the gateway's notion of who is asking.

    One instance lives for the whole process, built from the `Runtime` and started once
    (`await start()`: loads or creates the signing key, builds the OpenID Connect verifier
    when `AUTH_ISSUER` and `AUTH_JWKS_URL` are set) and closed once (`await close()`).

    * `principal_for(connection)` answers every HTTP or WebSocket request: no
      `Authorization` header is `ANONYMOUS`; a valid gateway token of a live session, or a
      valid token of the external provider, is a person; anything else raises
      `Unauthenticated`. The session check is one cache round trip that also counts as
      activity against the idle timeout, and reads the directory generation along with it: the
      person's grants are kept in memory at the generation they were read at, and read again
      from the directory once any write that changes a principal has started a new one, so a
      removed association or a disabled user takes effect at the next request, on every replica
      (`KeptPrincipals`). A partner's client-credentials token (gateway/auth/partners.py) is a
      partner, its client, scopes and bindings read from the directory on every request.
    * `principal_from_token(token)` does the same for a token that arrives some other way
      (a WebSocket `connection_init` payload).
    * `sign_in`, `refresh` and `sign_out` are the flows behind `/auth/*` (`routes.py`);
      `sessions` is exposed for flows that end sessions (password change) or change them
      (region switch).

    Passing `oidc_client` replaces the HTTP client that fetches the provider's JWKS (tests
    give an `httpx.AsyncClient` over `httpx.MockTransport`); the caller then closes it.
    """

    def __init__(self, runtime: Runtime, *, oidc_client: httpx.AsyncClient | None = None) -> None:
        self._runtime = runtime
        self._settings = runtime.settings
        self._directory = runtime.directory
        self._clock = runtime.clock
        self.sessions = SessionStore(
            runtime.directory.engine,
            runtime.cache,
            idle_seconds=self._settings.session_idle_seconds,
            absolute_seconds=self._settings.session_absolute_seconds,
            clock=runtime.clock,
        )
        # Sign-in and the routes that check a secret count their attempts here (gateway/auth/throttle.py).
        self.throttle = Throttle(runtime.cache, self._settings)
        self.second_factor = SecondFactor(runtime.directory.engine, runtime.cache)
        self._challenges = MfaChallenges(runtime.cache)
        self._oidc_client = oidc_client
        self._owns_oidc_client = oidc_client is None
        self._oidc: OidcVerifier | None = None
        self._tokens: AccessTokens | None = None
        self._partner_tokens: PartnerTokens | None = None
        self._partners = PartnerStore(runtime.directory.engine)
        self._cache = runtime.cache
        self._principals = KeptPrincipals(
            size=_KEPT_PRINCIPALS, max_age_seconds=_KEPT_PRINCIPAL_SECONDS, clock=runtime.clock.monotonic
        )
        self._jwks: dict[str, Any] = {"keys": []}
        self._password_checks = asyncio.Semaphore(_CONCURRENT_PASSWORD_CHECKS)
        # Tokens whose signature was checked, with their claims (verification is per request cost).
        self._verified_tokens: dict[str, AccessClaims | PartnerClaims] = {}

    async def start(self) -> None:
        """Load (or create) the signing key; set up the external provider's verifier if configured."""
        settings = self._settings
        key = await asyncio.to_thread(load_signing_key, settings.signing_key_path)
        self._tokens = AccessTokens(
            key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
            clock=self._clock,
        )
        self._partner_tokens = PartnerTokens(
            key,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            ttl_seconds=settings.partner_token_ttl_seconds,
            clock=self._clock,
        )
        self._jwks = public_jwks(key)
        if settings.auth_issuer and settings.auth_jwks_url:
            if self._oidc_client is None:
                self._oidc_client = httpx.AsyncClient(timeout=5.0)
            self._oidc = OidcVerifier(
                issuer=settings.auth_issuer,
                jwks_url=settings.auth_jwks_url,
                audience=settings.auth_audience,
                client=self._oidc_client,
            )

    async def close(self) -> None:
        if self._owns_oidc_client and self._oidc_client is not None:
            await self._oidc_client.aclose()
            self._oidc_client = None

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def tokens(self) -> AccessTokens:
        if self._tokens is None:
            raise RuntimeError("Authenticator.start() has not been awaited")
        return self._tokens

    @property
    def partner_tokens(self) -> PartnerTokens:
        """Client-credentials tokens of partner systems (gateway/oauth.py issues them)."""
        if self._partner_tokens is None:
            raise RuntimeError("Authenticator.start() has not been awaited")
        return self._partner_tokens

    @property
    def jwks(self) -> dict[str, Any]:
        """The public keys that verify the gateway's tokens."""
        return self._jwks

    # ------------------------------------------------------------- per request

    async def principal_for(self, connection: HTTPConnection) -> Principal:
        """Who sent this request; `Unauthenticated` for a credential that does not hold."""
        header = connection.headers.get("authorization")
        if header is None:
            return ANONYMOUS
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated()
        return await self.principal_from_token(token)

    async def principal_from_token(self, token: str) -> Principal:
        """The person a bearer token stands for; `Unauthenticated` if it does not hold."""
        try:
            claims = self._verified(token)
            if claims is None:
                identity = await self._oidc_verifier().verify(token)
                credentials = await self._directory.credentials(identity.user_id)
                if credentials is None:
                    raise Unauthenticated()
                generation = await self._cache.get(GENERATION_KEY)
                return await self._kept_person(credentials.user_pk, None, None, generation)
        except InvalidTokenError:
            raise Unauthenticated() from None
        if isinstance(claims, PartnerClaims):
            # A partner system (docs/partners.md), read on every request, not kept: clients are changed by
            # the operators' commands, which need not share this process's cache, and a rotated secret or a
            # disabled client must end its tokens at once. A partner call writes an audit event anyway.
            return await partner_principal(self._partners, claims)
        session, generation = await self.sessions.touch(claims.session_id, reading=GENERATION_KEY)
        if session is None or session.user_pk != claims.user_pk:
            raise Unauthenticated()
        return await self._kept_person(claims.user_pk, session.id, session.active_region, generation)

    async def reload(self, principal: Principal, *, activity: bool = True) -> Principal | None:
        """The same person as now: session still live, account active, grants as the directory has them now
        (e.g. before an operation on a WebSocket, or a subscription's delivery); None once any of that no
        longer holds. `activity`: whether this counts against the idle timeout as a request does (an
        operation the person started) or not (the server watching, or delivering news)."""
        if principal.user_pk is None or principal.is_partner:
            return None
        active_region = principal.active_region
        if principal.session_id is not None:
            look = self.sessions.touch if activity else self.sessions.peek
            session, generation = await look(principal.session_id, reading=GENERATION_KEY)
            if session is None or session.user_pk != principal.user_pk:
                return None
            active_region = session.active_region
        else:
            generation = await self._cache.get(GENERATION_KEY)
        try:
            return await self._kept_person(principal.user_pk, principal.session_id, active_region, generation)
        except Unauthenticated:
            return None

    async def _kept_person(
        self, user_pk: int, session_id: str | None, active_region: str | None, generation: bytes | None
    ) -> Principal:
        """`_person`, kept at the directory generation read before it. A cache without a generation
        (never written, or lost with Redis) is given a new one, since principals kept at any earlier one
        must not answer."""
        return await self._principals.kept(
            (user_pk, session_id, active_region),
            generation if generation is not None else await directory_changed(self._cache),
            lambda: self._person(user_pk, session_id=session_id, active_region=active_region),
        )

    def _verified(self, token: str) -> AccessClaims | PartnerClaims | None:
        """The claims of a person's or a partner's token of this gateway, its signature checked once per
        token string (the signature covers all of it, so the same string verifies alike until it expires;
        the session and the directory generation are still checked on every request, so signing out or
        losing access takes effect at once). None: a token of the external provider, for it to verify."""
        known = self._verified_tokens.get(token)
        if known is not None and self._clock.now() < known.expires_at:
            return known
        if self._oidc is not None and not self._signed_by_us(token):
            return None
        claims = self.partner_tokens.verify(token) if is_partner_token(token) else self.tokens.verify(token)
        if len(self._verified_tokens) >= _VERIFIED_TOKENS:
            self._verified_tokens.clear()
        self._verified_tokens[token] = claims
        return claims

    def _oidc_verifier(self) -> OidcVerifier:
        if self._oidc is None:
            raise RuntimeError("no external provider is configured")
        return self._oidc

    def _signed_by_us(self, token: str) -> bool:
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid")
        except (JoseError, ValueError):
            return True  # not a JWS at all: let our own verification refuse it
        return kid is not None and kid == self.tokens.kid

    async def _person(self, user_pk: int, *, session_id: str | None, active_region: str | None) -> Principal:
        # Two statements, side by side; requests that find the principal kept (`_kept_person`) need neither.
        found_users, found_associations = await asyncio.gather(
            self._directory.users_by_pks([user_pk]), self._directory.associations_by_user_pks([user_pk])
        )
        user = found_users.get(user_pk)
        if user is None or not access.may_sign_in(user.status):
            raise Unauthenticated()
        associations = found_associations.get(user_pk, [])
        attested: list[int] = []
        if user.kind is UserKind.THIRD_PARTY_ADMINISTRATOR and user.employer_entity_pk is not None:
            employer_pk = user.employer_entity_pk
            attested = (await self._directory.attesting_entity_pks([employer_pk])).get(employer_pk, [])
        grants = access.person_grants(associations, kind=user.kind, attested_group_pks=attested)
        mfa_due = access.must_enrol_mfa(
            self._settings.mfa_required, mfa_enabled=user.mfa_enabled, associations=associations
        )
        employer_tax_id = None
        if user.employer_entity_pk is not None:
            employer = (await self._directory.entities_by_pks([user.employer_entity_pk])).get(
                user.employer_entity_pk
            )
            employer_tax_id = None if employer is None else employer.tax_id
        return Principal(
            kind=PrincipalKind.PERSON,
            user_pk=user.pk,
            user_id=user.user_id,
            user_kind=user.kind,
            session_id=session_id,
            active_region=active_region if session_id is not None else _default_region(user, grants),
            represents_region=access.represented_region(user),
            reviews_region=access.reviewed_region(user),
            grants=grants,
            related_tax_ids=access.related_tax_ids(associations, employer_tax_id),
            account_only=access.account_only(user.status, mfa_enrolment_due=mfa_due),
            mfa_enrolment_due=mfa_due,
        )

    # ----------------------------------------------------------------- sign-in

    async def sign_in(
        self, user_id: str, password: str, *, client_address: str | None, user_agent: str | None = None
    ) -> SignInResult:
        """Check a user id and password; open a session on success. Never says which part was wrong, nor
        whether the user id exists: the throttle counts it the same either way, and nothing is locked."""
        try:
            await self.throttle.admit(
                Attempt.SIGN_IN, address=client_address, account=canonical_user_id(user_id)
            )
        except RateLimited as refused:
            await self._audit("sign_in", SignInOutcome.RATE_LIMITED.value, user_id, client_address)
            return SignInResult(SignInOutcome.RATE_LIMITED, retry_after_seconds=refused.retry_after_seconds)
        credentials = await self._directory.credentials(user_id)
        if credentials is None:
            # Spend a verify's time, so an unknown user id answers as slowly as a wrong password.
            await self._password_matches(None, password)
            return await self._refuse(
                SignInOutcome.INVALID_CREDENTIALS, user_id, client_address, "unknown_user"
            )
        matches = await self._password_matches(credentials.password_hash, password)
        if not matches or not access.may_sign_in(credentials.status):
            reason = "wrong_password" if not matches else f"user_{credentials.status.value.lower()}"
            return await self._refuse(SignInOutcome.INVALID_CREDENTIALS, user_id, client_address, reason)
        if needs_rehash(credentials.password_hash):
            rehashed = await asyncio.to_thread(hash_password, password)
            await self._directory.set_password_hash(credentials.user_pk, rehashed)
        if credentials.totp_secret is not None:
            challenge = await self._challenges.issue(credentials.user_pk, user_id)
            await self._audit("sign_in", SignInOutcome.MFA_REQUIRED.value, user_id, client_address)
            return SignInResult(outcome=SignInOutcome.MFA_REQUIRED, challenge=challenge)
        return await self._open_session(credentials.user_pk, user_id, client_address, user_agent)

    async def sign_in_mfa(
        self, token: str, code: str, *, client_address: str | None, user_agent: str | None = None
    ) -> SignInResult:
        """The second step: a live challenge and a TOTP code or an unused recovery code open the session.
        Codes are throttled like passwords (per address and per account), besides each challenge's tries."""
        holder = await self._challenges.holder(token)
        if holder is None:
            return await self._refuse(SignInOutcome.INVALID_CODE, None, client_address, "no_challenge")
        user_pk, typed_user_id = holder
        try:
            await self.throttle.admit(
                Attempt.SIGN_IN_MFA, address=client_address, account=canonical_user_id(typed_user_id)
            )
        except RateLimited as refused:
            await self._audit("sign_in", SignInOutcome.RATE_LIMITED.value, typed_user_id, client_address)
            return SignInResult(SignInOutcome.RATE_LIMITED, retry_after_seconds=refused.retry_after_seconds)
        credentials = await self._directory.credentials(typed_user_id)
        if credentials is None or credentials.user_pk != user_pk:
            return await self._refuse(SignInOutcome.INVALID_CODE, typed_user_id, client_address, "no_user")
        if not await self.second_factor.verify(user_pk, credentials.totp_secret, code):
            return await self._refuse(SignInOutcome.INVALID_CODE, typed_user_id, client_address, "wrong_code")
        if not await self._challenges.spend(token):
            refused_code = SignInOutcome.INVALID_CODE
            return await self._refuse(refused_code, typed_user_id, client_address, "challenge_spent")
        return await self._open_session(user_pk, typed_user_id, client_address, user_agent)

    async def _open_session(
        self, user_pk: int, typed_user_id: str, client_address: str | None, user_agent: str | None
    ) -> SignInResult:
        try:
            person = await self._person(user_pk, session_id=None, active_region=None)
        except Unauthenticated:
            # Disabled between the password check and now.
            return await self._refuse(
                SignInOutcome.INVALID_CREDENTIALS, typed_user_id, client_address, "user_not_active"
            )
        opened = await self.sessions.create(
            user_pk, active_region=person.active_region, client_address=client_address, user_agent=user_agent
        )
        issued = self.tokens.issue(
            user_pk=user_pk,
            user_id=person.user_id or typed_user_id,
            session_id=opened.session.id,
            session_expires_at=opened.session.expires_at,
            now=self._clock.now(),
        )
        await self._audit(
            "sign_in", SignInOutcome.OK.value, typed_user_id, client_address, session_id=opened.session.id
        )
        return SignInResult(
            outcome=SignInOutcome.OK,
            access=issued,
            refresh_cookie=opened.cookie_value,
            mfa_enrollment_required=person.mfa_enrolment_due,
        )

    async def _refuse(
        self,
        outcome: SignInOutcome,
        typed_user_id: str | None,
        client_address: str | None,
        reason: str,
        **detail: Any,
    ) -> SignInResult:
        await self._audit("sign_in", outcome.value, typed_user_id, client_address, reason=reason, **detail)
        return SignInResult(outcome=outcome)

    async def _password_matches(self, password_hash: str | None, password: str) -> bool:
        async with self._password_checks:
            # Argon2 is CPU-bound: off the event loop, so other requests keep being served.
            return await asyncio.to_thread(verify_password, password_hash, password)

    # ------------------------------------------------------ refresh, sign-out

    async def refresh(self, refresh_cookie: str) -> IssuedToken | None:
        """A new access token for the session the cookie names, or None once that session is over."""
        session = await self.sessions.refresh(refresh_cookie)
        if session is None:
            return None
        user = (await self._directory.users_by_pks([session.user_pk])).get(session.user_pk)
        if user is None or not access.may_sign_in(user.status):
            await self.sessions.revoke(session.id)
            return None
        return self.tokens.issue(
            user_pk=user.pk,
            user_id=user.user_id,
            session_id=session.id,
            session_expires_at=session.expires_at,
            now=self._clock.now(),
        )

    async def sign_out(
        self, *, refresh_cookie: str | None, bearer_token: str | None, client_address: str | None
    ) -> None:
        """End the session named by the cookie and/or the gateway token; nothing if neither names one."""
        ended: dict[str, int] = {}
        if refresh_cookie:
            found = await self.sessions.session_for_cookie(refresh_cookie)
            if found is not None:
                ended[found[0]] = found[1]
        if bearer_token and self._tokens is not None:
            try:
                claims = self._tokens.verify(bearer_token)
            except InvalidTokenError:
                pass
            else:
                ended[claims.session_id] = claims.user_pk
        for session_id, user_pk in ended.items():
            if await self.sessions.revoke(session_id):
                user = (await self._directory.users_by_pks([user_pk])).get(user_pk)
                actor = user.user_id if user is not None else None
                await self._audit("sign_out", "ok", actor, client_address, session_id=session_id)

    async def _audit(
        self, action: str, outcome: str, actor: str | None, client_address: str | None, **detail: Any
    ) -> None:
        await self._directory.append_audit(
            at=self._clock.now(),
            actor=actor[:_ACTOR_LENGTH] if actor is not None else None,
            action=action,
            outcome=outcome,
            client_address=client_address[:_ADDRESS_LENGTH] if client_address else None,
            request_id=request_id_var.get(),
            detail=detail,
        )


def _default_region(user: UserRecord, grants: frozenset[Grant]) -> str | None:
    """The region a person starts in: the one they represent, or the only one they have access in."""
    if user.represents_region is not None:
        return user.represents_region
    regions = {grant.region for grant in grants}
    return regions.pop() if len(regions) == 1 else None
