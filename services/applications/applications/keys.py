"""Personal-data keys of the applications service: `python -m applications.keys status|new|reencrypt`.

* `status`: the keys in the key directory and how many stored ciphertexts each one sealed.
* `new`: add a data key; it becomes the one new data is sealed with once the replicas restart (all of them
  must see it first, so add it, then restart).
* `reencrypt`: seal every stored ciphertext again with the newest key (idempotent; run after `new` and the
  restart); an older key may be deleted once `status` shows it seals nothing.

Uses APPLICATIONS_DATABASE_URL (else the embedded SQLite file) and TPP_KEYS_DIR (else var/keys)."""

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select

from applications.config import get_settings
from applications.crypto import PersonalDataCipher, new_data_key
from applications.models import Application, Objection
from servicekit.database import standalone_session
from servicekit.settings import keys_dir

SEALED = ((Application, "personal_ciphertext"), (Objection, "filer_contact_ciphertext"))


async def key_usage(database_url: str) -> Counter:
    counts: Counter = Counter()
    async with standalone_session(database_url, write=False) as session:
        for model, column in SEALED:
            stored = getattr(model, column)
            for token in await session.scalars(select(stored).where(stored.is_not(None))):
                counts[PersonalDataCipher.key_id_of(token)] += 1
    return counts


async def reencrypt(database_url: str, cipher: PersonalDataCipher) -> int:
    """Every ciphertext not sealed by the newest key, sealed again by it; returns how many changed."""
    changed = 0
    async with standalone_session(database_url, write=True) as session:
        for model, column in SEALED:
            for row in await session.scalars(select(model).where(getattr(model, column).is_not(None))):
                token = getattr(row, column)
                if PersonalDataCipher.key_id_of(token) != cipher.current_key_id:
                    setattr(row, column, cipher.encrypt(cipher.decrypt(token)))
                    changed += 1
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m applications.keys", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["status", "new", "reencrypt"])
    args = parser.parse_args(argv)
    url = get_settings().resolved_database_url()
    if args.command == "new":
        print(f"· new data key {new_data_key(keys_dir())} in {keys_dir()}; restart every replica, then reencrypt")
        return 0
    cipher = PersonalDataCipher.from_folder(keys_dir())
    if args.command == "reencrypt":
        print(f"· {asyncio.run(reencrypt(url, cipher))} ciphertexts sealed again with key {cipher.current_key_id}")
        return 0
    usage = asyncio.run(key_usage(url))
    for kid in sorted(set(cipher.keys) | set(usage)):
        mark = " (newest)" if kid == cipher.current_key_id else "" if kid in cipher.keys else " (MISSING)"
        print(f"· key {kid}{mark}: {usage.get(kid, 0)} ciphertexts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
