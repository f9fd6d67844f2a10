"""Which service a path belongs to, after refusing paths that mean different things to different parsers.

A dot segment (`/x/../internal/`), an encoded dot, slash or backslash (`/%2e/`, `%2f`), an encoded percent
(`%252e`, decoded again somewhere downstream) or an empty segment is answered 400 before any routing: the
gateway never has to guess what the service behind it will make of the path."""

import re

from starlette.types import Scope

_ENCODED_SEPARATOR = re.compile(rb"%(?:2e|2f|5c|25|00)", re.IGNORECASE)


def is_unambiguous(scope: Scope) -> bool:
    raw = scope.get("raw_path") or scope["path"].encode()
    raw = raw.split(b"?", 1)[0]
    if _ENCODED_SEPARATOR.search(raw) or b"\\" in raw:
        return False
    path: str = scope["path"]
    if "\\" in path or "\x00" in path:
        return False
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        return False
    # An empty segment anywhere but at the very end (`/a//b`).
    return all(segments[:-1]) if segments else True


def route(path: str, services: set[str]) -> tuple[str, int] | None:
    """`/api/agencies/tasks` → ("agencies", len("/api/agencies")), the service and where its own path begins;
    None when no service owns the path. `/internal/` routes are for service-to-service calls on the internal
    network and never routed from the public side."""
    if not path.startswith("/api/"):
        return None
    name, _, rest = path[5:].partition("/")
    if name not in services or rest == "internal" or rest.startswith("internal/"):
        return None
    return name, 5 + len(name)
