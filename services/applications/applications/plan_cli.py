"""Load plans' programs and forms into the applications database: `python -m applications.plan_cli PATH [...]`.

PATH is a plan file (plans/<file>.yaml); its programs file (<plans dir>/<plan code>.programs.yaml) and the
forms it names (<plans dir>/forms/) are read from APPLICATIONS_PLANS_DIR (default: plans/ of the working
folder). Uses the service's own settings (APPLICATIONS_DATABASE_URL, else the embedded SQLite file); the
database must be migrated. All files load in one transaction: if one fails, none is written. Loading again is
safe (devtools runs it at every start)."""

import sys
from collections.abc import Sequence
from pathlib import Path

from applications.config import get_settings
from applications.plan_loader import LoadSummary, PlanLoadError, load_programs
from planfile import PlanFile
from planfile.cli import run_plan_loader
from servicekit.database import standalone_session


async def load_plan_files(database_url: str, plans: Sequence[PlanFile],
                          plans_dir: Path | None = None) -> list[LoadSummary]:
    """Load every plan's programs in one transaction on `database_url`."""
    folder = plans_dir or get_settings().plans_dir
    async with standalone_session(database_url, write=True) as session:
        return [await load_programs(session, plan, folder) for plan in plans]


def main(argv: Sequence[str] | None = None) -> int:
    return run_plan_loader("python -m applications.plan_cli", __doc__, argv, service="applications",
                           refused=PlanLoadError,
                           refused_label="项目未加载 / programs not loaded",
                           load=lambda files: load_plan_files(get_settings().resolved_database_url(), files))


if __name__ == "__main__":
    sys.exit(main())
