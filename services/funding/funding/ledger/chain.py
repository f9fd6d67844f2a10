"""Canonical hashing: the request hash that makes ids idempotent and the journal's hash chain that makes the
ledger tamper-evident. The verifier recomputes both from the stored rows with these same functions."""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(request).encode()).hexdigest()


def differing_fields(stored: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level fields whose values differ between two requests (canonical comparison)."""
    return sorted(k for k in set(stored) | set(new) if canonical_json(stored.get(k)) != canonical_json(new.get(k)))


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds")


def journal_hash(
    *,
    prev_hash: str,
    seq: int,
    recorded_at: datetime,
    outcome: str,
    amount: int,
    reason: str | None,
    account_id: int | None,
    headroom: int | None,
    transfer: dict[str, Any],
    entries: Iterable[tuple[int, str, str, int]],
) -> str:
    """`transfer` holds the header columns (see `transfer_fields`); `entries` are (account, side, layer, amount)."""
    return chain_link(prev_hash, journal_body(seq=seq, recorded_at=recorded_at, outcome=outcome, amount=amount,
                                              reason=reason, account_id=account_id, headroom=headroom,
                                              transfer=transfer, entries=entries))


def chain_link(prev_hash: str, body: str) -> str:
    """A journal row's hash: its predecessor's hash and its own canonical body, hashed together."""
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def journal_body(
    *,
    seq: int,
    recorded_at: datetime,
    outcome: str,
    amount: int,
    reason: str | None,
    account_id: int | None,
    headroom: int | None,
    transfer: dict[str, Any],
    entries: Iterable[tuple[int, str, str, int]],
) -> str:
    """The canonical JSON a journal row's hash covers (what an auditor re-hashes from a proof)."""
    body = {
        "seq": seq,
        "recorded_at": _stamp(recorded_at),
        "outcome": outcome,
        "amount": amount,
        "reason": reason,
        "account_id": account_id,
        "headroom": headroom,
        "transfer": transfer,
        "entries": sorted([list(e) for e in entries]),
    }
    return canonical_json(body)


def transfer_fields(
    *,
    id: int,  # noqa: A002
    key: str,
    request_hash: str,
    kind: str,
    code: str,
    debit_account_id: int,
    credit_account_id: int,
    amount: int,
    pending_id: int | None,
    reverses_id: int | None,
    once_key: str | None,
    expires_at: datetime | None,
    award_id: str | None,
    actor: str,
    created_at: datetime,
    **_: Any,
) -> dict[str, Any]:
    return {
        "id": id, "key": key, "request_hash": request_hash, "kind": kind, "code": code,
        "debit_account_id": debit_account_id, "credit_account_id": credit_account_id, "amount": amount,
        "pending_id": pending_id, "reverses_id": reverses_id, "once_key": once_key,
        "expires_at": _stamp(expires_at), "award_id": award_id, "actor": actor, "created_at": _stamp(created_at),
    }


def journal_body_parts(
    *,
    outcome: str,
    amount: int,
    reason: str | None,
    account_id: int | None,
    headroom: int | None,
    transfer: dict[str, Any],
    entries: Iterable[tuple[int, str, str, int]],
) -> list[str]:
    """The canonical JSON of a journal body (as `journal_hash` hashes it) in four pieces, around the three values
    only the database knows when it appends: recorded_at, seq and the transfer's id. `transfer` is
    `transfer_fields(...)` without `id`. Joined as parts[0] + recorded_at + parts[1] + seq + parts[2] + id +
    parts[3], the text is exactly canonical_json(body) (tests/test_funding_chain.py), for the single-statement
    posting function (migration funding_2026_11_26_one_statement)."""
    head = {"account_id": account_id, "amount": amount, "entries": sorted([list(e) for e in entries]),
            "headroom": headroom, "outcome": outcome, "reason": reason}
    # Sorted keys: account_id … reason, then recorded_at, seq, transfer; within transfer, "id" sits after
    # actor … expires_at and before key … reverses_id.
    before_id = {k: v for k, v in transfer.items() if k < "id"}
    after_id = {k: v for k, v in transfer.items() if k > "id"}
    return [
        canonical_json(head)[:-1] + ',"recorded_at":"',
        '","seq":',
        ',"transfer":' + canonical_json(before_id)[:-1] + ',"id":',
        "," + canonical_json(after_id)[1:] + "}",
    ]
