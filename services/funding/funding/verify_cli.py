"""`python -m funding.verify_cli`: re-verify the whole ledger from the command line (a cron job, or by hand).

Recomputes every account's counters from the entries, re-hashes the journal chain from the first transfer and
re-checks every checkpoint (signature, link, head hash, Merkle root, counters). The run is kept like one
started over HTTP (GET /ledger/verifications/latest). Prints a summary (or the whole report with --json) and
exits 0 when the ledger verifies, 1 when it does not."""

import argparse
import asyncio
import sys

from funding.config import FundingSettings
from funding.verification.background import begin_run, carry_out_run, load_checkpoint_key, run_read
from funding.verification.schemas import VerificationRunRead
from servicekit.database import Database
from servicekit.settings import own_key_file


async def run(settings: FundingSettings) -> VerificationRunRead:
    database = Database(settings.resolved_database_url(), pool_size=2)
    try:
        started, _ = await begin_run(database, "cli:verify", join_running=False)
        key = load_checkpoint_key(own_key_file(settings.service_name))
        return run_read(await carry_out_run(database, key, started.id))
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m funding.verify_cli", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: FUNDING_DATABASE_URL, or the embedded SQLite file")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    settings = FundingSettings(**({"database_url": args.database_url} if args.database_url else {}))
    result = asyncio.run(run(settings))
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        state = {"passed": "OK", "failed": "FAILED"}.get(result.status, result.status.upper())
        print(f"{state}: journal of {result.checked} rows re-hashed, {result.checkpoints_checked or 0} checkpoints, "
              f"head {(result.head_hash or '')[:16]}…")
        for problem in result.problems:
            print(f"  [{problem.check}] {problem.message}")
    return 0 if result.status == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
