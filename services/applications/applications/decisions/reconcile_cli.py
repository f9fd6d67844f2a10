"""`python -m applications.decisions.reconcile_cli [--json]`: run the approval saga's reconciler once against
the configured databases and services (APPLICATIONS_DATABASE_URL, APPLICATIONS_FUNDING_URL,
APPLICATIONS_AGENCIES_URL) and print what it fixed. Exit 1 when funding could not be reached."""

import argparse
import asyncio
import json
import sys
from types import SimpleNamespace

from applications.clients.agencies import AgenciesClient
from applications.clients.funding import FundingClient, FundingSaga
from applications.config import get_settings
from applications.decisions.reconciler import Reconciler
from applications.decisions.saga import Saga
from servicekit.database import Database
from servicekit.identity import service_signer


async def reconcile_once() -> dict:
    settings = get_settings()
    database = Database(settings.resolved_database_url(), pool_size=2)
    signer = service_signer(settings.service_name)
    funding = FundingClient(settings.funding_url, timeout=settings.funding_timeout_seconds,
                            cache_seconds=settings.funding_cache_seconds, signer=signer)
    agencies = AgenciesClient(settings.agencies_url, timeout=settings.agencies_timeout_seconds, signer=signer)
    try:
        saga = Saga(SimpleNamespace(database=database), FundingSaga(funding), agencies, lease_seconds=settings.saga_lease_seconds)
        report = await Reconciler(saga, settings.stale_reservation_seconds).run("cli", "cli:reconcile")
        return {"id": report.id, "fixed": report.fixed, "summary": report.summary}
    finally:
        await funding.close()
        await agencies.close()
        await database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m applications.decisions.reconcile_cli", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    report = asyncio.run(reconcile_once())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in report["fixed"]:
            print(f"{line['action']:<28} {line['approval_id'] or '-':<24} {line['detail']}")
        print(f"checked {report['summary']['checked']}, fixed {report['summary']['fixed']}, "
              f"funding unavailable: {report['summary']['funding_unavailable']}")
    return 1 if report["summary"]["funding_unavailable"] else 0


if __name__ == "__main__":
    sys.exit(main())
