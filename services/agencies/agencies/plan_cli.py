"""Load plan files into the agencies database: `python -m agencies.plan_cli PATH [PATH ...]`.

Uses the service's own settings (AGENCIES_DATABASE_URL, else the embedded SQLite file). The database must be
migrated first. All files load in one transaction: if one fails, none is written. Loading again is safe."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from agencies.config import get_settings
from agencies.plan_loading.service import LoadSummary, PlanLoadError, load_plan
from planfile import PlanFile, PlanFileError, load_plan_file
from servicekit.database import standalone_session


async def load_plan_files(database_url: str, plan_files: Sequence[PlanFile]) -> list[LoadSummary]:
    """Load every file in one transaction on `database_url`."""
    async with standalone_session(database_url, write=True) as session:
        return [await load_plan(session, plan_file) for plan_file in plan_files]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agencies.plan_cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="plan YAML file (see plans/README.md)")
    args = parser.parse_args(argv)
    try:
        plan_files = [load_plan_file(path) for path in args.paths]
    except PlanFileError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 2
    url = get_settings().resolved_database_url()
    try:
        summaries = asyncio.run(load_plan_files(url, plan_files))
    except PlanLoadError as exc:
        print(f"✗ 计划未加载 / plan not loaded: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        print(f"✗ database error (is it migrated? python -m devtools.migrate agencies): {exc.orig!r}",
              file=sys.stderr)
        return 1
    for summary in summaries:
        state = "loaded" if summary.changed else "unchanged"
        print(f"· plan {state} (计划已加载): {summary.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
