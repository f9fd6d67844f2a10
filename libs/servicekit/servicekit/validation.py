"""Input types shared by every service's `types.py` and schemas: codes, ids, storable text and JSON.

Each refuses at the door (422) what a database would refuse later (500): NUL and unpaired surrogates in text,
NaN / Infinity / numbers beyond float range and very deep nesting in JSON, integers beyond BIGINT in ids."""

import math
import re
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Database ids: positive and within a signed 32-bit integer (the smallest id column any service uses).
MAX_ID = 2**31 - 1
# JSON stored in a database column: nesting deeper than this is refused (PostgreSQL's parser stops near 6,000
# levels; no form or metadata of ours needs more than a handful).
MAX_JSON_DEPTH = 32

# NUL cannot be stored in PostgreSQL text, and a lone surrogate (JSON allows "\udb8d") cannot be encoded
# as UTF-8 by any driver: both must be a 422 at the door, not a 500 at the database (found by fuzzing).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("contains a NUL character or an unpaired surrogate")
    return value


def check_storable_json(value: Any, depth: int = 0) -> Any:
    """`value` unchanged if every database can store it as JSON; ValueError naming the first problem if not."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        _storable(value)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and Infinity are not JSON numbers")
    elif isinstance(value, int):
        if abs(value) > 2**63 - 1:
            raise ValueError("integer beyond 64 bits")
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(str(key))
            check_storable_json(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_storable_json(item, depth + 1)
    return value


StorableText = Annotated[str, AfterValidator(_storable)]
StorableJSON = Annotated[dict[str, Any], AfterValidator(check_storable_json)]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=SLUG_PATTERN)]


def slug_path(description: str) -> Any:
    """A code in the path (`/tasks/{code}`): lowercase ASCII words joined by hyphens."""
    return Annotated[str, Path(min_length=1, max_length=80, pattern=SLUG_PATTERN, description=description)]


def slug_query(description: str) -> Any:
    """An optional code filter in the query string."""
    return Annotated[str | None, Query(min_length=1, max_length=80, pattern=SLUG_PATTERN, description=description)]


def id_path(description: str) -> Any:
    """A database id in the path: too large a number is a 422, not an overflow in the database."""
    return Annotated[int, Path(ge=1, le=MAX_ID, description=description)]


def text_query(description: str, max_length: int = 100) -> Any:
    """Free search text in the query string (Chinese or English)."""
    return Annotated[str | None, Query(min_length=1, max_length=max_length, pattern=r"^[^\x00]+$",
                                       description=description)]


PositiveInt = Annotated[int, Field(ge=1, le=MAX_ID)]
