"""The funding service's fixtures, the same as every service's: `database_url` (one migrated database per test
session), `app`, `client` (everything a test writes is rolled back) and `committing_client`."""

from funding.config import SERVICE_DIR, FundingSettings
from funding.main import create_app
from servicekit.pytest_fixtures import service_fixtures

database_url, app, client, committing_client = service_fixtures(
    # The single-statement posting commits on a pooled connection of its own, outside the rolled-back test
    # transaction (whose accounts it cannot see), so these tests take the full path; the single statement is
    # tested on committing apps (test_funding_single_statement.py, and the model, race, fault and chaos tests).
    # No background sealer or event relay either: they would share the test's one connection; tests seal with
    # POST /ledger/checkpoints.
    SERVICE_DIR,
    lambda database_url: create_app(FundingSettings(database_url=database_url, single_statement_transfers=False,
                                                    checkpoint_interval_seconds=0, event_relay=False)),
)
