"""lean posting: funding_post_plain checks a batch's guards in memory and moves each account's row once

Revision ID: funding_2026_11_26_lean_posting
Revises: funding_2026_11_26_one_statement
Create Date: 2026-11-26 15:00:00+00:00

Same signature, arguments, results and behaviour as the function of funding_2026_11_26_one_statement (read its
docstring); less work inside. The batch's account rows are locked and read once (ascending id, as before); each
transfer's guards are then checked, in batch order, against running balances held in the function, and each
account's row is updated once for the whole batch with its new counters. Before, every transfer ran four to six
statements and left two new versions of its account rows, so a hot budget's row grew a long chain of dead
versions between prunings. The headers, entries and journal rows of the batch are each inserted by one
statement, and the ids already taken are looked up once. Foreign-key checks and triggers remain per row.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "funding_2026_11_26_lean_posting"
down_revision: str | None = "funding_2026_11_26_one_statement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_COUNTER = 2**61
JOURNAL_LOCK_KEY = 0x46554E44  # funding.ledger.posting.JOURNAL_LOCK_KEY

# The floor / ceiling conditions of a debit and of a credit of p_amounts[i] on the running balances of account
# position d or c (the same conditions as the previous revision's, on the rows the batch holds). Marked so that the
# control run (tests/test_funding_chaos.py) can cut them out.
DEBIT_GUARD = """/* guard */ CASE WHEN v_sides[d] = 'credit'
        THEN v_floors[d] IS NULL OR v_cp[d] - v_dp[d] - v_dpend[d] - p_amounts[i] >= v_floors[d]
        ELSE v_ceilings[d] IS NULL OR v_dp[d] + v_dpend[d] - v_cp[d] + p_amounts[i] <= v_ceilings[d]
    END /* end guard */"""
CREDIT_GUARD = """/* guard */ CASE WHEN v_sides[c] = 'credit'
        THEN v_ceilings[c] IS NULL OR v_cp[c] + v_cpend[c] - v_dp[c] + p_amounts[i] <= v_ceilings[c]
        ELSE v_floors[c] IS NULL OR v_dp[c] - v_cp[c] - v_cpend[c] - p_amounts[i] >= v_floors[c]
    END /* end guard */"""

POST_PLAIN = f"""
CREATE OR REPLACE FUNCTION funding_post_plain(
    p_keys text[], p_request_hashes text[], p_requests text[], p_codes text[], p_debits bigint[],
    p_credits bigint[], p_amounts bigint[], p_award_ids text[], p_metadata text[], p_actors text[],
    p_nows timestamptz[], p_currencies text[], p_body_parts text[]
) RETURNS TABLE (item integer, transfer_id bigint, seq bigint, recorded_at timestamptz, prev_hash text, hash text)
LANGUAGE plpgsql
-- Every look-up here is by a primary or unique key. A plan is cached per connection for its lifetime, and one made
-- while the tables were still small (a new database, before autovacuum's first ANALYZE) scanned all of transfers
-- for each batch: measured, that halved the throughput as the ledger grew. So the index is always taken.
SET enable_seqscan = off
AS $$
DECLARE
    n integer := coalesce(array_length(p_keys, 1), 0);
    -- The batch's accounts, by position (ascending id), with their balances as the batch moves them.
    v_accounts bigint[];
    v_sides text[];
    v_floors bigint[];
    v_ceilings bigint[];
    v_currencies text[];
    v_open boolean[];
    v_dp bigint[];
    v_cp bigint[];
    v_dpend bigint[];
    v_cpend bigint[];
    v_moved boolean[];
    v_taken text[];
    v_items integer[] := '{{}}';  -- the items that take effect, in batch order
    v_ids bigint[];  -- their transfer ids, in the same order
    v_seqs bigint[] := '{{}}';
    v_ats timestamptz[] := '{{}}';
    v_prevs text[] := '{{}}';
    v_hashes text[] := '{{}}';
    v_count integer;
    v_seq bigint;
    v_prev text;
    v_last timestamptz;
    v_at timestamptz;
    d integer;
    c integer;
    i integer;
    k integer;
BEGIN
    WITH locked AS (
        SELECT a.id, a.normal_side, a.floor, a.ceiling, a.currency, a.closed_at IS NULL AS open, a.debits_posted,
               a.credits_posted, a.debits_pending, a.credits_pending
          FROM accounts a WHERE a.id = ANY (p_debits || p_credits) ORDER BY a.id FOR NO KEY UPDATE
    )
    SELECT array_agg(l.id ORDER BY l.id), array_agg(l.normal_side ORDER BY l.id), array_agg(l.floor ORDER BY l.id),
           array_agg(l.ceiling ORDER BY l.id), array_agg(l.currency ORDER BY l.id), array_agg(l.open ORDER BY l.id),
           array_agg(l.debits_posted ORDER BY l.id), array_agg(l.credits_posted ORDER BY l.id),
           array_agg(l.debits_pending ORDER BY l.id), array_agg(l.credits_pending ORDER BY l.id)
      INTO v_accounts, v_sides, v_floors, v_ceilings, v_currencies, v_open, v_dp, v_cp, v_dpend, v_cpend
      FROM locked l;
    IF v_accounts IS NULL THEN
        RETURN;  -- none of the accounts exists
    END IF;
    v_moved := array_fill(false, ARRAY[cardinality(v_accounts)]);
    SELECT coalesce(array_agg(t.key), '{{}}') INTO v_taken FROM transfers t WHERE t.key = ANY (p_keys);
    FOR i IN 1 .. n LOOP
        CONTINUE WHEN p_debits[i] = p_credits[i] OR p_keys[i] = ANY (v_taken) OR p_keys[i] = ANY (p_keys[1:i - 1]);
        d := array_position(v_accounts, p_debits[i]);
        c := array_position(v_accounts, p_credits[i]);
        -- Unknown, closed or other-currency accounts, an overflowing counter or a refusing guard move nothing.
        CONTINUE WHEN d IS NULL OR c IS NULL OR NOT (v_open[d] AND v_open[c])
            OR v_currencies[d] <> p_currencies[i] OR v_currencies[c] <> p_currencies[i]
            OR v_dp[d] >= {MAX_COUNTER} - p_amounts[i] OR v_cp[c] >= {MAX_COUNTER} - p_amounts[i];
        CONTINUE WHEN NOT ({DEBIT_GUARD});
        CONTINUE WHEN NOT ({CREDIT_GUARD});
        v_dp[d] := v_dp[d] + p_amounts[i];
        v_cp[c] := v_cp[c] + p_amounts[i];
        v_moved[d] := true;
        v_moved[c] := true;
        v_items := v_items || i;
    END LOOP;
    IF cardinality(v_items) = 0 THEN
        RETURN;
    END IF;

    -- Each moved account's row once, in ascending id (rows this call has held since it read them).
    UPDATE accounts u SET debits_posted = m.dp, credits_posted = m.cp
      FROM unnest(v_accounts, v_dp, v_cp, v_moved) AS m(id, dp, cp, moved)
     WHERE u.id = m.id AND m.moved;
    -- The legs went first, so the headers' and entries' foreign keys find rows this transaction already holds.
    WITH inserted AS (
        INSERT INTO transfers (key, request_hash, request, kind, code, debit_account_id, credit_account_id, amount,
                               award_id, metadata, actor, created_at)
        SELECT p_keys[s.x], p_request_hashes[s.x], p_requests[s.x]::json, 'single', p_codes[s.x], p_debits[s.x],
               p_credits[s.x], p_amounts[s.x], p_award_ids[s.x], p_metadata[s.x]::json, p_actors[s.x], p_nows[s.x]
          FROM unnest(v_items) WITH ORDINALITY AS s(x, o)
         ORDER BY s.o
        ON CONFLICT (key) DO NOTHING
        RETURNING transfers.id, transfers.key
    )
    SELECT array_agg(ins.id ORDER BY array_position(p_keys, ins.key)), count(*) INTO v_ids, v_count FROM inserted ins;
    IF v_count <> cardinality(v_items) THEN  -- a concurrent request took an id since the look-up: all go the full path
        RAISE EXCEPTION 'a transfer id of the batch was taken meanwhile' USING ERRCODE = 'LDGR1';
    END IF;
    INSERT INTO entries (transfer_id, account_id, side, layer, amount)
    SELECT v_ids[s.o], l.account_id, l.side, 'posted', p_amounts[s.x]
      FROM unnest(v_items) WITH ORDINALITY AS s(x, o)
     CROSS JOIN LATERAL (VALUES (p_debits[s.x], 'debit'), (p_credits[s.x], 'credit')) AS l(account_id, side);

    PERFORM pg_advisory_xact_lock({JOURNAL_LOCK_KEY});
    SELECT j.seq, j.hash, j.recorded_at INTO v_seq, v_prev, v_last FROM journal j ORDER BY j.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
        v_last := NULL;
    END IF;
    FOR k IN 1 .. cardinality(v_items) LOOP
        i := v_items[k];
        v_at := greatest(p_nows[i], v_last);
        v_seq := v_seq + 1;
        v_seqs[k] := v_seq;
        v_ats[k] := v_at;
        v_prevs[k] := v_prev;
        v_prev := encode(sha256(convert_to(
            v_prev || p_body_parts[4 * i - 3] || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
            || '+00:00' || p_body_parts[4 * i - 2] || v_seq::text || p_body_parts[4 * i - 1] || v_ids[k]::text
            || p_body_parts[4 * i], 'UTF8')), 'hex');
        v_hashes[k] := v_prev;
        v_last := v_at;
    END LOOP;
    INSERT INTO journal (seq, transfer_id, recorded_at, outcome, amount, reason, account_id, headroom, prev_hash, hash)
    SELECT v_seqs[s.o], v_ids[s.o], v_ats[s.o], 'posted', p_amounts[s.x], NULL, NULL, NULL, v_prevs[s.o], v_hashes[s.o]
      FROM unnest(v_items) WITH ORDINALITY AS s(x, o);
    RETURN QUERY SELECT s.x, v_ids[s.o], v_seqs[s.o], v_ats[s.o], v_prevs[s.o], v_hashes[s.o]
                   FROM unnest(v_items) WITH ORDINALITY AS s(x, o);
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POST_PLAIN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Back to the previous revision's function, read from that (frozen) revision rather than copied here.
        path = Path(__file__).with_name("2026-11-26-1200_one_statement_posting.py")
        spec = importlib.util.spec_from_file_location("funding_one_statement_revision", path)
        previous = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(previous)
        op.execute(previous.POST_PLAIN.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
