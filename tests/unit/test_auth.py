"""Token checks: every claim, every algorithm trap, JWKS keys and rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt

from app.auth import Authenticator, mint_token
from app.problems import Unauthenticated
from app.settings import Settings

SECRET = "unit-secret-0123456789abcdef"


def _claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "u1",
        "name": "U One",
        "roles": ["practitioner"],
        "teams": ["north"],
        "iss": "placements-local",
        "aud": "placements-api",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _hs(**over: Any) -> str:
    return str(jwt.encode(_claims(**over), SECRET, algorithm="HS256"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.fixture
def hs_auth() -> Authenticator:
    return Authenticator(Settings(jwt_secret=SECRET))


async def _fails(auth: Authenticator, token: str | None, fragment: str = "") -> str:
    with pytest.raises(Unauthenticated) as info:
        await auth.authenticate(None if token is None else f"Bearer {token}")
    assert info.value.status == 401
    assert info.value.headers["WWW-Authenticate"].startswith("Bearer")
    assert fragment in info.value.detail
    return info.value.detail


async def test_valid_hs256_token_gives_principal(hs_auth: Authenticator) -> None:
    principal = await hs_auth.authenticate(f"Bearer {_hs()}")
    assert principal.sub == "u1" and principal.roles == {"practitioner"}
    assert principal.teams == {"north"} and not principal.works_across_teams


async def test_missing_and_malformed_headers(hs_auth: Authenticator) -> None:
    await _fails(hs_auth, None)
    with pytest.raises(Unauthenticated):
        await hs_auth.authenticate("Basic abc")
    await _fails(hs_auth, "not.a.token")


@pytest.mark.parametrize(
    ("over", "fragment"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "someone-else"}, "aud"),
        ({"iss": "evil"}, "iss"),
        ({"nbf": int(time.time()) + 3600}, ""),
        ({"iat": int(time.time()) + 3600}, ""),
        ({"exp": None}, ""),
        ({"iss": None}, ""),
        ({"aud": None}, ""),
        ({"sub": None}, "sub"),
        ({"sub": ""}, "sub"),
        ({"roles": "admin"}, "roles"),
        ({"teams": [1, 2]}, "teams"),
        ({"name": 5}, "name"),
    ],
)
async def test_bad_claims_are_401(
    hs_auth: Authenticator, over: dict[str, Any], fragment: str
) -> None:
    await _fails(hs_auth, _hs(**over), fragment)


async def test_bad_signature_is_401(hs_auth: Authenticator) -> None:
    forged = str(jwt.encode(_claims(), "another-secret-0123456789", algorithm="HS256"))
    await _fails(hs_auth, forged, "signature")


async def test_alg_none_is_401(hs_auth: Authenticator) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = _b64(json.dumps(_claims()).encode())
    await _fails(hs_auth, f"{header}.{body}.", "algorithm")


async def test_other_hs_algorithms_are_refused(hs_auth: Authenticator) -> None:
    await _fails(hs_auth, str(jwt.encode(_claims(), SECRET, algorithm="HS512")), "algorithm")


async def test_no_keys_configured_means_every_call_is_401() -> None:
    auth = Authenticator(Settings(jwt_secret=None, jwks_url=None))
    await _fails(auth, _hs(), "no token keys")


async def test_unknown_roles_are_dropped() -> None:
    auth = Authenticator(Settings(jwt_secret=SECRET))
    principal = await auth.authenticate(f"Bearer {_hs(roles=['practitioner', 'superuser'])}")
    assert principal.roles == {"practitioner"}


# --- JWKS ---------------------------------------------------------------------------------


def _rsa() -> tuple[Any, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem_public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public = jwk.construct(pem_public, "RS256").to_dict()
    return key, public


def _pem(key: Any) -> bytes:
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class Jwks:
    """A fake identity provider's JWKS endpoint, counting fetches."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.fetches = 0

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            self.fetches += 1
            return httpx.Response(200, json={"keys": self.keys})

        return httpx.MockTransport(handler)


def _jwks_auth(jwks: Jwks, **settings: Any) -> Authenticator:
    auth = Authenticator(
        Settings(jwt_secret=None, jwks_url="https://idp.example/keys", **settings),
        jwks_transport=jwks.transport(),
    )
    assert auth.jwks is not None
    auth.jwks.min_refresh_seconds = 0
    return auth


async def test_rs256_token_from_jwks() -> None:
    key, public = _rsa()
    jwks = Jwks([{**public, "kid": "k1", "use": "sig", "alg": "RS256"}])
    auth = _jwks_auth(jwks)
    token = jwt.encode(_claims(), _pem(key), algorithm="RS256", headers={"kid": "k1"})
    assert (await auth.authenticate(f"Bearer {token}")).sub == "u1"
    # Cached: a second token needs no second fetch.
    await auth.authenticate(f"Bearer {token}")
    assert jwks.fetches == 1


async def test_es256_token_from_jwks() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem_public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public = jwk.construct(pem_public, "ES256").to_dict()
    jwks = Jwks([{**public, "kid": "e1"}])
    auth = _jwks_auth(jwks)
    token = jwt.encode(_claims(), _pem(key), algorithm="ES256", headers={"kid": "e1"})
    assert (await auth.authenticate(f"Bearer {token}")).sub == "u1"


async def test_unknown_kid_refreshes_the_jwks_once() -> None:
    old_key, old_public = _rsa()
    new_key, new_public = _rsa()
    jwks = Jwks([{**old_public, "kid": "old"}])
    auth = _jwks_auth(jwks)
    old = jwt.encode(_claims(), _pem(old_key), algorithm="RS256", headers={"kid": "old"})
    await auth.authenticate(f"Bearer {old}")
    jwks.keys = [{**old_public, "kid": "old"}, {**new_public, "kid": "new"}]  # rotation
    new = jwt.encode(_claims(), _pem(new_key), algorithm="RS256", headers={"kid": "new"})
    assert (await auth.authenticate(f"Bearer {new}")).sub == "u1"
    assert jwks.fetches == 2
    unknown = jwt.encode(_claims(), _pem(new_key), algorithm="RS256", headers={"kid": "nope"})
    await _fails(auth, unknown, "unknown")


async def test_hs256_signed_with_the_jwks_public_key_is_refused() -> None:
    """The algorithm-confusion attack: an HS256 token whose 'secret' is the public key."""
    _key, public = _rsa()
    jwks = Jwks([{**public, "kid": "k1"}])
    auth = _jwks_auth(jwks)
    pem_public = jwk.construct(public, "RS256").to_pem()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = _b64(json.dumps(_claims()).encode())
    signature = hmac.new(pem_public, f"{header}.{body}".encode(), hashlib.sha256).digest()
    await _fails(auth, f"{header}.{body}.{_b64(signature)}", "algorithm")


async def test_rs_token_against_ec_key_is_refused() -> None:
    key, public = _rsa()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_public = jwk.construct(
        ec_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "ES256",
    ).to_dict()
    jwks = Jwks([{**ec_public, "kid": "k1"}])
    auth = _jwks_auth(jwks)
    token = jwt.encode(_claims(), _pem(key), algorithm="RS256", headers={"kid": "k1"})
    await _fails(auth, token, "algorithm")


async def test_dev_token_round_trips() -> None:
    auth = Authenticator(Settings(jwt_secret=SECRET))
    token = mint_token(SECRET, sub="alice", roles=["admin"], teams=[])
    principal = await auth.authenticate(f"Bearer {token}")
    assert principal.sub == "alice" and principal.works_across_teams
