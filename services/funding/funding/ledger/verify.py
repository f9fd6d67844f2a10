"""The verifier (LEDGER.md f2.7): recomputes every account's counters from the entries, checks that every
transfer balances, that the ledger as a whole sums to zero, that no account is outside its floor/ceiling,
and re-hashes the journal chain from the stored transfers and entries. Read-only; used by
`GET /ledger/verify` and by `python -m funding.verify_cli`."""

from sqlalchemy.ext.asyncio import AsyncSession

from funding.ledger.chain import GENESIS_HASH, journal_hash, request_hash, transfer_fields
from funding.ledger.repository import LedgerRepository
from funding.ledger.schemas import VerificationProblem, VerificationReport
from funding.models import COUNTERS, Entry, JournalRecord, Transfer

CHUNK = 2000
MAX_PROBLEMS = 500


async def verify_ledger(session: AsyncSession) -> VerificationReport:
    problems: list[VerificationProblem] = []

    def problem(check: str, message: str, **where: int | None) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(VerificationProblem(check=check, message=message, **where))

    repo = LedgerRepository(session)
    accounts = await repo.accounts_with_entry_sums()
    totals = dict.fromkeys(COUNTERS, 0)
    for account, rebuilt in accounts:
        for counter in COUNTERS:
            stored = getattr(account, counter)
            totals[counter] += stored
            if stored != rebuilt[counter]:
                problem("counters", f"{account.code}: {counter} is {stored} but its entries sum to "
                        f"{rebuilt[counter]}", account_id=account.id)
        low, high = _bounds(account.normal_side, rebuilt)
        if account.floor is not None and low < account.floor:
            problem("floor", f"{account.code}: balance {low} is below its floor {account.floor}", account_id=account.id)
        if account.ceiling is not None and high > account.ceiling:
            problem("ceiling", f"{account.code}: balance {high} is above its ceiling {account.ceiling}",
                    account_id=account.id)
    if totals["debits_posted"] != totals["credits_posted"]:
        problem("zero_sum", f"posted debits {totals['debits_posted']} ≠ posted credits {totals['credits_posted']}")
    if totals["debits_pending"] != totals["credits_pending"]:
        problem("zero_sum", f"pending debits {totals['debits_pending']} ≠ pending credits {totals['credits_pending']}")

    transfer_count, journal_count = await repo.transfer_and_journal_counts()
    if transfer_count != journal_count:
        problem("journal", f"{transfer_count} transfers but {journal_count} journal rows")

    expected_seq, prev_hash = 1, GENESIS_HASH
    while True:
        journal = await repo.journal_from(expected_seq, CHUNK)
        if not journal:
            break
        ids = [j.transfer_id for j in journal]
        transfers = await repo.transfers_by_ids(ids)
        entries = await repo.entries_by_transfer(ids)
        for record in journal:
            if record.seq != expected_seq:
                problem("chain", f"journal jumps from seq {expected_seq - 1} to {record.seq}", seq=record.seq)
            if record.prev_hash != prev_hash:
                problem("chain", f"seq {record.seq}: prev_hash does not match the previous row's hash", seq=record.seq)
            transfer = transfers.get(record.transfer_id)
            if transfer is None:
                problem("chain", f"seq {record.seq}: its transfer is missing", seq=record.seq)
                expected_seq, prev_hash = record.seq + 1, record.hash
                continue
            own = entries.get(transfer.id, [])
            _check_transfer(transfer, record, own, problem)
            digest = journal_hash(
                prev_hash=record.prev_hash, seq=record.seq, recorded_at=record.recorded_at, outcome=record.outcome,
                amount=record.amount, reason=record.reason, account_id=record.account_id, headroom=record.headroom,
                transfer=transfer_fields(**{c.name: getattr(transfer, c.key) for c in Transfer.__table__.columns}
                                         | {"metadata": transfer.meta}),
                entries=[(e.account_id, e.side, e.layer, e.amount) for e in own],
            )
            if digest != record.hash:
                problem("chain", f"seq {record.seq} (transfer {transfer.key}): the stored row no longer hashes to "
                        "its journal hash", seq=record.seq, transfer_id=transfer.id)
            expected_seq, prev_hash = record.seq + 1, record.hash
    return VerificationReport(ok=not problems, accounts=len(accounts), transfers=transfer_count,
                              journal_length=journal_count, head_hash=prev_hash, problems=problems)


def _bounds(normal_side: str, c: dict[str, int]) -> tuple[int, int]:
    if normal_side == "credit":
        return (c["credits_posted"] - c["debits_posted"] - c["debits_pending"],
                c["credits_posted"] + c["credits_pending"] - c["debits_posted"])
    return (c["debits_posted"] - c["credits_posted"] - c["credits_pending"],
            c["debits_posted"] + c["debits_pending"] - c["credits_posted"])


def _check_transfer(transfer: Transfer, record: JournalRecord, entries: list[Entry], problem) -> None:  # noqa: ANN001
    if request_hash(transfer.request) != transfer.request_hash:
        problem("request_hash", f"transfer {transfer.key}: its request no longer matches its hash",
                transfer_id=transfer.id)
    for layer in ("posted", "pending"):
        total = sum(e.amount if e.side == "credit" else -e.amount for e in entries if e.layer == layer)
        if total:
            problem("balanced", f"transfer {transfer.key}: {layer} entries sum to {total}", transfer_id=transfer.id)
    if (record.outcome == "rejected") != (not entries):
        problem("entries", f"transfer {transfer.key} is {record.outcome} but has {len(entries)} entries",
                transfer_id=transfer.id)
