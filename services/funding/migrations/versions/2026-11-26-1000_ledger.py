"""ledger: accounts, transfers, entries, journal, funding rules and awards, with the database's own guards

Revision ID: funding_2026_11_26_ledger
Revises: funding_2026_11_26_initial
Create Date: 2026-11-26 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicekit.migrations import drop_append_only, make_append_only

revision: str = "funding_2026_11_26_ledger"
down_revision: str | None = "funding_2026_11_26_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_AMOUNT = 9_000_000_000_000_000
MAX_COUNTER = 2**61
COUNTERS = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
LOW = ("CASE WHEN normal_side = 'credit' THEN credits_posted - debits_posted - debits_pending "
       "ELSE debits_posted - credits_posted - credits_pending END")
HIGH = ("CASE WHEN normal_side = 'credit' THEN credits_posted + credits_pending - debits_posted "
        "ELSE debits_posted + debits_pending - credits_posted END")
APPEND_ONLY = ("transfers", "entries", "journal", "funding_rules", "awards")

big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
timestamp = sa.DateTime(timezone=True)

# An account row changes in two ways only: counters move (posted counters never go down) and closed_at is
# set once. Everything else about it, and its existence, is fixed.
_ACCOUNT_CHANGED = (
    "NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.kind <> OLD.kind OR NEW.normal_side <> OLD.normal_side "
    "OR NEW.currency <> OLD.currency OR NEW.floor IS DISTINCT FROM OLD.floor "
    "OR NEW.ceiling IS DISTINCT FROM OLD.ceiling OR NEW.debits_posted < OLD.debits_posted "
    "OR NEW.credits_posted < OLD.credits_posted "
    "OR (OLD.closed_at IS NOT NULL AND NEW.closed_at IS DISTINCT FROM OLD.closed_at)"
)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("normal_side", sa.String(6), nullable=False),
        sa.Column("plan_code", sa.String(80), nullable=True),
        sa.Column("program_code", sa.String(80), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("agency_code", sa.String(80), nullable=True),
        sa.Column("city_code", sa.String(80), nullable=True),
        sa.Column("award_id", sa.String(200), nullable=True),
        sa.Column("floor", sa.BigInteger(), nullable=True),
        sa.Column("ceiling", sa.BigInteger(), nullable=True),
        *(sa.Column(c, sa.BigInteger(), nullable=False, server_default="0") for c in COUNTERS),
        sa.Column("closed_at", timestamp, nullable=True),
        sa.Column("created_at", timestamp, nullable=False),
        sa.CheckConstraint("normal_side IN ('debit', 'credit')", name=op.f("ck_accounts_normal_side")),
        sa.CheckConstraint(" AND ".join(f"{c} >= 0 AND {c} < {MAX_COUNTER}" for c in COUNTERS),
                           name=op.f("ck_accounts_counters_in_range")),
        sa.CheckConstraint(f"floor IS NULL OR ({LOW}) >= floor", name=op.f("ck_accounts_floor")),
        sa.CheckConstraint(f"ceiling IS NULL OR ({HIGH}) <= ceiling", name=op.f("ck_accounts_ceiling")),
        sa.CheckConstraint("floor IS NULL OR ceiling IS NULL OR floor <= ceiling",
                           name=op.f("ck_accounts_floor_below_ceiling")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_index("ix_accounts_program_year", "accounts", ["program_code", "fiscal_year"])
    op.create_index("ix_accounts_award_id", "accounts", ["award_id"])

    op.create_table(
        "transfers",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("debit_account_id", big_id, nullable=False),
        sa.Column("credit_account_id", big_id, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("pending_id", big_id, nullable=True),
        sa.Column("reverses_id", big_id, nullable=True),
        sa.Column("once_key", sa.String(200), nullable=True),
        sa.Column("expires_at", timestamp, nullable=True),
        sa.Column("award_id", sa.String(200), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.CheckConstraint("kind IN ('single', 'pending', 'post', 'void', 'expire', 'reversal')",
                           name=op.f("ck_transfers_kind")),
        sa.CheckConstraint(f"amount > 0 AND amount <= {MAX_AMOUNT}", name=op.f("ck_transfers_amount_in_range")),
        sa.CheckConstraint("debit_account_id <> credit_account_id", name=op.f("ck_transfers_two_accounts")),
        sa.ForeignKeyConstraint(["debit_account_id"], ["accounts.id"],
                                name=op.f("fk_transfers_debit_account_id_accounts")),
        sa.ForeignKeyConstraint(["credit_account_id"], ["accounts.id"],
                                name=op.f("fk_transfers_credit_account_id_accounts")),
        sa.ForeignKeyConstraint(["pending_id"], ["transfers.id"], name=op.f("fk_transfers_pending_id_transfers")),
        sa.ForeignKeyConstraint(["reverses_id"], ["transfers.id"], name=op.f("fk_transfers_reverses_id_transfers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
        sa.UniqueConstraint("key", name=op.f("uq_transfers_key")),
        sa.UniqueConstraint("pending_id", name=op.f("uq_transfers_pending_id")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_transfers_reverses_id")),
        sa.UniqueConstraint("once_key", name=op.f("uq_transfers_once_key")),
    )
    op.create_index("ix_transfers_debit_account", "transfers", ["debit_account_id", "id"])
    op.create_index("ix_transfers_credit_account", "transfers", ["credit_account_id", "id"])
    op.create_index("ix_transfers_pending_expiry", "transfers", ["kind", "expires_at"])
    op.create_index(op.f("ix_transfers_award_id"), "transfers", ["award_id"])

    op.create_table(
        "entries",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("transfer_id", big_id, nullable=False),
        sa.Column("account_id", big_id, nullable=False),
        sa.Column("side", sa.String(6), nullable=False),
        sa.Column("layer", sa.String(7), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("side IN ('debit', 'credit')", name=op.f("ck_entries_side")),
        sa.CheckConstraint("layer IN ('posted', 'pending')", name=op.f("ck_entries_layer")),
        sa.CheckConstraint("amount <> 0 AND (layer = 'pending' OR amount > 0)", name=op.f("ck_entries_amount_sign")),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfers.id"], name=op.f("fk_entries_transfer_id_transfers")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_entries_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
    )
    op.create_index(op.f("ix_entries_transfer_id"), "entries", ["transfer_id"])
    op.create_index("ix_entries_account", "entries", ["account_id", "id"])

    op.create_table(
        "journal",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("transfer_id", big_id, nullable=False),
        sa.Column("recorded_at", timestamp, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("account_id", big_id, nullable=True),
        sa.Column("headroom", sa.BigInteger(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("outcome IN ('posted', 'pending', 'voided', 'expired', 'rejected')",
                           name=op.f("ck_journal_outcome")),
        sa.CheckConstraint("(outcome = 'rejected') = (reason IS NOT NULL)", name=op.f("ck_journal_reason_iff_rejected")),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfers.id"], name=op.f("fk_journal_transfer_id_transfers")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_journal_account_id_accounts")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_journal")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_journal_transfer_id")),
        sa.UniqueConstraint("hash", name=op.f("uq_journal_hash")),
    )
    op.create_index(op.f("ix_journal_recorded_at"), "journal", ["recorded_at"])

    op.create_table(
        "funding_rules",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plan_code", sa.String(80), nullable=False),
        sa.Column("task_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("payer", sa.String(40), nullable=False),
        sa.Column("per", sa.String(20), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("quota_approximate", sa.Boolean(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("lead_agencies", sa.JSON(), nullable=False),
        sa.Column("imported_at", timestamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_rules")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_funding_rules_code_version")),
    )

    op.create_table(
        "awards",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("application_id", sa.String(200), nullable=True),
        sa.Column("program_code", sa.String(80), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("grantee_ref", sa.String(200), nullable=True),
        sa.Column("grantee_name", sa.String(200), nullable=True),
        sa.Column("agency_code", sa.String(80), nullable=True),
        sa.Column("city_code", sa.String(80), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("installments", sa.JSON(), nullable=False),
        sa.Column("computation", sa.JSON(), nullable=False),
        sa.Column("budget_account_id", big_id, nullable=False),
        sa.Column("commitment_account_id", big_id, nullable=False),
        sa.Column("paid_account_id", big_id, nullable=False),
        sa.Column("reservation_transfer_id", big_id, nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["budget_account_id"], ["accounts.id"],
                                name=op.f("fk_awards_budget_account_id_accounts")),
        sa.ForeignKeyConstraint(["commitment_account_id"], ["accounts.id"],
                                name=op.f("fk_awards_commitment_account_id_accounts")),
        sa.ForeignKeyConstraint(["paid_account_id"], ["accounts.id"], name=op.f("fk_awards_paid_account_id_accounts")),
        sa.ForeignKeyConstraint(["reservation_transfer_id"], ["transfers.id"],
                                name=op.f("fk_awards_reservation_transfer_id_transfers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("reservation_transfer_id", name=op.f("uq_awards_reservation_transfer_id")),
    )
    op.create_index(op.f("ix_awards_application_id"), "awards", ["application_id"])
    op.create_index("ix_awards_program_year", "awards", ["program_code", "fiscal_year"])

    for table in APPEND_ONLY:
        make_append_only(table)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def _postgresql_guards() -> None:
    op.execute(
        "CREATE FUNCTION funding_accounts_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'accounts are never deleted' USING ERRCODE = 'restrict_violation'; "
        f"END IF; IF {_ACCOUNT_CHANGED} THEN RAISE EXCEPTION 'account %: only its counters grow and closed_at is "
        "set once', OLD.code USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
    )
    op.execute("CREATE TRIGGER accounts_guard BEFORE UPDATE OR DELETE ON accounts "
               "FOR EACH ROW EXECUTE FUNCTION funding_accounts_guard()")
    # Backstop for "every transfer balances": checked at COMMIT, once all of a transfer's entries are in.
    op.execute(
        "CREATE FUNCTION funding_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM entries WHERE transfer_id = NEW.transfer_id GROUP BY layer "
        "HAVING SUM(CASE WHEN side = 'credit' THEN amount ELSE -amount END) <> 0) THEN "
        "RAISE EXCEPTION 'the entries of transfer % do not balance', NEW.transfer_id USING ERRCODE = 'check_violation'; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute("CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON entries DEFERRABLE INITIALLY DEFERRED "
               "FOR EACH ROW EXECUTE FUNCTION funding_entries_balanced()")


def _sqlite_guards() -> None:
    # SQLite has no deferred triggers: the posting code checks that every transfer balances before it commits.
    op.execute("CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts "
               "BEGIN SELECT RAISE(ABORT, 'accounts are never deleted'); END")
    op.execute(f"CREATE TRIGGER accounts_guard BEFORE UPDATE ON accounts WHEN {_ACCOUNT_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
               "BEGIN SELECT RAISE(ABORT, 'an account only has its counters grow and closed_at set once'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS entries_balanced ON entries")
        op.execute("DROP FUNCTION IF EXISTS funding_entries_balanced()")
        op.execute("DROP TRIGGER IF EXISTS accounts_guard ON accounts")
        op.execute("DROP FUNCTION IF EXISTS funding_accounts_guard()")
    else:
        op.execute("DROP TRIGGER IF EXISTS accounts_guard")
        op.execute("DROP TRIGGER IF EXISTS accounts_no_delete")
    for table in reversed(APPEND_ONLY):
        drop_append_only(table)
    op.drop_index("ix_awards_program_year", table_name="awards")
    op.drop_index(op.f("ix_awards_application_id"), table_name="awards")
    op.drop_table("awards")
    op.drop_table("funding_rules")
    op.drop_index(op.f("ix_journal_recorded_at"), table_name="journal")
    op.drop_table("journal")
    op.drop_index("ix_entries_account", table_name="entries")
    op.drop_index(op.f("ix_entries_transfer_id"), table_name="entries")
    op.drop_table("entries")
    op.drop_index(op.f("ix_transfers_award_id"), table_name="transfers")
    op.drop_index("ix_transfers_pending_expiry", table_name="transfers")
    op.drop_index("ix_transfers_credit_account", table_name="transfers")
    op.drop_index("ix_transfers_debit_account", table_name="transfers")
    op.drop_table("transfers")
    op.drop_index("ix_accounts_award_id", table_name="accounts")
    op.drop_index("ix_accounts_program_year", table_name="accounts")
    op.drop_table("accounts")
