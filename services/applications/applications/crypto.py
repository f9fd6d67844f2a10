"""Encryption at rest of personal data (ID numbers, phones, e-mail addresses, an objector's contact).

AES-256-GCM from `cryptography`, with keys in the key directory (servicekit.settings.keys_dir()):

* `applications-data-<key id>.key`: 32 random bytes, base64. Every ciphertext names the key that made it
  (`v1.<key id>.<base64 nonce + ciphertext>`), so several keys can be in use at once. New data is encrypted
  with the newest key (the greatest key id; ids are UTC timestamps).
* `applications-lookup.key`: the HMAC-SHA256 key of the ID-number digests that find one person across
  accounts without decrypting anything.

Rotation: `python -m applications.keys new` adds a key (every replica must see it before it is used, so add it,
then restart the replicas), then `python -m applications.keys reencrypt` rewrites every ciphertext with it;
an old key file may be deleted once `python -m applications.keys status` shows nothing uses it."""

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_KEY_PREFIX = "applications-data-"
LOOKUP_KEY_FILE = "applications-lookup.key"
FORMAT = "v1"
_KEY_FILE = re.compile(r"^applications-data-(?P<kid>[0-9]{8}T[0-9]{6}Z)\.key$")


class KeysMissing(RuntimeError):
    """No data key in the key directory: the service cannot store personal data, so it does not start."""


class UndecryptableData(RuntimeError):
    """A ciphertext names a key that is not in the key directory, or was tampered with."""


def _write_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes making the first key at once never overwrite each other's.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(base64.b64encode(os.urandom(32)))


def new_data_key(folder: Path) -> str:
    """Add a data key (it becomes the newest); returns its id."""
    kid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    _write_key(folder / f"{DATA_KEY_PREFIX}{kid}.key")
    return kid


def ensure_data_keys(folder: Path) -> None:
    """The embedded default: a data key and a lookup key, made once (production mounts its own)."""
    if not any(_KEY_FILE.match(p.name) for p in folder.glob(f"{DATA_KEY_PREFIX}*.key")):
        try:
            new_data_key(folder)
        except FileExistsError:
            pass
    if not (folder / LOOKUP_KEY_FILE).exists():
        try:
            _write_key(folder / LOOKUP_KEY_FILE)
        except FileExistsError:
            pass


@dataclass
class PersonalDataCipher:
    keys: dict[str, bytes]
    lookup_key: bytes

    @classmethod
    def from_folder(cls, folder: Path) -> "PersonalDataCipher":
        keys = {}
        for path in folder.glob(f"{DATA_KEY_PREFIX}*.key"):
            match = _KEY_FILE.match(path.name)
            if match:
                keys[match["kid"]] = base64.b64decode(path.read_bytes())
        lookup = folder / LOOKUP_KEY_FILE
        if not keys or not lookup.is_file():
            raise KeysMissing(f"no personal-data key in {folder}: run `python -m devtools.keys` "
                              "(or mount the keys of this deployment)")
        return cls(keys, base64.b64decode(lookup.read_bytes()))

    @property
    def current_key_id(self) -> str:
        return max(self.keys)

    def encrypt(self, plaintext: str) -> str:
        kid = self.current_key_id
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[kid]).encrypt(nonce, plaintext.encode(), kid.encode())
        return f"{FORMAT}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str) -> str:
        try:
            version, kid, payload = token.split(".", 2)
            raw = base64.urlsafe_b64decode(payload)
            key = self.keys[kid]
        except (ValueError, KeyError) as exc:
            raise UndecryptableData("the ciphertext's key is not in the key directory") from exc
        if version != FORMAT:
            raise UndecryptableData(f"unknown ciphertext format {version!r}")
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode()
        except InvalidTag as exc:
            raise UndecryptableData("the ciphertext does not authenticate") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(".", 2)[1]

    def identity_digest(self, id_type: str, id_number: str) -> str:
        """The same person gets the same digest, whichever account applies (IDs are compared upper-case)."""
        message = f"{id_type}:{id_number.strip().upper()}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()
