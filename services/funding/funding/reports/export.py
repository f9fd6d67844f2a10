"""CSV and XLSX renderings of the reports, with Chinese headers and amounts in yuan (exact, from fen)."""

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from funding.reports.schemas import Report

MONEY = ("appropriated", "reserved", "committed", "disbursed", "available", "amount", "remaining")

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "programs": [("program_code", "项目代码"), ("program_name", "项目名称"), ("task_number", "任务序号"),
                 ("lead_agencies", "牵头单位"), ("fiscal_year", "财政年度"), ("appropriated", "预算拨款（元）"),
                 ("reserved", "已预留（元）"), ("committed", "已承诺（元）"), ("disbursed", "已拨付（元）"),
                 ("available", "可用余额（元）"), ("awards", "资助项数")],
    "agencies": [("agency_code", "单位代码"), ("agency_name", "牵头单位"), ("fiscal_year", "财政年度"),
                 ("programs", "项目数"), ("appropriated", "预算拨款（元）"), ("reserved", "已预留（元）"),
                 ("committed", "已承诺（元）"), ("disbursed", "已拨付（元）"), ("available", "可用余额（元）"),
                 ("awards", "资助项数")],
    "cities": [("city_code", "城市代码"), ("city_name", "城市"), ("fiscal_year", "财政年度"),
               ("appropriated", "市级预算拨款（元）"), ("available", "市级预算可用（元）"),
               ("reserved", "本市获资助已预留（元）"), ("committed", "本市获资助已承诺（元）"),
               ("disbursed", "本市获资助已拨付（元）"), ("awards", "资助项数")],
    "awards": [("award_id", "审批编号"), ("application_id", "申报编号"), ("program_code", "项目代码"),
               ("fiscal_year", "财政年度"), ("grantee_name", "资助对象"), ("city_code", "城市"),
               ("amount", "资助金额（元）"), ("status", "状态"), ("committed", "已承诺（元）"),
               ("disbursed", "已拨付（元）"), ("remaining", "待拨付（元）")],
}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _cell(name: str, value: Any, money: Callable[[int], Any]) -> Any:
    if value is None:
        return ""
    if name in MONEY:
        return money(value)
    if isinstance(value, list):
        return "、".join(value)
    return value


def to_csv(report: Report) -> bytes:
    columns = COLUMNS[report.kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _, header in columns])
    for row in report.rows:
        writer.writerow([_cell(name, getattr(row, name), lambda f: f"{_yuan(f):.2f}") for name, _ in columns])
    # A UTF-8 BOM, so Excel opens the Chinese headers correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report, title: str) -> bytes:
    columns = COLUMNS[report.kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([header for _, header in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([_cell(name, getattr(row, name), _yuan) for name, _ in columns])
    for index, (name, header) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 2)
        if name in MONEY:
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
