"""API key secrets: shown once, stored as the SHA-256 of their secret part."""

import hmac
import secrets

from gateway.identity.credentials import sha256_hex

API_KEY_PREFIX = "tpp"


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


def looks_like_api_key(value: str) -> bool:
    return value.startswith(f"{API_KEY_PREFIX}_")
