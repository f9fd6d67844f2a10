"""single-statement posting: a PostgreSQL function that posts one plain transfer in one round trip

Revision ID: funding_2026_11_26_one_statement
Revises: funding_2026_11_26_ledger
Create Date: 2026-11-26 12:00:00+00:00

`funding_post_single` does what funding/ledger/posting.py does for one transfer whose amount is known and that
takes effect: one guarded UPDATE per leg in ascending account id, the header (ON CONFLICT (key) DO NOTHING), the
entries, and the journal row under the journal lock, hash-chained. Called as a statement of its own (its own
transaction), it holds the account rows and the journal lock only inside the server, never across a network
round trip. It answers no row, writing nothing, when both accounts are one or the id already holds an outcome,
and it raises SQLSTATE LDGR1, undoing everything, when an account is unknown, closed or in another currency, a
guard refuses, or a concurrent request took the id first: in all those cases the caller takes the full path,
which explains, replays or stores the rejection.
The journal body's canonical JSON is built by the caller around the three values only known here
(recorded_at, seq, the transfer id): see funding.ledger.chain.journal_body_parts. SQLite has no such function.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "funding_2026_11_26_one_statement"
down_revision: str | None = "funding_2026_11_26_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_COUNTER = 2**61
JOURNAL_LOCK_KEY = 0x46554E44  # funding.ledger.posting.JOURNAL_LOCK_KEY

POST_SINGLE = f"""
CREATE FUNCTION funding_post_single(
    p_key text, p_request_hash text, p_request json, p_code text, p_debit bigint, p_credit bigint,
    p_amount bigint, p_award_id text, p_metadata json, p_actor text, p_now timestamptz, p_currency text,
    p_body_parts text[]
) RETURNS TABLE (transfer_id bigint, seq bigint, recorded_at timestamptz, prev_hash text, hash text)
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_seq bigint;
    v_prev text;
    v_last timestamptz;
    v_at timestamptz;
    v_hash text;
    v_leg record;
BEGIN
    IF p_debit = p_credit OR EXISTS (SELECT 1 FROM transfers t WHERE t.key = p_key) THEN
        RETURN;
    END IF;
    -- The legs before the header: the header's and entries' foreign keys then lock account rows this
    -- transaction already holds, instead of piling shared locks (multixacts) on a hot budget row that
    -- every other posting waits to update.
    FOR v_leg IN SELECT l.account_id, l.side FROM (VALUES (p_debit, 'debit'), (p_credit, 'credit')) AS l(account_id, side)
                 ORDER BY l.account_id LOOP
        IF v_leg.side = 'debit' THEN
            UPDATE accounts a SET debits_posted = a.debits_posted + p_amount
             WHERE a.id = v_leg.account_id AND a.currency = p_currency AND a.closed_at IS NULL AND a.debits_posted < {MAX_COUNTER} - p_amount
               AND /* guard */ CASE WHEN a.normal_side = 'credit'
                        THEN a.floor IS NULL OR a.credits_posted - a.debits_posted - a.debits_pending - p_amount >= a.floor
                        ELSE a.ceiling IS NULL OR a.debits_posted + a.debits_pending - a.credits_posted + p_amount <= a.ceiling
                   END /* end guard */;
        ELSE
            UPDATE accounts a SET credits_posted = a.credits_posted + p_amount
             WHERE a.id = v_leg.account_id AND a.currency = p_currency AND a.closed_at IS NULL AND a.credits_posted < {MAX_COUNTER} - p_amount
               AND /* guard */ CASE WHEN a.normal_side = 'credit'
                        THEN a.ceiling IS NULL OR a.credits_posted + a.credits_pending - a.debits_posted + p_amount <= a.ceiling
                        ELSE a.floor IS NULL OR a.debits_posted - a.credits_posted - a.credits_pending - p_amount >= a.floor
                   END /* end guard */;
        END IF;
        IF NOT FOUND THEN
            -- Unknown, closed, in another currency, or a guard refused: the full path explains which.
            RAISE EXCEPTION 'transfer % refused on account %: the full path explains it', p_key, v_leg.account_id
                USING ERRCODE = 'LDGR1';
        END IF;
    END LOOP;
    INSERT INTO transfers (key, request_hash, request, kind, code, debit_account_id, credit_account_id, amount,
                           award_id, metadata, actor, created_at)
    VALUES (p_key, p_request_hash, p_request, 'single', p_code, p_debit, p_credit, p_amount, p_award_id,
            p_metadata, p_actor, p_now)
    ON CONFLICT (key) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN  -- the id holds an outcome: undo the legs, the full path replays it
        RAISE EXCEPTION 'transfer % exists', p_key USING ERRCODE = 'LDGR1';
    END IF;
    INSERT INTO entries (transfer_id, account_id, side, layer, amount)
    VALUES (v_id, p_debit, 'debit', 'posted', p_amount), (v_id, p_credit, 'credit', 'posted', p_amount);

    PERFORM pg_advisory_xact_lock({JOURNAL_LOCK_KEY});
    SELECT j.seq, j.hash, j.recorded_at INTO v_seq, v_prev, v_last FROM journal j ORDER BY j.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
        v_at := p_now;
    ELSE
        v_at := greatest(p_now, v_last);
    END IF;
    v_seq := v_seq + 1;
    v_hash := encode(sha256(convert_to(
        v_prev || p_body_parts[1] || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
        || p_body_parts[2] || v_seq::text || p_body_parts[3] || v_id::text || p_body_parts[4], 'UTF8')), 'hex');
    INSERT INTO journal (seq, transfer_id, recorded_at, outcome, amount, reason, account_id, headroom, prev_hash, hash)
    VALUES (v_seq, v_id, v_at, 'posted', p_amount, NULL, NULL, NULL, v_prev, v_hash);
    RETURN QUERY SELECT v_id, v_seq, v_at, v_prev, v_hash;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POST_SINGLE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS funding_post_single(text, text, json, text, bigint, bigint, bigint, text, "
                   "json, text, timestamptz, text, text[])")
