"""Load plans' programs and forms into the applications database: `python -m applications.plan_cli PATH [...]`.

PATH is a plan file (plans/<file>.yaml); its programs file (<plans dir>/<plan code>.programs.yaml) and the
forms it names (<plans dir>/forms/) are read from APPLICATIONS_PLANS_DIR (default: plans/ of the working
folder). Uses the service's own settings (APPLICATIONS_DATABASE_URL, else the embedded SQLite file); the
database must be migrated. All files load in one transaction: if one fails, none is written. Loading again is
safe (devtools runs it at every start)."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from applications.config import get_settings
from applications.plan_loader import LoadSummary, PlanLoadError, load_programs
from planfile import PlanFile, PlanFileError, load_plan_file
from servicekit.database import standalone_session


async def load_plan_files(database_url: str, plans: Sequence[PlanFile],
                          plans_dir: Path | None = None) -> list[LoadSummary]:
    """Load every plan's programs in one transaction on `database_url`."""
    folder = plans_dir or get_settings().plans_dir
    async with standalone_session(database_url, write=True) as session:
        return [await load_programs(session, plan, folder) for plan in plans]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m applications.plan_cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="plan YAML file (see plans/README.md)")
    args = parser.parse_args(argv)
    try:
        plans = [load_plan_file(path) for path in args.paths]
    except PlanFileError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 2
    try:
        summaries = asyncio.run(load_plan_files(get_settings().resolved_database_url(), plans))
    except PlanLoadError as exc:
        print(f"✗ 项目未加载 / programs not loaded: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        print(f"✗ database error (is it migrated? python -m devtools.migrate applications): {exc.orig!r}",
              file=sys.stderr)
        return 1
    for summary in summaries:
        print(f"· {summary.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
