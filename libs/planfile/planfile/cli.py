"""The command line of a service's plan loader (`python -m <service>.plan_cli PATH [PATH ...]`): the paths
parsed and every file read and validated before anything is loaded."""

import argparse
import sys
from collections.abc import Sequence

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
