from typing import Literal

from pydantic import BaseModel, Field


class _Amounts(BaseModel):
    appropriated: int = Field(description="fen")
    reserved: int = Field(description="fen")
    committed: int = Field(description="fen")
    disbursed: int = Field(description="fen")
    available: int = Field(description="fen")
    awards: int


class ProgramRow(_Amounts):
    program_code: str
    program_name: str | None
    task_number: int | None
    lead_agencies: list[str]
    fiscal_year: int


class AgencyRow(_Amounts):
    agency_code: str
    agency_name: str | None
    fiscal_year: int
    programs: int


class CityRow(_Amounts):
    city_code: str | None
    city_name: str | None
    fiscal_year: int


class AwardRow(BaseModel):
    award_id: str
    application_id: str | None
    program_code: str
    fiscal_year: int
    grantee_name: str | None
    city_code: str | None
    amount: int
    status: str
    committed: int
    disbursed: int
    remaining: int


class Report(BaseModel):
    kind: Literal["programs", "agencies", "cities", "awards"]
    fiscal_year: int | None
    rows: list[ProgramRow] | list[AgencyRow] | list[CityRow] | list[AwardRow]
    totals: dict[str, int] = Field(description="Column sums over `rows` (on a page of the award list: that page's).")
    next: str | None = Field(default=None, description="The award list is paged by key: pass as `after` for the "
                                                       "next page (null on the last page and on other reports).")
