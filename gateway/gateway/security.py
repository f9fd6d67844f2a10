"""Secrets: Argon2id password hashes, access tokens for people, API key secrets for agencies."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from servicekit.identity import ALGORITHM, Principal, TokenSigner

ACCESS_AUDIENCE = "tpp-clients"
ACCESS_KEY_ID = "access"
API_KEY_PREFIX = "tpp"

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of "no such user" and "wrong password" alike.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, public prefix used to find it, sha256 of the secret part stored).
    The secret has 256 bits of entropy, so a fast hash is enough: nobody can guess-and-check it."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}_{prefix}_{secret}", prefix, sha256_hex(secret)


def split_api_key(key: str) -> tuple[str, str] | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1], parts[2]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(sha256_hex(secret), stored_hash)


class AccessTokens:
    """Short-lived JWTs given to people at login; the gateway alone issues and checks them."""

    def __init__(self, private_pem: bytes, public_pem: bytes, ttl: timedelta) -> None:
        self.signer = TokenSigner(private_pem, key_id=ACCESS_KEY_ID)
        self.public_pem = public_pem
        self.ttl = ttl

    def issue(self, principal: Principal) -> str:
        now = datetime.now(UTC)
        claims = {"aud": ACCESS_AUDIENCE, "iss": "tpp-gateway", "iat": now, "exp": now + self.ttl,
                  "sub": principal.subject, "role": principal.role, "agency": principal.agency,
                  "name": principal.name}
        return jwt.encode(claims, self.signer.key, algorithm=ALGORITHM, headers={"kid": ACCESS_KEY_ID})

    def read(self, token: str) -> Principal | None:
        """The principal in a valid token; None for a forged, expired or malformed one."""
        try:
            claims = jwt.decode(token, self.public_pem, algorithms=[ALGORITHM], audience=ACCESS_AUDIENCE,
                                issuer="tpp-gateway", options={"require": ["exp", "sub", "aud", "iss"]})
            return Principal(subject=claims["sub"], role=claims["role"], agency=claims.get("agency"),
                             name=claims.get("name"))
        except (jwt.PyJWTError, KeyError, ValueError):
            return None
