"""Bearer tokens -> Principal. HS256 with a shared secret, or RS256/ES256 from a JWKS.

Every claim is checked: `iss`, `aud`, `exp` required; `nbf` and `iat` when present;
`sub`, `roles` and `teams` must have the right shapes. Only configured algorithms
are accepted: never `none`, never an HS token checked against a public key.
Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import httpx
from jose import jwt
from jose.exceptions import JOSEError, JWKError, JWTError

from app.permissions import CROSS_TEAM_ROLES, ROLES, allowed
from app.problems import Forbidden, Unauthenticated
from app.settings import Settings

CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class Principal:
    sub: str
    name: str | None
    roles: frozenset[str]
    teams: frozenset[str]

    @property
    def works_across_teams(self) -> bool:
        return bool(self.roles & CROSS_TEAM_ROLES)

    def can_see_team(self, team: str | None) -> bool:
        """Records about a person are visible to that person's team, or to cross-team roles."""
        return self.works_across_teams or (team is not None and team in self.teams)

    def may(self, operation: str) -> bool:
        return allowed(operation, self.roles)

    def require(self, operation: str) -> None:
        if not self.may(operation):
            raise Forbidden(f"Your roles ({', '.join(sorted(self.roles))}) may not {operation}.")

    def label(self) -> dict[str, Any]:
        return {"sub": self.sub, "name": self.name}


@dataclass
class JwksCache:
    url: str
    ttl_seconds: int
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched_at: float = 0.0
    min_refresh_seconds: float = 30.0
    transport: httpx.AsyncBaseTransport | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def key_for(self, kid: str | None) -> dict[str, Any] | None:
        now = time.monotonic()
        if not self.keys or now - self.fetched_at > self.ttl_seconds:
            await self._refresh()
        key = self._pick(kid)
        if key is None and time.monotonic() - self.fetched_at > self.min_refresh_seconds:
            await self._refresh()  # an unknown kid: the provider may have rotated keys
            key = self._pick(kid)
        return key

    def _pick(self, kid: str | None) -> dict[str, Any] | None:
        if kid is not None:
            return self.keys.get(kid)
        return next(iter(self.keys.values())) if len(self.keys) == 1 else None

    async def _refresh(self) -> None:
        async with self._lock:
            try:
                async with httpx.AsyncClient(timeout=5.0, transport=self.transport) as client:
                    response = await client.get(self.url)
                    response.raise_for_status()
                    document = response.json()
            except (httpx.HTTPError, ValueError):
                return  # keep the keys we had; a missing key answers 401
            keys = {}
            for index, key in enumerate(document.get("keys", [])):
                if isinstance(key, dict) and key.get("use", "sig") == "sig":
                    keys[str(key.get("kid", index))] = key
            self.keys = keys
            self.fetched_at = time.monotonic()


_FAMILY = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


# Verified tokens, kept until they expire: a token is checked once, not on every request.
CLAIMS_CACHE_SIZE = 4096


class Authenticator:
    def __init__(
        self, settings: Settings, *, jwks_transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        self.jwks = (
            JwksCache(settings.jwks_url, settings.jwks_cache_seconds, transport=jwks_transport)
            if settings.jwks_url
            else None
        )
        # token -> (principal, expires at): bounded LRU of verified tokens.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated("Send Authorization: Bearer <token>.")
        if len(authorization) > MAX_AUTHORIZATION_CHARS:
            # Refused before any decoding: no base64 or JSON work for an outsized token.
            raise Unauthenticated("The token is too large.")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("Send Authorization: Bearer <token>.")
        if self.secret is None and self.jwks is None:
            raise Unauthenticated("This service has no token keys configured.")
        cached = self._verified.get(token)
        if cached is not None:
            if time.time() < cached[1]:
                self._verified.move_to_end(token)
                return cached[0]
            del self._verified[token]
        principal = await self._verify(token)
        return principal

    async def _verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except (JWTError, JWKError, JOSEError):
            raise Unauthenticated("The token is malformed.") from None
        alg = header.get("alg")
        key, algorithms = await self._key_for(alg, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={
                    "require_exp": True,
                    "require_iss": True,
                    "require_aud": True,
                    "verify_exp": True,
                    "verify_nbf": True,
                    "verify_iat": True,
                    "leeway": CLOCK_SKEW_SECONDS,
                },
            )
        except (JWTError, JWKError, JOSEError) as error:
            raise Unauthenticated(_reason(error)) from None
        principal = principal_from_claims(claims)
        self._remember(token, claims, principal)
        return principal

    def _remember(self, token: str, claims: dict[str, Any], principal: Principal) -> None:
        """Keep a verified token until its `exp` (with the same leeway the check allows).
        Only a token already valid is kept (its `nbf` and `iat` have passed)."""
        now = time.time()
        exp, nbf, iat = claims.get("exp"), claims.get("nbf", 0), claims.get("iat", 0)
        if not isinstance(exp, int | float):
            return
        if not all(isinstance(t, int | float) and t <= now for t in (nbf, iat)):
            return
        self._verified[token] = (principal, float(exp) + CLOCK_SKEW_SECONDS)
        if len(self._verified) > CLAIMS_CACHE_SIZE:
            self._verified.popitem(last=False)

    async def _key_for(self, alg: Any, kid: Any) -> tuple[Any, list[str]]:
        if alg == "HS256" and self.secret is not None:
            return self.secret, ["HS256"]
        if isinstance(alg, str) and self.jwks is not None and alg in self.settings.jwks_algorithms:
            key = await self.jwks.key_for(kid if isinstance(kid, str) else None)
            if key is None:
                raise Unauthenticated("The token's signing key is unknown.")
            if key.get("kty") != _FAMILY.get(alg[:2]) or key.get("alg", alg) != alg:
                raise Unauthenticated("The token's algorithm does not match its key.")
            return key, [alg]
        raise Unauthenticated("The token's algorithm is not accepted.")


# A token over 8 KiB is refused before it is decoded ("Bearer " + 8192 characters).
MAX_TOKEN_CHARS = 8192
MAX_AUTHORIZATION_CHARS = len("Bearer ") + MAX_TOKEN_CHARS


def _reason(error: Exception) -> str:
    text = str(error).lower()
    if "expired" in text:
        return "The token has expired."
    if "audience" in text:
        return "The token is not for this service (aud)."
    if "issuer" in text:
        return "The token's issuer is not trusted (iss)."
    if "not yet valid" in text or "nbf" in text:
        return "The token is not valid yet (nbf)."
    if "signature" in text:
        return "The token's signature is not valid."
    return "The token is not valid."


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 200:
        raise Unauthenticated("The token's sub claim must be a non-empty string.")
    iat = claims.get("iat")
    if iat is not None:
        if not isinstance(iat, int | float) or iat > time.time() + CLOCK_SKEW_SECONDS:
            raise Unauthenticated("The token's iat claim is in the future.")
    name = claims.get("name")
    if name is not None and not isinstance(name, str):
        raise Unauthenticated("The token's name claim must be a string.")
    roles = claims.get("roles", [])
    teams = claims.get("teams", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("The token's roles claim must be a list of strings.")
    if not isinstance(teams, list) or not all(isinstance(t, str) and t for t in teams):
        raise Unauthenticated("The token's teams claim must be a list of strings.")
    known = frozenset(r for r in roles if r in ROLES)
    return Principal(sub=sub, name=name, roles=known, teams=frozenset(teams))


def mint_token(
    secret: str,
    *,
    sub: str,
    roles: list[str],
    teams: list[str],
    name: str | None = None,
    issuer: str = "placements-local",
    audience: str = "placements-api",
    ttl_seconds: int = 8 * 3600,
    extra: dict[str, Any] | None = None,
) -> str:
    """A development/test token signed with HS256."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "name": name or sub,
        "roles": roles,
        "teams": teams,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
    }
    claims.update(extra or {})
    return str(jwt.encode(claims, secret, algorithm="HS256"))


def require_some_role(principal: Principal) -> Principal:
    if not principal.roles:
        raise Forbidden("Your token carries no role this service knows.")
    return principal
