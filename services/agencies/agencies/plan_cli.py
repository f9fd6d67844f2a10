"""Load plan files into the agencies database: `python -m agencies.plan_cli PATH [PATH ...]`.

Uses the service's own settings (AGENCIES_DATABASE_URL, else the embedded SQLite file). The database must be
migrated first. All files load in one transaction: if one fails, none is written. Loading again is safe."""

import sys
from collections.abc import Sequence

from agencies.config import get_settings
from agencies.plan_loading.service import LoadSummary, PlanLoadError, load_plan
from planfile import PlanFile
from planfile.cli import run_plan_loader
from servicekit.database import standalone_session


async def load_plan_files(database_url: str, plan_files: Sequence[PlanFile]) -> list[LoadSummary]:
    """Load every file in one transaction on `database_url`."""
    async with standalone_session(database_url, write=True) as session:
        return [await load_plan(session, plan_file) for plan_file in plan_files]


def main(argv: Sequence[str] | None = None) -> int:
    return run_plan_loader("python -m agencies.plan_cli", __doc__, argv, service="agencies", refused=PlanLoadError,
                           refused_label="计划未加载 / plan not loaded",
                           load=lambda files: load_plan_files(get_settings().resolved_database_url(), files))


if __name__ == "__main__":
    sys.exit(main())
