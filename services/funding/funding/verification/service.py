"""Verification of the ledger, in two speeds (README "Checkpoints and verification").

The journal is sealed in checkpoints: a stretch of rows is re-hashed and checked as the full verifier does;
its Merkle root and the counters of the accounts it moved (as the entries up to its end add up) are recorded;
the whole is signed with the funding service's key. `GET /ledger/verify` then starts from the newest checkpoint
instead of the first transfer: it checks that checkpoint's signature and that the journal still holds its head
hash, rebuilds every account's counters as sealed plus the entries since, and re-hashes only the rows since.
Its cost follows the rows since the last seal, not the ledger's size. A full re-verification from the first
transfer (which also re-checks every checkpoint: signature, link to its predecessor, head hash, Merkle root,
counters) runs in the background with its progress kept, and from the command line."""

import base64
import hashlib
import operator
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Row, RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from funding.errors import CheckpointNotFound
from funding.ledger.chain import GENESIS_HASH, canonical_json, chain_link, journal_body, request_hash, transfer_fields
from funding.ledger.schemas import VerificationProblem, VerificationReport
from funding.models import COUNTERS, Account, LedgerCheckpoint
from funding.verification.merkle import inclusion_path, leaf_hash, tree_root
from funding.verification.repository import VerificationRepository
from funding.verification.schemas import CheckpointRead, CheckpointStatement, InclusionProof, JournalLine, SealResult
from servicekit import clock

LEDGER_NAME = "talent-plan-funding"
_COUNTER_INDEX = {("debit", "posted"): 0, ("credit", "posted"): 1, ("debit", "pending"): 2, ("credit", "pending"): 3}
CHUNK = 2000
MAX_PROBLEMS = 500

Progress = Callable[[int], Awaitable[None]]


class Problems:
    """The discrepancies found, at most MAX_PROBLEMS of them."""

    def __init__(self) -> None:
        self.items: list[VerificationProblem] = []

    def __call__(self, check: str, message: str, **where: int | None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(VerificationProblem(check=check, message=message, **where))

    def __bool__(self) -> bool:
        return bool(self.items)


# --- the signing key ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointKey:
    """The funding service's own Ed25519 key; checkpoints name it by a fingerprint of its public half."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "funding:" + hashlib.sha256(raw).hexdigest()[:16]

    def public_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, statement: CheckpointStatement) -> str:
        return base64.b64encode(self.private_key.sign(statement_bytes(statement))).decode()

    def signed(self, checkpoint: LedgerCheckpoint) -> bool:
        try:
            self.public_key.verify(base64.b64decode(checkpoint.signature), statement_bytes(statement_of(checkpoint)))
        except (InvalidSignature, ValueError):
            return False
        return checkpoint.key_id == self.key_id


def statement_bytes(statement: CheckpointStatement) -> bytes:
    return canonical_json(statement.model_dump(mode="json")).encode()


def statement_of(checkpoint: LedgerCheckpoint) -> CheckpointStatement:
    return CheckpointStatement(
        ledger=LEDGER_NAME, seq=checkpoint.seq, previous_seq=checkpoint.previous_seq,
        previous_head_hash=checkpoint.previous_head_hash, head_hash=checkpoint.head_hash,
        segment_size=checkpoint.segment_size, segment_root=checkpoint.segment_root,
        counters_digest=checkpoint.counters_digest, sealed_at=checkpoint.sealed_at)


def checkpoint_read(checkpoint: LedgerCheckpoint, counters: dict[int, list[int]] | None = None) -> CheckpointRead:
    return CheckpointRead(statement=statement_of(checkpoint), key_id=checkpoint.key_id,
                          signature=checkpoint.signature,
                          counters=None if counters is None else {str(k): v for k, v in sorted(counters.items())})


def counters_digest(counters: dict[int, list[int]]) -> str:
    """What a checkpoint signs of the counters it sealed: SHA-256 of {"<account id>": [4 counters]} as canonical
    JSON."""
    return hashlib.sha256(canonical_json({str(k): v for k, v in counters.items()}).encode()).hexdigest()


# --- the checks both speeds share --------------------------------------------------------------------------------


def row_body(record: Row, transfer: RowMapping, entries: list[Row]) -> str:
    """The canonical body of a journal row from its stored transfer (columns by name) and entries."""
    return journal_body(
        seq=record.seq, recorded_at=record.recorded_at, outcome=record.outcome, amount=record.amount,
        reason=record.reason, account_id=record.account_id, headroom=record.headroom,
        transfer=transfer_fields(**transfer),
        entries=[(e.account_id, e.side, e.layer, e.amount) for e in entries])


@dataclass
class ChainWalk:
    """Where a re-hash of the journal got to, the stored hashes it passed (the Merkle leaves), and what the entries
    of the rows it passed add to each account's counters."""

    last_seq: int
    last_hash: str
    hashes: list[str] = field(default_factory=list)
    sums: dict[int, list[int]] = field(default_factory=dict)
    first_transfer_id: int | None = None  # the smallest transfer id among the rows walked

    def add(self, entries: list[Row]) -> None:
        for entry in entries:
            counters = self.sums.setdefault(entry.account_id, [0, 0, 0, 0])
            counters[_COUNTER_INDEX[entry.side, entry.layer]] += entry.amount


async def walk_chain(repo: VerificationRepository, after_seq: int, prev_hash: str, upto_seq: int | None,
                     problem: Problems, progress: Progress | None = None) -> ChainWalk:
    """Re-hash the journal rows in (after_seq, upto_seq] (to the end when None) from their stored transfers and
    entries, checking each transfer as the verifier does."""
    walk = ChainWalk(after_seq, prev_hash)
    expected_seq = after_seq + 1
    while upto_seq is None or expected_seq <= upto_seq:
        journal = await repo.journal_rows_from(expected_seq, CHUNK if upto_seq is None
                                               else min(CHUNK, upto_seq - expected_seq + 1))
        journal = [record for record in journal if upto_seq is None or record.seq <= upto_seq]
        if not journal:
            break
        ids = [j.transfer_id for j in journal]
        transfers = await repo.transfer_rows(ids)
        entries = await repo.entry_rows(ids)
        for record in journal:
            if record.seq != expected_seq:
                problem("chain", f"journal jumps from seq {expected_seq - 1} to {record.seq}", seq=record.seq)
            if record.prev_hash != walk.last_hash:
                problem("chain", f"seq {record.seq}: prev_hash does not match the previous row's hash", seq=record.seq)
            walk.hashes.append(record.hash)
            if walk.first_transfer_id is None or record.transfer_id < walk.first_transfer_id:
                walk.first_transfer_id = record.transfer_id
            transfer = transfers.get(record.transfer_id)
            if transfer is None:
                problem("chain", f"seq {record.seq}: its transfer is missing", seq=record.seq)
            else:
                own = entries.get(record.transfer_id, [])
                walk.add(own)
                _check_transfer(transfer, record, own, problem)
                if chain_link(record.prev_hash, row_body(record, transfer, own)) != record.hash:
                    problem("chain", f"seq {record.seq} (transfer {transfer['key']}): the stored row no longer "
                            "hashes to its journal hash", seq=record.seq, transfer_id=record.transfer_id)
            expected_seq, walk.last_seq, walk.last_hash = record.seq + 1, record.seq, record.hash
        if progress is not None:
            await progress(walk.last_seq)
    return walk


def _check_transfer(transfer: RowMapping, record: Row, entries: list[Row], problem: Problems) -> None:
    key, transfer_id = transfer["key"], transfer["id"]
    if request_hash(transfer["request"]) != transfer["request_hash"]:
        problem("request_hash", f"transfer {key}: its request no longer matches its hash", transfer_id=transfer_id)
    for layer in ("posted", "pending"):
        total = sum(e.amount if e.side == "credit" else -e.amount for e in entries if e.layer == layer)
        if total:
            problem("balanced", f"transfer {key}: {layer} entries sum to {total}", transfer_id=transfer_id)
    if (record.outcome == "rejected") != (not entries):
        problem("entries", f"transfer {key} is {record.outcome} but has {len(entries)} entries",
                transfer_id=transfer_id)


def check_accounts(accounts: list[tuple[Account | Row, list[int]]], problem: Problems) -> None:
    """Each account's stored counters against the ones rebuilt from entries; floors, ceilings, zero sum."""
    stored_of = operator.attrgetter(*COUNTERS)
    totals = [0] * len(COUNTERS)
    for account, rebuilt_values in accounts:
        stored = stored_of(account)
        totals = [total + value for total, value in zip(totals, stored, strict=True)]
        if list(stored) != rebuilt_values:  # one comparison for the usual case, the details when it differs
            for counter, stored_value, rebuilt_value in zip(COUNTERS, stored, rebuilt_values, strict=True):
                if stored_value != rebuilt_value:
                    problem("counters", f"{account.code}: {counter} is {stored_value} but its entries sum to "
                            f"{rebuilt_value}", account_id=account.id)
        if account.floor is None and account.ceiling is None:
            continue
        low, high = _bounds(account.normal_side, dict(zip(COUNTERS, rebuilt_values, strict=True)))
        if account.floor is not None and low < account.floor:
            problem("floor", f"{account.code}: balance {low} is below its floor {account.floor}", account_id=account.id)
        if account.ceiling is not None and high > account.ceiling:
            problem("ceiling", f"{account.code}: balance {high} is above its ceiling {account.ceiling}",
                    account_id=account.id)
    totals_of = dict(zip(COUNTERS, totals, strict=True))
    if totals_of["debits_posted"] != totals_of["credits_posted"]:
        problem("zero_sum", f"posted debits {totals_of['debits_posted']} ≠ posted credits {totals_of['credits_posted']}")
    if totals_of["debits_pending"] != totals_of["credits_pending"]:
        problem("zero_sum", f"pending debits {totals_of['debits_pending']} ≠ pending credits "
                f"{totals_of['credits_pending']}")


def _bounds(normal_side: str, c: dict[str, int]) -> tuple[int, int]:
    if normal_side == "credit":
        return (c["credits_posted"] - c["debits_posted"] - c["debits_pending"],
                c["credits_posted"] + c["credits_pending"] - c["debits_posted"])
    return (c["debits_posted"] - c["credits_posted"] - c["credits_pending"],
            c["debits_posted"] + c["debits_pending"] - c["credits_posted"])


def _plus(base: dict[int, list[int]], sums: dict[int, list[int]]) -> dict[int, list[int]]:
    """For each account in `sums`: its counters in `base` (zeros if none) plus its sums."""
    return {account_id: [a + b for a, b in zip(base.get(account_id, [0, 0, 0, 0]), values, strict=True)]
            for account_id, values in sums.items()}


async def _counts(repo: VerificationRepository, problem: Problems) -> tuple[int, int]:
    transfer_count, journal_count = await repo.transfer_and_journal_counts()
    if transfer_count != journal_count:
        problem("journal", f"{transfer_count} transfers but {journal_count} journal rows")
    return transfer_count, journal_count


async def one_snapshot(session: AsyncSession) -> None:
    """The whole verification reads one snapshot, so a posting that commits meanwhile cannot make an account's
    counters and its entries seem to disagree: REPEATABLE READ on PostgreSQL (SQLite's read transaction is one
    snapshot already). A session bound to a connection already in a transaction (tests) keeps it."""
    if session.bind.dialect.name == "postgresql" and not isinstance(session.bind, AsyncConnection):
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# --- the fast verification -----------------------------------------------------------------------------------------


async def verify_since_checkpoint(session: AsyncSession, key: CheckpointKey | None) -> VerificationReport:
    """`GET /ledger/verify`: from the newest checkpoint to the head (from the start when there is none yet)."""
    await one_snapshot(session)
    repo = VerificationRepository(session)
    problem = Problems()
    checkpoint = await repo.latest_checkpoint()
    start_seq, start_hash, base = 0, GENESIS_HASH, {}
    if checkpoint is not None:
        start_seq, start_hash, base = checkpoint.seq, checkpoint.head_hash, await repo.counters_at(checkpoint.seq)
        if key is None or not key.signed(checkpoint):
            problem("checkpoint", f"checkpoint {checkpoint.seq}: its signature does not verify with the service's "
                    "key", seq=checkpoint.seq)
        sealed_row = await repo.record_at(checkpoint.seq)
        if sealed_row is None or sealed_row.hash != checkpoint.head_hash:
            problem("checkpoint", f"checkpoint {checkpoint.seq}: the journal no longer holds the hash it sealed",
                    seq=checkpoint.seq)
    walk = await walk_chain(repo, start_seq, start_hash, None, problem)
    accounts = await repo.accounts_to_check()
    moved = _plus(base, walk.sums)  # the accounts the walk met; the others stand as the checkpoint sealed them
    check_accounts([(account, moved.get(account.id) or base.get(account.id, [0, 0, 0, 0])) for account in accounts],
                   problem)
    if checkpoint is None:
        transfer_count, journal_count = await _counts(repo, problem)
    else:
        # Counting every row would cost what the checkpoint saves: the rows since it are counted by the walk
        # (which finds any gap), and a recent transfer left without its journal row is looked for from the
        # oldest transfer the walk met. An older one is the full run's to find.
        journal_count = transfer_count = walk.last_seq
        if walk.first_transfer_id is not None:
            for orphan in await repo.transfers_without_journal(walk.first_transfer_id, walk.last_seq - start_seq):
                problem("journal", f"transfer {orphan} has no journal row", transfer_id=orphan)
    return VerificationReport(ok=not problem, accounts=len(accounts), transfers=transfer_count,
                              journal_length=journal_count, head_hash=walk.last_hash, problems=problem.items,
                              checkpoint_seq=checkpoint.seq if checkpoint else None,
                              rows_rehashed=walk.last_seq - start_seq)


# --- sealing -------------------------------------------------------------------------------------------------------


@dataclass
class Draft:
    """A checkpoint computed in a read transaction, to be signed and stored in a short write transaction."""

    statement: CheckpointStatement
    counters: dict[int, list[int]]  # of the accounts the stretch moved


async def draft_checkpoint(session: AsyncSession, max_rows: int, problem: Problems) -> Draft | None:
    """The next checkpoint: up to `max_rows` journal rows after the newest one, if any, re-hashed and checked.
    None when there is nothing to seal or the rows do not verify (then `problem` says why)."""
    repo = VerificationRepository(session)
    previous = await repo.latest_checkpoint()
    start_seq, start_hash = (previous.seq, previous.head_hash) if previous else (0, GENESIS_HASH)
    head_seq, _, _ = await repo.head()
    upto = min(head_seq, start_seq + max_rows)
    if upto <= start_seq:
        return None
    walk = await walk_chain(repo, start_seq, start_hash, upto, problem)
    if walk.last_seq != upto:
        problem("chain", f"the journal ends at seq {walk.last_seq}, not {upto}", seq=upto)
    sums = walk.sums
    moved = [sum(values[i] for values in sums.values()) for i in range(4)]
    if moved[0] != moved[1] or moved[2] != moved[3]:
        problem("zero_sum", f"the entries of seq {start_seq + 1}–{upto} do not sum to zero: "
                f"{dict(zip(COUNTERS, moved, strict=True))}")
    counters = _plus(await repo.counters_at(start_seq, list(sums)), sums)
    if problem:
        return None
    statement = CheckpointStatement(
        ledger=LEDGER_NAME, seq=upto, previous_seq=start_seq, previous_head_hash=start_hash, head_hash=walk.last_hash,
        segment_size=upto - start_seq, segment_root=tree_root([leaf_hash(h) for h in walk.hashes]).hex(),
        counters_digest=counters_digest(counters), sealed_at=clock.now())
    return Draft(statement, counters)


async def store_checkpoint(session: AsyncSession, draft: Draft, key: CheckpointKey) -> LedgerCheckpoint:
    """Sign and add the checkpoint; a concurrent sealer that stored one after the same predecessor makes the
    flush fail on the unique predecessor, and this one is dropped."""
    s = draft.statement
    checkpoint = LedgerCheckpoint(seq=s.seq, previous_seq=s.previous_seq, previous_head_hash=s.previous_head_hash,
                                  head_hash=s.head_hash, segment_size=s.segment_size, segment_root=s.segment_root,
                                  counters_digest=s.counters_digest, sealed_at=s.sealed_at, key_id=key.key_id,
                                  signature=key.sign(s))
    session.add(checkpoint)
    await session.flush()
    await VerificationRepository(session).add_sealed_counters(s.seq, draft.counters)
    return checkpoint


async def seal_now(session: AsyncSession, key: CheckpointKey, max_rows: int) -> SealResult:
    """Seal every row after the newest checkpoint, in checkpoints of at most `max_rows`, in this transaction."""
    problem, sealed = Problems(), []
    while (draft := await draft_checkpoint(session, max_rows, problem)) is not None:
        sealed.append(checkpoint_read(await store_checkpoint(session, draft, key)))
    count, _ = await unsealed(session)
    return SealResult(sealed=sealed, unsealed=count, problems=problem.items)


async def unsealed(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many journal rows follow the newest checkpoint, and when the first of them was recorded."""
    repo = VerificationRepository(session)
    latest = await repo.latest_checkpoint()
    start = latest.seq if latest else 0
    head_seq, _, _ = await repo.head()
    return head_seq - start, (await repo.recorded_at(start + 1) if head_seq > start else None)


async def read_checkpoint(session: AsyncSession, seq: int) -> CheckpointRead:
    repo = VerificationRepository(session)
    checkpoint = await repo.checkpoint(seq)
    if checkpoint is None:
        raise CheckpointNotFound(seq)
    return checkpoint_read(checkpoint, await repo.sealed_counters(seq))


# --- proofs --------------------------------------------------------------------------------------------------------


async def inclusion_proof(session: AsyncSession, transfer_key: str) -> InclusionProof | None | int:
    """The proof that the transfer is in its checkpoint; None for an unknown transfer, its journal position when
    no checkpoint seals it yet."""
    repo = VerificationRepository(session)
    found = await repo.transfer_by_key(transfer_key)
    if found is None:
        return None
    transfer, record = found
    checkpoint = await repo.checkpoint_sealing(record.seq)
    if checkpoint is None:
        return record.seq
    hashes = await repo.journal_hashes(checkpoint.previous_seq, checkpoint.seq)
    leaves = [leaf_hash(h) for h in hashes]
    index = record.seq - checkpoint.previous_seq - 1
    [row] = await repo.journal_rows_from(record.seq, 1)
    body = row_body(row, (await repo.transfer_rows([transfer.id]))[transfer.id],
                    (await repo.entry_rows([transfer.id])).get(transfer.id, []))
    return InclusionProof(
        transfer=transfer.key,
        journal=JournalLine(seq=record.seq, prev_hash=record.prev_hash, body=body, hash=record.hash),
        leaf_index=index, audit_path=[h.hex() for h in inclusion_path(index, leaves)],
        checkpoint=checkpoint_read(checkpoint))


# --- the full re-verification ------------------------------------------------------------------------------------


@dataclass
class FullReport:
    report: VerificationReport
    checkpoints_checked: int


async def verify_everything(session: AsyncSession, key: CheckpointKey | None,
                            progress: Progress | None = None) -> FullReport:
    """Every account, every journal row from the first, and every checkpoint (signature, link to its predecessor,
    head hash, Merkle root, counters at its end)."""
    await one_snapshot(session)
    repo = VerificationRepository(session)
    problem = Problems()
    transfer_count, journal_count = await _counts(repo, problem)
    position, head_hash, counters, checked = 0, GENESIS_HASH, {}, 0
    while batch := await repo.checkpoints_from(position, 100):
        for checkpoint in batch:
            where = f"checkpoint {checkpoint.seq}"
            if checkpoint.previous_seq != position or checkpoint.previous_head_hash != head_hash:
                problem("checkpoint", f"{where}: does not follow the checkpoint before it", seq=checkpoint.seq)
            if key is None or not key.signed(checkpoint):
                problem("checkpoint", f"{where}: its signature does not verify with the service's key",
                        seq=checkpoint.seq)
            walk = await walk_chain(repo, position, head_hash, checkpoint.seq, problem, progress)
            if walk.last_hash != checkpoint.head_hash:
                problem("checkpoint", f"{where}: the journal's hash there is not the one it sealed", seq=checkpoint.seq)
            if tree_root([leaf_hash(h) for h in walk.hashes]).hex() != checkpoint.segment_root:
                problem("checkpoint", f"{where}: its Merkle root does not match the journal", seq=checkpoint.seq)
            sums = walk.sums
            counters |= _plus(counters, sums)
            sealed = await repo.sealed_counters(checkpoint.seq)
            if counters_digest(sealed) != checkpoint.counters_digest or sealed != {a: counters[a] for a in sums}:
                problem("checkpoint", f"{where}: the counters it sealed are not what the entries add up to",
                        seq=checkpoint.seq)
            position, head_hash, checked = checkpoint.seq, checkpoint.head_hash, checked + 1
    walk = await walk_chain(repo, position, head_hash, None, problem, progress)
    counters |= _plus(counters, walk.sums)
    accounts = await repo.accounts_to_check()
    check_accounts([(account, counters.get(account.id, [0, 0, 0, 0])) for account in accounts], problem)
    report = VerificationReport(ok=not problem, accounts=len(accounts), transfers=transfer_count,
                                journal_length=journal_count, head_hash=walk.last_hash, problems=problem.items,
                                checkpoint_seq=None, rows_rehashed=walk.last_seq)
    return FullReport(report, checked)
