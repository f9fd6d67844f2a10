"""The approval saga's money side (DESIGN §3) and what follows it: a reservation is a pending budget →
commitment transfer keyed by the approval id; posting it commits the award; installments move commitment →
paid (each at most once); matching awards are paid per national funding event, up to their cap; releasing an
award gives its unpaid rest back (once) and ends it."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from funding.access import ensure_program_reader, readable_programs
from funding.awards.repository import AwardFilters, AwardRepository
from funding.awards.schemas import (
    AwardRead,
    DisbursementCreate,
    DisbursementRead,
    InstallmentRead,
    MatchCreate,
    MatchRead,
    ReconcileLine,
    ReconcileRequest,
    ReconcileResult,
    ReleaseCreate,
    ReleaseRead,
    ReservationBatchCreate,
    ReservationBatchItem,
    ReservationBatchResult,
    ReservationCreate,
    ReservationPostBatch,
    ReservationRead,
)
from funding.budgets.service import budget_for, treasury_for
from funding.errors import (
    AmountExceedsRule,
    AwardNotCommitted,
    AwardNotFound,
    InstallmentOutOfRange,
    MatchingAwardPaidByMatches,
    NotAMatchingAward,
    NothingToRelease,
    ReferencedRuleNotFound,
    RuleInputInvalid,
    RuleNotFound,
)
from funding.ledger.posting import Posted, Stored, TransferSpec, lock_accounts, outcome_stored_under, post_transfers
from funding.ledger.repository import LedgerRepository
from funding.ledger.schemas import ReversalCreate
from funding.ledger.service import (
    answer,
    create_new_accounts,
    describe,
    ensure_account,
    get_transfer,
    release_overdue_on,
    resolve_pending,
    reverse,
)
from funding.models import (
    MAX_AMOUNT,
    Account,
    AuditLog,
    Award,
    FundingRuleVersion,
    JournalRecord,
    OutboxEvent,
    Transfer,
)
from funding.rules.repository import RulesRepository
from funding.rules.schemas import RuleInputs
from funding.rules.service import evaluate
from servicekit import clock
from servicekit.audit import record_change
from servicekit.database import Database
from servicekit.identity import Principal
from servicekit.idempotency import InvalidIdempotencyKey
from servicekit.outbox import add_outbox_event
from servicekit.pagination import Page, PageParams
from servicekit.problems import DomainError
from servicekit.unit_of_work import run_in_transaction

NATIONAL_TREASURY = "treasury:national"


def reservation_key(award_id: str) -> str:
    return f"reserve:{award_id}"


def release_key(award_id: str) -> str:
    """The release's default id and its once key. Not `release:<award>`: that id is the void of the award's
    reservation (which a late void of a committed award holds as a stored rejection)."""
    return f"award-release:{award_id}"


def installment_key(award_id: str, number: int) -> str:
    """Installment n's default id and its once key: each installment is paid once, whatever the id."""
    return f"installment:{award_id}:{number}"


def installment_amounts(amount: int, percents: Sequence[int]) -> list[int]:
    """Each installment's share rounded down; the last takes the remainder, so they sum to the award exactly."""
    shares = [amount * p // 100 for p in percents[:-1]]
    return [*shares, amount - sum(shares)]


async def _rule(session: AsyncSession, code: str) -> FundingRuleVersion:
    rule = await RulesRepository(session).current_rule(code)
    if rule is None:
        raise ReferencedRuleNotFound(code)
    return rule


def _decide_amount(rule: FundingRuleVersion, body: ReservationCreate) -> tuple[int, dict[str, Any]]:
    if rule.kind == "matching":
        cap = rule.params.get("cap_fen")
        amount = body.amount_fen or cap
        if amount is None:
            raise RuleInputInvalid("配套类资助须给出本项目的配套上限 amount_fen。",
                                   "A matching award needs its matching cap as amount_fen.", "amount_fen")
        if cap is not None and amount > cap:
            raise AmountExceedsRule(amount, cap, rule.code)
        return amount, {"kind": "matching", "cap_fen": amount, "rule_cap_fen": cap}
    inputs = (body.inputs or RuleInputs()).model_copy()
    if rule.kind == "unspecified" and inputs.amount_fen is None:
        inputs.amount_fen = body.amount_fen
    computed = evaluate(rule, inputs)
    if body.amount_fen is not None and body.amount_fen > computed.amount_fen:
        raise AmountExceedsRule(body.amount_fen, computed.amount_fen, rule.code)
    return body.amount_fen or computed.amount_fen, {
        "kind": rule.kind, "rule_amount_fen": computed.amount_fen, "explanation_zh": computed.explanation_zh,
        "explanation_en": computed.explanation_en, "breakdown": computed.breakdown,
    }


BudgetKey = tuple[str, int, str | None]


async def _rule_and_budget(session: AsyncSession, body: ReservationCreate,
                           known: dict[BudgetKey, tuple[FundingRuleVersion, Account]] | None = None,
                           ) -> tuple[FundingRuleVersion, Account]:
    """The rule a reservation is under and the budget it draws on (looked up once per batch in `known`)."""
    key = (body.program_code, body.fiscal_year, body.city_code)
    if known is not None and key in known:
        return known[key]
    rule = await _rule(session, body.program_code)
    found = rule, await budget_for(session, rule, body.fiscal_year, body.city_code)
    if known is not None:
        known[key] = found
    return found


@dataclass
class _Reservation:
    """What reserving an award's money writes, decided before anything is written."""

    body: ReservationCreate
    rule: FundingRuleVersion
    budget: Account
    amount: int
    computation: dict[str, Any]

    @property
    def key(self) -> str:
        return reservation_key(self.body.approval_id)

    def account_values(self, kind: str) -> dict[str, Any]:
        """The award's own commitment or paid account."""
        approval_id, body = self.body.approval_id, self.body
        label = {"commitment": "资助承诺", "paid": "已拨付"}[kind]
        return {"code": f"{kind}:{approval_id}", "kind": kind, "normal_side": "credit", "floor": 0,
                "ceiling": self.amount, "name": f"{self.rule.name} {label} {approval_id}",
                "plan_code": self.rule.plan_code, "program_code": self.rule.code, "fiscal_year": body.fiscal_year,
                "agency_code": self.agency, "city_code": body.city_code, "award_id": approval_id}

    @property
    def agency(self) -> str | None:
        return self.body.agency_code or (self.rule.lead_agencies or [None])[0]

    def spec(self, commitment: Account, default_timeout_seconds: int) -> TransferSpec:
        return TransferSpec(
            key=self.key, kind="pending", code="reservation", debit_account_id=self.budget.id,
            credit_account_id=commitment.id, amount=self.amount, request=_reserve_request(self.body),
            expires_at=clock.now() + timedelta(seconds=self.body.timeout_seconds or default_timeout_seconds),
            award_id=self.body.approval_id,
        )

    def award_values(self, commitment: Account, paid: Account, transfer_id: int, actor: str) -> dict[str, Any]:
        body = self.body
        return dict(
            id=body.approval_id, application_id=body.application_id, program_code=self.rule.code,
            rule_version=self.rule.version, fiscal_year=body.fiscal_year, grantee_ref=body.grantee_ref,
            grantee_name=body.grantee_name, agency_code=self.agency, city_code=body.city_code, amount=self.amount,
            installments=body.installments or [100], computation=self.computation, budget_account_id=self.budget.id,
            commitment_account_id=commitment.id, paid_account_id=paid.id, reservation_transfer_id=transfer_id,
            created_at=clock.now(), actor=actor,
        )


def _reserve_request(body: ReservationCreate) -> dict[str, Any]:
    """What a reservation's id is held to: a retry with other fields is refused."""
    return {"operation": "reserve", **body.model_dump(mode="json")}


def _planned(body: ReservationCreate, rule: FundingRuleVersion, budget: Account) -> _Reservation:
    amount, computation = _decide_amount(rule, body)
    return _Reservation(body, rule, budget, amount, computation)


async def _reserve(session: AsyncSession, body: ReservationCreate, actor: str, default_timeout_seconds: int,
                   known: dict[BudgetKey, tuple[FundingRuleVersion, Account]] | None = None) -> Posted:
    """Reserve the award's amount on its budget (a pending transfer), keyed by the approval id."""
    key, request = reservation_key(body.approval_id), _reserve_request(body)
    if (replay := await outcome_stored_under(session, key, request)) is not None:
        return replay
    reservation = _planned(body, *await _rule_and_budget(session, body, known))
    commitment, _ = await ensure_account(session, reservation.account_values("commitment"), likely_new=True)
    paid, _ = await ensure_account(session, reservation.account_values("paid"), likely_new=True)
    budget = reservation.budget
    [result] = await post_transfers(session, [reservation.spec(commitment, default_timeout_seconds)],
                                    {budget.id: budget, commitment.id: commitment}, actor=actor,
                                    overdue_check=release_overdue_on)
    if not result.replay:
        await AwardRepository(session).insert_unless_present(
            reservation.award_values(commitment, paid, result.transfer.id, actor))
    return result


async def _reserve_all_at_once(session: AsyncSession, bodies: Sequence[ReservationCreate], actor: str,
                               default_timeout_seconds: int,
                               known: dict[BudgetKey, tuple[FundingRuleVersion, Account]]) -> dict[int, Posted] | None:
    """A batch's reservations in a few statements when all of them take effect (the common case): the accounts
    and the awards each in one INSERT, the transfers posted together. None, with nothing written, when any of
    them needs the one-by-one path, which gives each its own outcome: an approval id used before, a rule or a
    budget that refuses, an account code taken, a budget short."""
    if len(bodies) < 2 or len({b.approval_id for b in bodies}) != len(bodies):
        return None
    reservations = []
    for body in bodies:
        found = known.get((body.program_code, body.fiscal_year, body.city_code))
        if found is None:
            return None
        try:
            reservations.append(_planned(body, *found))
        except DomainError:
            return None
    repo = LedgerRepository(session)
    if await repo.transfers_by_keys([r.key for r in reservations]):
        return None
    savepoint = await session.begin_nested()
    accounts = {a.code: a for a in await create_new_accounts(
        session, [r.account_values(kind) for r in reservations for kind in ("commitment", "paid")])}
    if len(accounts) != 2 * len(reservations):
        await savepoint.rollback()
        return None
    commitments = [accounts[f"commitment:{r.body.approval_id}"] for r in reservations]
    results = await post_transfers(
        session, [r.spec(c, default_timeout_seconds) for r, c in zip(reservations, commitments, strict=True)],
        {a.id: a for a in [*commitments, *(r.budget for r in reservations)]}, actor=actor)
    if any(result.rejected or result.replay for result in results):
        await savepoint.rollback()
        return None
    await AwardRepository(session).insert_all([
        r.award_values(c, accounts[f"paid:{r.body.approval_id}"], result.transfer.id, actor)
        for r, c, result in zip(reservations, commitments, results, strict=True)])
    await savepoint.commit()
    return dict(enumerate(results))


async def get_award(session: AsyncSession, award_id: str) -> Award:
    award = await AwardRepository(session).award(award_id)
    if award is None:
        raise AwardNotFound(award_id)
    return award


def commit_key(award_id: str) -> str:
    return f"commit:{award_id}"


def _commit_request(award_id: str) -> dict[str, Any]:
    return {"operation": "commit", "award_id": award_id}


async def _post_reservation(session: AsyncSession, award_id: str, actor: str) -> Posted:
    """Commit the award: post its reservation (idempotent; refused once voided or expired)."""
    await get_award(session, award_id)
    return await resolve_pending(session, reservation_key(award_id), kind="post", key=commit_key(award_id),
                                 code="commitment", request=_commit_request(award_id), actor=actor)


async def _commit_all_at_once(session: AsyncSession, award_ids: Sequence[str], awards: Sequence[Award],
                              actor: str) -> dict[int, Posted] | None:
    """A batch's commitments posted together when every one of them takes effect (the common case), as
    `_post_reservation` would post each. None, with nothing written, when any needs the one-by-one path: an
    unknown award, a commitment already posted, a reservation resolved or expired, a posting refused."""
    if len(award_ids) < 2 or len(set(award_ids)) != len(award_ids) or len(awards) != len(award_ids):
        return None
    repo = LedgerRepository(session)
    if await repo.transfers_by_keys([commit_key(i) for i in award_ids]):
        return None
    reserved = await repo.transfers_by_keys([reservation_key(i) for i in award_ids])
    now = clock.now()
    if len(reserved) != len(award_ids) or any(
            t.kind != "pending" or j.outcome != "pending" or (t.expires_at is not None and t.expires_at <= now)
            for t, j in reserved.values()):
        return None
    if await repo.resolutions_of([t.id for t, _ in reserved.values()]):
        return None
    specs = []
    for award_id in award_ids:
        pending, journal = reserved[reservation_key(award_id)]
        specs.append(TransferSpec(
            key=commit_key(award_id), kind="post", code="commitment", debit_account_id=pending.debit_account_id,
            credit_account_id=pending.credit_account_id, amount=journal.amount, request=_commit_request(award_id),
            pending=pending, pending_amount=journal.amount, award_id=pending.award_id))
    accounts = await repo.accounts_by_ids({a for spec in specs for a in (spec.debit_account_id,
                                                                          spec.credit_account_id)})
    savepoint = await session.begin_nested()
    results = await post_transfers(session, specs, accounts, actor=actor)
    if any(result.rejected or result.replay for result in results):
        await savepoint.rollback()
        return None
    await savepoint.commit()
    return dict(enumerate(results))


async def _void_reservation(session: AsyncSession, award_id: str, actor: str) -> Posted:
    """Release the reservation (the approval did not go through)."""
    await get_award(session, award_id)
    return await resolve_pending(session, reservation_key(award_id), kind="void", key=f"release:{award_id}",
                                 code="release", request={"operation": "release", "award_id": award_id},
                                 actor=actor)


async def _releases(session: AsyncSession, awards: Sequence[Award]) -> dict[str, tuple[Transfer, JournalRecord]]:
    found = await LedgerRepository(session).transfers_by_once_keys([release_key(a.id) for a in awards])
    return {a.id: found[release_key(a.id)] for a in awards if release_key(a.id) in found}


async def award_statuses(session: AsyncSession, awards: Sequence[Award],
                         releases: dict[str, tuple[Transfer, JournalRecord]] | None = None) -> dict[str, str]:
    if releases is None:
        releases = await _releases(session, awards)
    repo = LedgerRepository(session)
    found = await repo.transfers_with_journal([a.reservation_transfer_id for a in awards])
    resolutions = await repo.resolutions_of([a.reservation_transfer_id for a in awards])
    reversals = await repo.reversals_of([r.id for r in resolutions.values() if r.kind == "post"])
    reversal_journals = await repo.transfers_with_journal([t.id for t in reversals.values()])
    # A commitment taken back (the reconciler reverses one whose approval is gone) is no longer committed.
    reversed_posts = {post_id for post_id, t in reversals.items() if reversal_journals[t.id][1].outcome == "posted"}
    now = clock.now()
    statuses = {}
    for award in awards:
        transfer, journal = found[award.reservation_transfer_id]
        resolution = resolutions.get(transfer.id)
        if journal.outcome == "rejected":
            statuses[award.id] = "rejected"
        elif award.id in releases:
            statuses[award.id] = "released"
        elif resolution is not None and resolution.id in reversed_posts:
            statuses[award.id] = "reversed"
        elif resolution is not None:
            statuses[award.id] = {"post": "committed", "void": "voided", "expire": "expired"}[resolution.kind]
        elif transfer.expires_at is not None and transfer.expires_at <= now:
            statuses[award.id] = "expired"
        else:
            statuses[award.id] = "reserved"
    return statuses


async def read_awards(session: AsyncSession, awards: Sequence[Award]) -> list[AwardRead]:
    if not awards:
        return []
    repo = LedgerRepository(session)
    releases = await _releases(session, awards)
    statuses = await award_statuses(session, awards, releases)
    accounts = await repo.accounts_by_ids([i for a in awards for i in (a.commitment_account_id, a.paid_account_id)])
    once_keys = [installment_key(a.id, n) for a in awards for n in range(1, len(a.installments) + 1)]
    paid = {once_key: transfer.key
            for once_key, (transfer, _) in (await repo.transfers_by_once_keys(once_keys)).items()}
    reservations = await repo.transfers_with_journal([a.reservation_transfer_id for a in awards])
    reads = []
    for award in awards:
        commitment, paid_account = accounts[award.commitment_account_id], accounts[award.paid_account_id]
        paid_fen = paid_account.credits_posted - paid_account.debits_posted
        committed_fen = commitment.credits_posted - commitment.debits_posted + paid_fen
        installments = [
            InstallmentRead(number=n, percent=p, amount_fen=amount, paid=installment_key(award.id, n) in paid,
                            transfer_id=paid.get(installment_key(award.id, n)))
            for n, (p, amount) in enumerate(zip(award.installments,
                                                installment_amounts(award.amount, award.installments),
                                                strict=True), start=1)
        ]
        reservation = reservations[award.reservation_transfer_id][0]
        release = releases.get(award.id)
        reads.append(AwardRead(
            id=award.id, application_id=award.application_id, program_code=award.program_code,
            rule_version=award.rule_version, fiscal_year=award.fiscal_year, grantee_ref=award.grantee_ref,
            grantee_name=award.grantee_name, agency_code=award.agency_code, city_code=award.city_code,
            amount_fen=award.amount, status=statuses[award.id], matching=award.computation.get("kind") == "matching",
            installments=installments, committed_fen=committed_fen, paid_fen=paid_fen,
            remaining_fen=committed_fen - paid_fen, released_fen=release[1].amount if release else 0,
            release_id=release[0].key if release else None, reservation_id=reservation.key,
            expires_at=reservation.expires_at, computation=award.computation, created_at=award.created_at,
        ))
    return reads


async def list_awards(session: AsyncSession, principal: Principal, filters: AwardFilters,
                      params: PageParams) -> Page[AwardRead]:
    """Awards and reservations, newest first: of the programs `principal` may read."""
    programs = await readable_programs(session, principal)
    filters = AwardFilters(**{**vars(filters), "programs": frozenset(programs) if programs is not None else None})
    awards, total, next_page = await AwardRepository(session).awards_page(filters, params)
    return Page(items=await read_awards(session, awards), total=total, page=params.page, size=params.size,
                next=next_page)


async def read_award(session: AsyncSession, principal: Principal, award_id: str) -> AwardRead:
    """An award, for those who may read its program."""
    award = await get_award(session, award_id)
    rule = await RulesRepository(session).rule_version(award.program_code, award.rule_version)
    if rule is not None:
        ensure_program_reader(principal, rule)
    [read] = await read_awards(session, [award])
    return read


async def _replay_or_require_committed(session: AsyncSession, award: Award, key: str,
                                      request: dict[str, Any]) -> Posted | None:
    """What `key` already holds (a retry gets its outcome even after the award was released); else None when the
    award is committed, AwardNotCommitted when it is not."""
    if (replay := await outcome_stored_under(session, key, request)) is not None:
        return replay
    status = (await award_statuses(session, [award]))[award.id]
    if status != "committed":
        raise AwardNotCommitted(award.id, status)
    return None


async def _pay_installment(session: AsyncSession, award_id: str, body: DisbursementCreate, key: str | None,
                           actor: str) -> Posted:
    """Pay installment n (commitment → paid). Installment n is paid at most once whatever id is used."""
    award = await get_award(session, award_id)
    if award.computation.get("kind") == "matching":
        raise MatchingAwardPaidByMatches()
    once = installment_key(award_id, body.installment)
    transfer_key = body.id or key or once
    request = {"operation": "disburse", "award_id": award_id, "installment": body.installment}
    if (stored := await _replay_or_require_committed(session, award, transfer_key, request)) is not None:
        return stored
    if body.installment > len(award.installments):
        raise InstallmentOutOfRange(body.installment, len(award.installments))
    amount = installment_amounts(award.amount, award.installments)[body.installment - 1]
    accounts = await LedgerRepository(session).accounts_by_ids([award.commitment_account_id, award.paid_account_id])
    spec = TransferSpec(
        key=transfer_key, kind="single", code="installment", debit_account_id=award.commitment_account_id,
        credit_account_id=award.paid_account_id, amount=amount, request=request,
        once_key=once, once_reason="installment_already_paid", award_id=award_id,
        meta={"installment": body.installment, "of": len(award.installments)},
    )
    [result] = await post_transfers(session, [spec], accounts, actor=actor)
    return result


async def _pay_match(session: AsyncSession, award_id: str, body: MatchCreate, actor: str) -> list[Posted]:
    """One national funding event of a matching award: record the national amount received, and pay the match
    (ratio × base, but no more than the award's cap leaves), computed against the locked paid account."""
    award = await get_award(session, award_id)
    rule = await RulesRepository(session).rule_version(award.program_code, award.rule_version)
    if rule is None:
        raise RuleNotFound(award.program_code)
    if rule.kind != "matching":
        raise NotAMatchingAward(award_id)
    request = {"operation": "match", "award_id": award_id, "event_id": body.event_id,
               "base_amount_fen": body.base_amount_fen}
    # A stored outcome is replayed by post_transfers below, with the base transfer's.
    await _replay_or_require_committed(session, award, f"match:{award_id}:{body.event_id}", request)
    wanted = min(body.base_amount_fen * rule.params["ratio_numerator"] // rule.params["ratio_denominator"], MAX_AMOUNT)
    if wanted <= 0:
        raise RuleInputInvalid("配套基数过小，按比例计算不足 1 分。", "The base is too small to match a single fen.",
                               "base_amount_fen")
    national, _ = await ensure_account(session, {"code": NATIONAL_TREASURY, "kind": "treasury", "normal_side": "debit",
                                                 "name": "中央财政（配套基数来源）"})
    received, _ = await ensure_account(session, {
        "code": f"national_match_received:{award_id}", "kind": "national_match_received", "normal_side": "credit",
        "name": f"国家资金到位 {award_id}", "program_code": award.program_code, "fiscal_year": award.fiscal_year,
        "award_id": award_id, "city_code": award.city_code, "agency_code": award.agency_code,
        "plan_code": rule.plan_code})
    accounts = await LedgerRepository(session).accounts_by_ids([award.commitment_account_id, award.paid_account_id])
    accounts |= {national.id: national, received.id: received}
    specs = [
        TransferSpec(key=f"match-base:{award_id}:{body.event_id}", kind="single", code="match_base",
                     debit_account_id=national.id, credit_account_id=received.id, amount=body.base_amount_fen,
                     request=request, award_id=award_id),
        TransferSpec(key=f"match:{award_id}:{body.event_id}", kind="single", code="match",
                     debit_account_id=award.commitment_account_id, credit_account_id=award.paid_account_id,
                     amount=wanted, request=request, award_id=award_id, balancing=True,
                     cap_reason="match_cap_reached", meta={"event_id": body.event_id}),
    ]
    return await post_transfers(session, specs, accounts, actor=actor)


async def _release(session: AsyncSession, award_id: str, body: ReleaseCreate, key: str | None, actor: str) -> Posted:
    """End a committed award and give its unpaid rest back, in one transfer from its commitment: to the budget
    its reservation drew on, or, once that budget's fiscal year is closed, to the treasury that funds the budget
    (the year's unspent money lapses there). At most once per award, whatever the id.

    The amount is read under the commitment's lock, so a match or an installment racing with the release is
    either paid first (and not released) or comes after it and finds nothing left to pay from."""
    award = await get_award(session, award_id)
    if key is not None and not 1 <= len(key) <= 200:
        raise InvalidIdempotencyKey()
    transfer_key = body.id or key or release_key(award_id)
    request = {"operation": "award_release", "award_id": award_id, "reason": body.reason}
    # The budget is locked too: a fiscal-year close waits until the release has chosen where the money goes. A
    # budget closed already (closing is for good) sends it to its treasury, locked with the rest in id order; one
    # closed between this read and the lock is caught below, its treasury then taken last (a deadlock is retried).
    repo = LedgerRepository(session)
    budget = await repo.account_by_id(award.budget_account_id)
    treasury = await treasury_for(session, budget.city_code) if budget.closed_at is not None else None
    await lock_accounts(session, {award.budget_account_id, award.commitment_account_id}
                        | ({treasury.id} if treasury is not None else set()))
    if (stored := await _replay_or_require_committed(session, award, transfer_key, request)) is not None:
        return stored
    accounts = await repo.fresh_accounts([award.budget_account_id, award.commitment_account_id,
                                          award.paid_account_id])
    budget, commitment = accounts[award.budget_account_id], accounts[award.commitment_account_id]
    paid = accounts[award.paid_account_id].credits_posted - accounts[award.paid_account_id].debits_posted
    # What can leave the commitment without taking it below its floor of 0 (outgoing pendings count).
    rest = commitment.credits_posted - commitment.debits_posted - commitment.debits_pending
    if rest <= 0:
        raise NothingToRelease(award_id, paid)
    target: Account = budget if budget.closed_at is None else treasury or await treasury_for(session, budget.city_code)
    returned_to = "budget" if target is budget else "treasury"
    spec = TransferSpec(
        key=transfer_key, kind="single", code="award_release", debit_account_id=commitment.id,
        credit_account_id=target.id, amount=rest, request=request, once_key=release_key(award_id),
        award_id=award_id, meta={"reason": body.reason, "returned_to": returned_to},
    )
    [result] = await post_transfers(session, [spec], {commitment.id: commitment, target.id: target}, actor=actor)
    if not result.rejected:
        await record_change(session, AuditLog, actor=actor, action="award.release", entity_type="award",
                            entity_id=award_id, before={"status": "committed", "paid_fen": paid, "remaining_fen": rest},
                            after={"status": "released", "released_fen": rest, "returned_to": target.code,
                                   "transfer": transfer_key, "reason": body.reason})
    return result


async def reconcile_one(session: AsyncSession, ident: str, approved: bool, actor: str) -> list[ReconcileLine]:
    """Settle what the saga left half-way for one approval or application: post the reservation of an
    approved one (the newest, if several; older ones are voided), void those not approved, and reverse a
    commitment that has no approval behind it (refused, and reported, if some of it was already paid)."""
    awards = await AwardRepository(session).awards_of(ident)
    if not awards:
        return [ReconcileLine(id=ident, award_id=None, action="not_found", status=None)]
    statuses = await award_statuses(session, awards)
    lines = []
    keep = None
    if approved:
        committed = [a for a in awards if statuses[a.id] in ("committed", "released")]
        reserved = [a for a in awards if statuses[a.id] == "reserved"]
        keep = committed[-1] if committed else reserved[-1] if reserved else None
    for award in awards:
        status = statuses[award.id]
        if award is keep and status == "reserved":
            result = await _post_reservation(session, award.id, actor)
            lines.append(_line(ident, award.id, "posted", result))
        elif status == "reserved":
            result = await _void_reservation(session, award.id, actor)
            lines.append(_line(ident, award.id, "voided", result))
        elif status == "committed" and not approved:
            result = await reverse(session, commit_key(award.id), ReversalCreate(reason="reconcile: not approved"),
                                   actor)
            lines.append(_line(ident, award.id, "reversed", result))
        else:
            lines.append(ReconcileLine(id=ident, award_id=award.id, action="unchanged", status=status))
    return lines


def _line(ident: str, award_id: str, action: str, result: Posted) -> ReconcileLine:
    if result.rejected:
        return ReconcileLine(id=ident, award_id=award_id, action="failed", status=result.journal.outcome,
                             detail=result.journal.reason)
    return ReconcileLine(id=ident, award_id=award_id, action=action, status=result.journal.outcome)


# Answers ------------------------------------------------------------------------------------------------


async def _reservation_answer(session: AsyncSession, approval_id: str, result: Posted) -> Stored[ReservationRead]:
    [award] = await read_awards(session, [await get_award(session, approval_id)])
    [transfer] = await describe(session, [result])
    read = ReservationRead(award=award, transfer=transfer)
    return await answer(session, [result], read, outcome=lambda: {"reservation": read.model_dump(mode="json")})


async def create_reservation(session: AsyncSession, body: ReservationCreate, actor: str,
                             default_timeout_seconds: int) -> Stored[ReservationRead]:
    """Saga step 2: reserve the award's amount on its budget, keyed by the approval id."""
    result = await _reserve(session, body, actor, default_timeout_seconds)
    return await _reservation_answer(session, body.approval_id, result)


async def post_reservation(session: AsyncSession, approval_id: str, actor: str) -> Stored[ReservationRead]:
    """Saga step 4: commit the award."""
    return await _reservation_answer(session, approval_id, await _post_reservation(session, approval_id, actor))


async def void_reservation(session: AsyncSession, approval_id: str, actor: str) -> Stored[ReservationRead]:
    """The approval did not go through: release the reserved money."""
    return await _reservation_answer(session, approval_id, await _void_reservation(session, approval_id, actor))


@dataclass
class BatchOutcomes:
    """What a batch of reservation operations stored: per position in the batch, the outcome (replays included)
    or the refusal. Written in the batch's transaction; answered (`batch_answer`) after its commit."""

    approval_ids: Sequence[str]
    done: dict[int, Posted]
    problems: dict[int, DomainError]


async def _each(session: AsyncSession, approval_ids: Sequence[str],
                act: Callable[[str, int], Awaitable[Posted]],
                all_at_once: Callable[[], Awaitable[dict[int, Posted] | None]] | None = None) -> BatchOutcomes:
    """One outcome per approval, each under a savepoint of the batch's one transaction: a refusal undoes only
    its own approval's writes (a stored ledger rejection stays, as the single endpoint keeps it); or, when
    `all_at_once` manages the whole batch, its outcomes."""
    together = await all_at_once() if all_at_once is not None else None
    done: dict[int, Posted] = together or {}
    problems: dict[int, DomainError] = {}
    for index, approval_id in enumerate(approval_ids if together is None else ()):
        savepoint = await session.begin_nested()
        try:
            done[index] = await act(approval_id, index)
        except DomainError as error:
            if error.commit_before_answer:
                await savepoint.commit()
            else:
                await savepoint.rollback()
            problems[index] = error
            continue
        await savepoint.commit()
    return BatchOutcomes(approval_ids, done, problems)


async def batch_answer(session: AsyncSession, outcomes: BatchOutcomes) -> ReservationBatchResult:
    """Each outcome answered as the single endpoint would answer it, read for the whole batch at once. Read
    after the batch's commit, so the budget's row and the journal's lock are not held while the answers are
    built."""
    approval_ids, done, problems = outcomes.approval_ids, outcomes.done, dict(outcomes.problems)
    indexes = sorted(done)
    awards = await AwardRepository(session).awards_by_ids(list({approval_ids[i] for i in indexes}))
    reads = {read.id: read for read in await read_awards(session, awards)}
    transfers = dict(zip(indexes, await describe(session, [done[i] for i in indexes]), strict=True))
    items = []
    for index, approval_id in enumerate(approval_ids):
        if index not in problems:
            read = ReservationRead(award=reads[approval_id], transfer=transfers[index])
            try:
                stored = await answer(session, [done[index]], read,
                                      outcome=lambda read=read: {"reservation": read.model_dump(mode="json")})
            except DomainError as error:
                problems[index] = error
            else:
                items.append(ReservationBatchItem(approval_id=approval_id, status=201, replay=stored.replay,
                                                  reservation=read))
                continue
        error = problems[index]
        items.append(ReservationBatchItem(approval_id=approval_id, status=error.status,
                                          problem=error.to_problem(english=False, instance=None)))
    return ReservationBatchResult(items=items)


async def create_reservations(session: AsyncSession, body: ReservationBatchCreate, actor: str,
                              default_timeout_seconds: int) -> BatchOutcomes:
    """Saga step 2 for several approvals in one request and one transaction (a batch decision costs one round
    trip); each reservation keyed by its approval id, with its own outcome."""
    known: dict[BudgetKey, tuple[FundingRuleVersion, Account]] = {}

    async def act(approval_id: str, index: int) -> Posted:
        return await _reserve(session, body.reservations[index], actor, default_timeout_seconds, known)

    for reservation in body.reservations:
        try:
            await _rule_and_budget(session, reservation, known)
        except DomainError:
            continue  # that reservation is refused on its own below
    await _lock_budgets(session, {budget.id for _, budget in known.values()})
    return await _each(session, [r.approval_id for r in body.reservations], act, partial(
        _reserve_all_at_once, session, body.reservations, actor, default_timeout_seconds, known))


async def _lock_budgets(session: AsyncSession, budget_ids: set[int]) -> None:
    """A batch touching several budgets locks them all first, in ascending id order: otherwise two batches (or a
    batch and a single posting) holding one budget each and the journal's lock would wait on each other."""
    if len(budget_ids) > 1:
        await lock_accounts(session, budget_ids)


async def post_reservations(session: AsyncSession, body: ReservationPostBatch, actor: str) -> BatchOutcomes:
    """Saga step 4 for several approvals in one request and one transaction, each with its own outcome."""
    async def act(approval_id: str, index: int) -> Posted:
        return await _post_reservation(session, approval_id, actor)

    awards = await AwardRepository(session).awards_by_ids(list(set(body.approval_ids)))
    await _lock_budgets(session, {a.budget_account_id for a in awards})
    return await _each(session, body.approval_ids, act,
                       partial(_commit_all_at_once, session, body.approval_ids, awards, actor))


async def read_reservation(session: AsyncSession, approval_id: str) -> ReservationRead:
    [award] = await read_awards(session, [await get_award(session, approval_id)])
    return ReservationRead(award=award, transfer=await get_transfer(session, award.reservation_id))


async def disburse(session: AsyncSession, award_id: str, body: DisbursementCreate, key: str | None,
                   actor: str) -> Stored[DisbursementRead]:
    """Pay installment n of a committed award."""
    result = await _pay_installment(session, award_id, body, key, actor)
    if not result.replay and not result.rejected:
        paid = await get_award(session, award_id)
        add_outbox_event(session, OutboxEvent, type="award.disbursed", subject=f"award/{award_id}",
                         agencies=[paid.agency_code, paid.city_code], occurred_at=result.transfer.created_at,
                         payload={"award_id": award_id, "application_id": paid.application_id,
                                  "program_code": paid.program_code, "installment": body.installment,
                                  "amount_fen": result.journal.amount})
    [award] = await read_awards(session, [await get_award(session, award_id)])
    [transfer] = await describe(session, [result])
    read = DisbursementRead(award=award, transfer=transfer)
    return await answer(session, [result], read, outcome=lambda: {"transfer": transfer.model_dump(mode="json")})


async def record_match(session: AsyncSession, award_id: str, body: MatchCreate, actor: str) -> Stored[MatchRead]:
    """Record a national funding event of a matching award and pay its match."""
    results = await _pay_match(session, award_id, body, actor)
    [award] = await read_awards(session, [await get_award(session, award_id)])
    base, match = await describe(session, results)
    read = MatchRead(award=award, base_transfer=base, match_transfer=match, matched_fen=match.effective_amount)
    return await answer(session, results, read, outcome=lambda: {"match": read.model_dump(mode="json")})


async def release_award(session: AsyncSession, award_id: str, body: ReleaseCreate, key: str | None,
                        actor: str) -> Stored[ReleaseRead]:
    """End a committed award and give its unpaid rest back."""
    result = await _release(session, award_id, body, key, actor)
    [award] = await read_awards(session, [await get_award(session, award_id)])
    [transfer] = await describe(session, [result])
    target = await LedgerRepository(session).account_by_id(result.transfer.credit_account_id)
    read = ReleaseRead(award=award, transfer=transfer, released_fen=result.journal.amount, returned_to=target.code)
    return await answer(session, [result], read, outcome=lambda: {"release": read.model_dump(mode="json")})


async def reconcile(database: Database, body: ReconcileRequest, actor: str) -> ReconcileResult:
    """Settle each approval or application in a transaction of its own, so a long reconciliation never holds a
    budget's row for long, and what it settled stays settled if a later one fails."""
    lines = []
    for ident, approved in [(i, True) for i in body.approved] + [(i, False) for i in body.not_approved]:
        lines += await run_in_transaction(database, partial(reconcile_one, ident=ident, approved=approved,
                                                            actor=actor))
    return ReconcileResult(lines=lines)
