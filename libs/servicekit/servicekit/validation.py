"""Input types shared by every service's schemas."""

import re
from typing import Annotated

from pydantic import AfterValidator

# NUL cannot be stored in PostgreSQL text, and a lone surrogate (JSON allows "\udb8d") cannot be encoded
# as UTF-8 by any driver: both must be a 422 at the door, not a 500 at the database (found by fuzzing).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("contains a NUL character or an unpaired surrogate")
    return value


StorableText = Annotated[str, AfterValidator(_storable)]
