"""One plain transfer posted in one statement on PostgreSQL: `funding_post_single` (migration
funding_2026_11_26_one_statement) runs the posting algorithm of posting.py for a transfer that takes effect,
as its own transaction. The full path costs about a dozen round trips, with the budget's row and the journal
lock held across several of them; this one costs one, and holds them only inside the server.

It is only ever a shortcut: whenever the function declines (the id holds an outcome, an account is unknown or in
another currency, a guard refuses) or the database reports a retryable error, nothing was written and the
caller runs the full path, which replays, explains or stores the rejection. So every answer a client can get is
the full path's answer."""

import json
import logging

import asyncpg
from sqlalchemy.util import greenlet_spawn

from funding import clock
from funding.deps import RETRYABLE_SQLSTATES
from funding.ledger.chain import journal_body_parts, request_hash, transfer_fields
from funding.ledger.posting import Posted, TransferSpec, header_values, transient_transfer
from funding.models import JournalRecord
from servicekit.database import Database

logger = logging.getLogger(__name__)

DECLINED = "LDGR1"  # the function's own SQLSTATE: a guard refused, everything is undone
CALL = "SELECT * FROM funding_post_single($1, $2, $3::json, $4, $5, $6, $7, $8, $9::json, $10, $11, $12, $13)"


async def post_single(database: Database, spec: TransferSpec, currency: str, actor: str) -> Posted | None:
    """The posted outcome, or None when the full path must answer (nothing was written then)."""
    now = clock.now()
    digest = request_hash(spec.request)
    values = header_values(spec, digest, actor, now, with_links=True)
    entries = [(spec.debit_account_id, "debit", "posted", spec.amount),
               (spec.credit_account_id, "credit", "posted", spec.amount)]
    fields = transfer_fields(**values, id=0)
    del fields["id"]
    parts = journal_body_parts(outcome="posted", amount=spec.amount, reason=None, account_id=None, headroom=None,
                               transfer=fields, entries=entries)
    pooled = await database.engine.raw_connection()
    try:
        # Straight on the driver: no BEGIN is sent, so the statement is its own transaction.
        row = await pooled.driver_connection.fetchrow(
            CALL, spec.key, digest, json.dumps(spec.request), spec.code, spec.debit_account_id,
            spec.credit_account_id, spec.amount, spec.award_id, json.dumps(spec.meta), actor, now, currency, parts,
        )
    except asyncpg.PostgresError as error:
        if error.sqlstate == DECLINED:
            return None
        if error.sqlstate in RETRYABLE_SQLSTATES:
            logger.info("single-statement posting of %s hit %s; taking the full path", spec.key, error.sqlstate)
            return None
        raise
    except (asyncpg.InterfaceError, OSError) as error:
        # The connection is gone: whether the statement committed is unknown, and the full path (which retries
        # on a new connection) finds the outcome under the id if it did.
        logger.info("single-statement posting of %s lost its connection (%s); taking the full path", spec.key, error)
        await greenlet_spawn(pooled.invalidate)
        return None
    finally:
        await greenlet_spawn(pooled.close)  # back to the pool (SQLAlchemy's reset runs in its greenlet)
    if row is None:
        return None
    transfer = transient_transfer(values | {"id": row["transfer_id"]})
    journal = JournalRecord(seq=row["seq"], transfer_id=row["transfer_id"], recorded_at=row["recorded_at"],
                            outcome="posted", amount=spec.amount, reason=None, account_id=None, headroom=None,
                            prev_hash=row["prev_hash"], hash=row["hash"])
    return Posted(transfer, journal, replay=False)
