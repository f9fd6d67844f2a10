"""one-statement posting: a PostgreSQL function that posts plain transfers in one round trip

Revision ID: funding_2026_11_26_one_statement
Revises: funding_2026_11_26_ledger
Create Date: 2026-11-26 12:00:00+00:00

`funding_post_plain` does what funding/ledger/posting.py does for transfers whose amounts are known and that
take effect, for a batch of independent ones (the concurrent requests of one worker): it locks every account
the batch touches in ascending id, then per transfer checks its guards on those held rows and, when they
hold, makes one guarded UPDATE per leg in ascending account id, inserts the header (ON CONFLICT (key) DO
NOTHING) and the entries; then, under the journal lock, appends the hash-chained journal rows of those that
took effect. Called as a statement of its own (its
own transaction), it holds account rows and the journal lock only inside the server, never across a network
round trip, and commits a batch once. A transfer whose accounts are one, whose id already holds an outcome,
whose account is unknown, closed or in another currency, whose guard refuses, or whose id an earlier transfer
of the batch has, is left out, with nothing of it written: the caller takes the full path for it, which
explains, replays or stores the rejection. Should a concurrent request take an id between the check and the
insert, the function raises SQLSTATE LDGR1 and the whole batch, undone, takes the full path. The legs go before the header so that the foreign keys of header and entries
lock rows this transaction already holds instead of piling shared locks (multixacts) on a hot budget row.
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

# The floor / ceiling conditions of a debit and of a credit of p_amounts[i], by the account's normal side. Marked
# so that the control run (tests/test_funding_chaos.py) can cut them out.
DEBIT_GUARD = """/* guard */ CASE WHEN a.normal_side = 'credit'
        THEN a.floor IS NULL OR a.credits_posted - a.debits_posted - a.debits_pending - p_amounts[i] >= a.floor
        ELSE a.ceiling IS NULL OR a.debits_posted + a.debits_pending - a.credits_posted + p_amounts[i] <= a.ceiling
    END /* end guard */"""
CREDIT_GUARD = """/* guard */ CASE WHEN a.normal_side = 'credit'
        THEN a.ceiling IS NULL OR a.credits_posted + a.credits_pending - a.debits_posted + p_amounts[i] <= a.ceiling
        ELSE a.floor IS NULL OR a.debits_posted - a.credits_posted - a.credits_pending - p_amounts[i] >= a.floor
    END /* end guard */"""

POST_PLAIN = f"""
CREATE FUNCTION funding_post_plain(
    p_keys text[], p_request_hashes text[], p_requests text[], p_codes text[], p_debits bigint[],
    p_credits bigint[], p_amounts bigint[], p_award_ids text[], p_metadata text[], p_actors text[],
    p_nows timestamptz[], p_currencies text[], p_body_parts text[]
) RETURNS TABLE (item integer, transfer_id bigint, seq bigint, recorded_at timestamptz, prev_hash text, hash text)
LANGUAGE plpgsql AS $$
DECLARE
    n integer := coalesce(array_length(p_keys, 1), 0);
    v_ids bigint[] := array_fill(NULL::bigint, ARRAY[n]);
    v_id bigint;
    v_seq bigint;
    v_prev text;
    v_last timestamptz;
    v_at timestamptz;
    v_hash text;
    v_leg record;
    i integer;
BEGIN
    PERFORM 1 FROM accounts a WHERE a.id = ANY (p_debits || p_credits) ORDER BY a.id FOR NO KEY UPDATE;
    FOR i IN 1 .. n LOOP
        IF p_debits[i] = p_credits[i] OR p_keys[i] = ANY (p_keys[1:i - 1])
           OR EXISTS (SELECT 1 FROM transfers t WHERE t.key = p_keys[i]) THEN
            CONTINUE;
        END IF;
        -- The batch holds its accounts' rows, so what this check sees stays true until the updates below
        -- (checking first spares a subtransaction per transfer to undo a refused second leg).
        IF (SELECT count(*) FROM accounts a
            WHERE a.currency = p_currencies[i] AND a.closed_at IS NULL AND (
                (a.id = p_debits[i] AND a.debits_posted < {MAX_COUNTER} - p_amounts[i] AND {DEBIT_GUARD})
                OR (a.id = p_credits[i] AND a.credits_posted < {MAX_COUNTER} - p_amounts[i] AND {CREDIT_GUARD}))) < 2 THEN
            CONTINUE;  -- unknown, closed, another currency, or a guard refuses
        END IF;
        FOR v_leg IN SELECT l.account_id, l.side
                     FROM (VALUES (p_debits[i], 'debit'), (p_credits[i], 'credit')) AS l(account_id, side)
                     ORDER BY l.account_id LOOP
            IF v_leg.side = 'debit' THEN
                UPDATE accounts a SET debits_posted = a.debits_posted + p_amounts[i]
                 WHERE a.id = v_leg.account_id AND a.currency = p_currencies[i] AND a.closed_at IS NULL
                   AND a.debits_posted < {MAX_COUNTER} - p_amounts[i] AND {DEBIT_GUARD};
            ELSE
                UPDATE accounts a SET credits_posted = a.credits_posted + p_amounts[i]
                 WHERE a.id = v_leg.account_id AND a.currency = p_currencies[i] AND a.closed_at IS NULL
                   AND a.credits_posted < {MAX_COUNTER} - p_amounts[i] AND {CREDIT_GUARD};
            END IF;
            IF NOT FOUND THEN  -- cannot happen after the check above; if it does, the whole batch is undone
                RAISE EXCEPTION 'guard refused after its check on account %', v_leg.account_id USING ERRCODE = 'LDGR1';
            END IF;
        END LOOP;
        INSERT INTO transfers (key, request_hash, request, kind, code, debit_account_id, credit_account_id, amount,
                               award_id, metadata, actor, created_at)
        VALUES (p_keys[i], p_request_hashes[i], p_requests[i]::json, 'single', p_codes[i], p_debits[i], p_credits[i],
                p_amounts[i], p_award_ids[i], p_metadata[i]::json, p_actors[i], p_nows[i])
        ON CONFLICT (key) DO NOTHING
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN  -- a concurrent request took the id since the check: undo the batch, all go the full path
            RAISE EXCEPTION 'transfer % was taken meanwhile', p_keys[i] USING ERRCODE = 'LDGR1';
        END IF;
        INSERT INTO entries (transfer_id, account_id, side, layer, amount)
        VALUES (v_id, p_debits[i], 'debit', 'posted', p_amounts[i]),
               (v_id, p_credits[i], 'credit', 'posted', p_amounts[i]);
        v_ids[i] := v_id;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM unnest(v_ids) AS posted(id) WHERE posted.id IS NOT NULL) THEN
        RETURN;
    END IF;

    PERFORM pg_advisory_xact_lock({JOURNAL_LOCK_KEY});
    SELECT j.seq, j.hash, j.recorded_at INTO v_seq, v_prev, v_last FROM journal j ORDER BY j.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
        v_last := NULL;
    END IF;
    FOR i IN 1 .. n LOOP
        CONTINUE WHEN v_ids[i] IS NULL;
        v_at := greatest(p_nows[i], v_last);
        v_seq := v_seq + 1;
        v_hash := encode(sha256(convert_to(
            v_prev || p_body_parts[4 * i - 3] || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
            || '+00:00' || p_body_parts[4 * i - 2] || v_seq::text || p_body_parts[4 * i - 1] || v_ids[i]::text
            || p_body_parts[4 * i], 'UTF8')), 'hex');
        INSERT INTO journal (seq, transfer_id, recorded_at, outcome, amount, reason, account_id, headroom, prev_hash,
                             hash)
        VALUES (v_seq, v_ids[i], v_at, 'posted', p_amounts[i], NULL, NULL, NULL, v_prev, v_hash);
        RETURN QUERY SELECT i, v_ids[i], v_seq, v_at, v_prev, v_hash;
        v_prev := v_hash;
        v_last := v_at;
    END LOOP;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POST_PLAIN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS funding_post_plain(text[], text[], text[], text[], bigint[], bigint[], "
                   "bigint[], text[], text[], text[], timestamptz[], text[], text[])")
