"""Import a plan's funding rules into the funding database: `python -m funding.plan_cli PATH [PATH ...]`.

Uses the service's own settings (FUNDING_DATABASE_URL, else the embedded SQLite file); the database must be
migrated. A rule that is new or changed gets a new version; importing the same file again changes nothing.
Budgets are not appropriated here: an admin chooses the fiscal year (POST /budgets/import)."""

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from funding.config import get_settings
from funding.errors import PlanFileInvalid
from funding.rules.service import import_rules
from planfile import PlanFile
from planfile.cli import run_plan_loader
from servicekit.database import standalone_session

LOADER_ACTOR = "system:plan-loader"


@dataclass
class RulesLoaded:
    plan: str
    new_versions: list[str]
    unchanged: int

    def line(self) -> str:
        return f"{self.plan}: funding rules {len(self.new_versions)} new or changed, {self.unchanged} unchanged"


async def load_plan_files(database_url: str, plan_files: Sequence[PlanFile]) -> list[RulesLoaded]:
    """Import every file's rules in one transaction on `database_url`."""
    results = []
    async with standalone_session(database_url, write=True) as session:
        for plan_file in plan_files:
            result = await import_rules(session, plan_file, LOADER_ACTOR)
            results.append(RulesLoaded(result.plan, result.new_versions, result.unchanged))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    return run_plan_loader("python -m funding.plan_cli", __doc__, argv, service="funding", refused=PlanFileInvalid,
                           refused_label="资金规则未导入 / rules not imported",
                           load=lambda files: load_plan_files(get_settings().resolved_database_url(), files))


if __name__ == "__main__":
    sys.exit(main())
