"""`python -m devtools.migrate [service ...]`: upgrade the named databases (the services' and the gateway's; all by default) to head,
using each service's own settings (NAME_DATABASE_URL). Used by docker-compose before a service starts."""

import sys

from devtools.platform import migrate_service
from devtools.platform import MIGRATED

if __name__ == "__main__":
    names = sys.argv[1:] or list(MIGRATED)
    unknown = set(names) - set(MIGRATED)
    if unknown:
        sys.exit(f"unknown service(s): {', '.join(sorted(unknown))}; known: {', '.join(MIGRATED)}")
    for name in names:
        migrate_service(name)
