"""The ledger's clock: pending expiry, journal timestamps and `as_of` reads all ask this one function, so
tests can move time (monkeypatch `funding.clock.now`) without sleeping."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
