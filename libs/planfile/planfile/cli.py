"""The command line of a service's plan loader (`python -m <service>.plan_cli PATH [PATH ...]`): the paths
parsed and every file read and validated before anything is loaded."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from planfile.format import PlanFile, PlanFileError, load_plan_file

INVALID_FILE = 2


def plan_files_from_command_line(prog: str, description: str, argv: Sequence[str] | None = None) -> list[PlanFile]:
    """The plan files named on the command line; a file that cannot be read or does not validate is printed
    with its field and ends the program with status 2."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="plan YAML file (see plans/README.md)")
    args = parser.parse_args(argv)
    try:
        return [load_plan_file(path) for path in args.paths]
    except PlanFileError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        raise SystemExit(INVALID_FILE) from None


class LoadSummary(Protocol):
    def line(self) -> str: ...


def run_plan_loader(prog: str, description: str, argv: Sequence[str] | None, *, service: str,
                    load: Callable[[list[PlanFile]], Awaitable[Sequence[LoadSummary]]],
                    refused: type[Exception], refused_label: str) -> int:
    """A service's `plan_cli` main: read the files, load them with `load` (one transaction), print one line
    per plan. `refused` is the loader's own "this plan cannot be loaded" error; exit status 2 for a file that
    does not validate, 1 for a refused plan or a database error, 0 when loaded."""
    plan_files = plan_files_from_command_line(prog, description, argv)
    try:
        summaries = asyncio.run(load(plan_files))
    except refused as exc:
        print(f"✗ {refused_label}: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        print(f"✗ 数据库错误 / database error (is it migrated? python -m devtools.migrate {service}): {exc.orig!r}",
              file=sys.stderr)
        return 1
    for summary in summaries:
        print(f"· {summary.line()}")
    return 0
