"""Field, path and query types of the funding API, built on servicekit.validation: money in integer fen, transfer
ids, codes, fiscal years, storable text and JSON, and the moment a balance is read at."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from funding.models import MAX_AMOUNT, MAX_COUNTER
from servicekit.validation import (
    MAX_ID,
    SLUG_PATTERN,
    PositiveInt,
    Slug,
    StorableJSON,
    StorableText,
    id_path,
    slug_path,
    slug_query,
)

__all__ = [
    "AccountId", "AccountIdPath", "AccountIdQuery", "AccountKindQuery", "ApplicationIdQuery", "AsOfQuery",
    "AwardIdPath", "AwardIdQuery", "BusinessId", "Code", "Currency", "Fen", "FiscalYear", "FiscalYearPath",
    "FiscalYearQuery", "LedgerCode", "Metadata", "NonNegativeFen", "OutcomeQuery", "ProgramCodePath",
    "ProgramCodeQuery", "Reason", "RequiredProgramCodeQuery", "RuleCodePath", "SignedFen", "Slug", "SlugQuery",
    "Text", "TransferCodeQuery", "TransferKey", "TransferKeyPath", "JournalSeqPath", "BeforeSeqQuery",
    "VerificationRunPath",
]

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


# The bounds before the validator, so the document shows them as JSON Schema (`exclusiveMinimum`, `maximum`);
# the validator still runs first (it refuses booleans and floats).
Fen = Annotated[int, Field(gt=0, le=MAX_AMOUNT, description="Integer fen (分), > 0."), BeforeValidator(_strict_fen)]
SignedFen = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Integer fen (分), non-zero, signed."),
                      BeforeValidator(_strict_signed_fen)]
NonNegativeFen = Annotated[int, Field(ge=0, le=MAX_AMOUNT, description="Integer fen (分), ≥ 0."),
                           BeforeValidator(_strict_non_negative_fen)]

# Client-chosen transfer ids. At most 160 characters so derived ids (`post:<id>`, `expire:<id>`) still fit the
# 200 of the column.
TRANSFER_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:._@\-]*$"
TransferKey = Annotated[str, StringConstraints(min_length=1, max_length=160, pattern=TRANSFER_KEY_PATTERN)]
# Account codes and award ids, which derived ids are made of (`commitment:<approval>`): the whole column.
LedgerCode = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=TRANSFER_KEY_PATTERN)]
# Ids the applications service chooses (approvals, applications, national funding events).
BUSINESS_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
BusinessId = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=BUSINESS_ID_PATTERN)]
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]
FiscalYear = Annotated[int, Field(ge=1949, le=9999, description="Fiscal year (财政年度).")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
AccountId = PositiveInt


def Text(max_length: int, *, min_length: int = 0, strip: bool = False) -> Any:  # noqa: N802 - a type alias factory
    """Free text of at most `max_length` characters that every database can store. The length is checked after
    stripping, and servicekit's storability check after that (its own metadata, put last)."""
    return Annotated[(str, StringConstraints(strip_whitespace=strip, min_length=min_length, max_length=max_length),
                      *get_args(StorableText)[1:])]


Reason = Text(500)
Metadata = Annotated[StorableJSON, Field(default_factory=dict, max_length=20,
                                         description="Free-form details kept with the transfer (≤ 20 keys).")]


def _as_utc(value: datetime | None) -> datetime | None:
    """An `as_of` moment in UTC (UTC when no offset is given). A moment UTC cannot express (year 1 east of
    Greenwich, year 9999 west of it) is refused here instead of overflowing later."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("时刻超出可表示的范围（换算为 UTC 后须在公元 1 年至 9999 年之间） / the moment is out of "
                         "range: in UTC it must fall between the years 1 and 9999") from exc


# Paths -------------------------------------------------------------------------------------------------------

AccountIdPath = id_path("Account id.")
JournalSeqPath = Annotated[int, Path(ge=1, le=MAX_COUNTER, description="A journal position (1-based).")]
BeforeSeqQuery = Annotated[int | None, Query(ge=1, le=MAX_COUNTER, description="Only checkpoints before this "
                                             "journal position (the next page: the last one's `seq`).")]
VerificationRunPath = id_path("Verification run id.")
TransferKeyPath = Annotated[str, Path(min_length=1, max_length=200, pattern=TRANSFER_KEY_PATTERN,
                                      description="Transfer id.")]
RuleCodePath = slug_path("Funding rule (program) code.")
ProgramCodePath = slug_path("Program (funding rule) code.")
FiscalYearPath = Annotated[int, Path(ge=1949, le=9999, description="Fiscal year (财政年度).")]
AwardIdPath = Annotated[str, Path(min_length=1, max_length=120, pattern=BUSINESS_ID_PATTERN,
                                  description="The award's id: the approval id it was reserved under.")]

# Queries -----------------------------------------------------------------------------------------------------

SlugQuery = slug_query("A code filter.")
ProgramCodeQuery = slug_query("Only this program (funding rule).")
RequiredProgramCodeQuery = Annotated[str, Query(min_length=1, max_length=80, pattern=SLUG_PATTERN,
                                                description="The program (funding rule).")]
FiscalYearQuery = Annotated[int | None, Query(ge=1949, le=9999, description="Only this fiscal year.")]
AccountIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only transfers that moved this account.")]
AccountKindQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=CODE_PATTERN,
                                               description="Only accounts of this kind.")]
TransferCodeQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=CODE_PATTERN,
                                                description="Only transfers with this code.")]
AwardIdQuery = Annotated[str | None, Query(min_length=1, max_length=200, pattern=TRANSFER_KEY_PATTERN,
                                           description="Only those of this award.")]
ApplicationIdQuery = Annotated[str | None, Query(min_length=1, max_length=200, pattern=TRANSFER_KEY_PATTERN,
                                                 description="Only those of this application.")]
OutcomeQuery = Annotated[Literal["posted", "pending", "voided", "expired", "rejected"] | None,
                         Query(description="Only transfers with this outcome.")]
def _not_a_number(value: Any) -> Any:
    """A moment is written as ISO 8601; pydantic would also read a bare number as seconds since 1970."""
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", value):
        raise ValueError("须为 ISO 8601 日期时间，而不是数字 / an ISO 8601 date-time, not a number")
    return value


AsOfQuery = Annotated[datetime | None, BeforeValidator(_not_a_number), AfterValidator(_as_utc),
                      Query(description="Read as of this moment (ISO 8601; UTC when no offset).")]
