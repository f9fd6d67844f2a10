"""`python -m devtools.migrate [service ...]`: upgrade the named services' databases (all by default) to head,
using each service's own settings (NAME_DATABASE_URL). Used by docker-compose before a service starts."""

import sys

from devtools.platform import migrate_service
from devtools.processes import SERVICES

if __name__ == "__main__":
    names = sys.argv[1:] or list(SERVICES)
    unknown = set(names) - set(SERVICES)
    if unknown:
        sys.exit(f"unknown service(s): {', '.join(sorted(unknown))}; known: {', '.join(SERVICES)}")
    for name in names:
        migrate_service(name)
