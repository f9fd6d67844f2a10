"""`python -m funding.verify_cli`: verify the ledger from the command line (a cron job, or by hand).

Recomputes every account's counters from the entries and re-hashes the journal chain. Prints a summary (or
the whole report with --json) and exits 0 when the ledger verifies, 1 when it does not."""

import argparse
import asyncio
import sys

from funding.config import FundingSettings
from funding.ledger.schemas import VerificationReport
from funding.ledger.verify import verify_ledger
from servicekit.database import standalone_session


async def run(database_url: str) -> VerificationReport:
    async with standalone_session(database_url, write=False) as session:
        return await verify_ledger(session)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m funding.verify_cli", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: FUNDING_DATABASE_URL, or the embedded SQLite file")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    settings = FundingSettings(**({"database_url": args.database_url} if args.database_url else {}))
    report = asyncio.run(run(settings.resolved_database_url()))
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(f"{'OK' if report.ok else 'FAILED'}: {report.accounts} accounts, {report.transfers} transfers, "
              f"journal of {report.journal_length}, head {report.head_hash[:16]}…")
        for problem in report.problems:
            print(f"  [{problem.check}] {problem.message}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
