"""Secrets in a stored idempotent answer (a new API key, a generated password) are kept encrypted: AES-GCM
under a key derived from the gateway's private key, so the database alone never gives them away (it holds
only hashes of keys and passwords otherwise). The replay opens them again."""

import base64
import hmac
import os
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEALED_PREFIX = "sealed:"


class AnswerSealer:
    def __init__(self, private_pem: bytes) -> None:
        def derive(purpose: bytes) -> bytes:
            return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(private_pem)

        self.aead = AESGCM(derive(b"tpp gateway idempotent answers"))
        self.blinding_key = derive(b"tpp gateway idempotency fingerprints")

    def blinded(self, body: dict[str, Any], field: str) -> dict[str, Any]:
        """The body as an idempotency fingerprint may see it: a password in it only as a keyed hash (a plain
        hash of the body would be far quicker to guess from than the Argon2 hash)."""
        if not isinstance(body.get(field), str):
            return body
        return {**body, field: hmac.new(self.blinding_key, body[field].encode(), "sha256").hexdigest()}

    def sealing(self, *fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def seal(body: dict[str, Any]) -> dict[str, Any]:
            sealed = dict(body)
            for field in fields:
                if isinstance(sealed.get(field), str):
                    nonce = os.urandom(12)
                    secret = nonce + self.aead.encrypt(nonce, sealed[field].encode(), field.encode())
                    sealed[field] = SEALED_PREFIX + base64.b64encode(secret).decode()
            return sealed

        return seal

    def opening(self, *fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def open_(body: dict[str, Any]) -> dict[str, Any]:
            opened = dict(body)
            for field in fields:
                value = opened.get(field)
                if isinstance(value, str) and value.startswith(SEALED_PREFIX):
                    raw = base64.b64decode(value[len(SEALED_PREFIX):])
                    opened[field] = self.aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
            return opened

        return open_
