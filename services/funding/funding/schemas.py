"""Field types every part of the funding API shares: money in integer fen, ids, codes."""

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field, StringConstraints

from funding.models import MAX_AMOUNT

FEN_MESSAGE = ("金额须为以分计的正整数（不能是小数、字符串、零或负数），且不超过 9000000000000000 分 / "
               "the amount must be a whole number of fen (no decimals, strings, zero or negatives), "
               "at most 9000000000000000")


def _strict_fen(value: Any) -> Any:
    # JSON 1.0 and "100" are refused too: a ledger that rounds or parses quietly loses fen.
    if type(value) is not int or not 0 < value <= MAX_AMOUNT:
        raise ValueError(FEN_MESSAGE)
    return value


def _strict_signed_fen(value: Any) -> Any:
    if type(value) is not int or value == 0 or abs(value) > MAX_AMOUNT:
        raise ValueError("调整金额须为非零整数（分），绝对值不超过 9000000000000000 / the adjustment must be a "
                         "non-zero whole number of fen, at most 9000000000000000 either way")
    return value


def _strict_non_negative_fen(value: Any) -> Any:
    if type(value) is not int or not 0 <= value <= MAX_AMOUNT:
        raise ValueError("金额须为不小于 0 的整数（分），不超过 9000000000000000 / the amount must be a whole "
                         "number of fen from 0 to 9000000000000000")
    return value


Fen = Annotated[int, BeforeValidator(_strict_fen), Field(gt=0, le=MAX_AMOUNT, description="Integer fen (分), > 0.")]
SignedFen = Annotated[int, BeforeValidator(_strict_signed_fen),
                      Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Integer fen (分), non-zero, signed.")]
NonNegativeFen = Annotated[int, BeforeValidator(_strict_non_negative_fen),
                           Field(ge=0, le=MAX_AMOUNT, description="Integer fen (分), ≥ 0.")]

# Client-chosen transfer ids. At most 160 characters so derived ids (`post:<id>`, `expire:<id>`) still fit.
TransferKey = Annotated[str, StringConstraints(min_length=1, max_length=160,
                                               pattern=r"^[A-Za-z0-9][A-Za-z0-9:._@\-]*$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
BusinessId = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
FiscalYear = Annotated[int, Field(ge=1949, le=9999, description="Fiscal year (财政年度).")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
AccountId = Annotated[int, Field(gt=0, le=2**62)]

# Free text: anything printable, but no NUL (PostgreSQL text cannot hold it; refusing it is a 422, not a 500).
NO_NUL = r"^[^\x00]*$"
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:._@\-]*$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NO_NUL)]


AccountIdPath = Annotated[int, Path(ge=1, le=2**62, description="Account id.")]
TransferKeyPath = Annotated[str, Path(min_length=1, max_length=200, pattern=KEY_PATTERN, description="Transfer id.")]
RuleCodePath = Annotated[str, Path(min_length=1, max_length=80, pattern=SLUG_PATTERN, description="Rule code.")]
SlugQuery = Annotated[str | None, Query(max_length=80, pattern=SLUG_PATTERN)]
KeyQuery = Annotated[str | None, Query(max_length=200, pattern=KEY_PATTERN)]
CodeQuery = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
