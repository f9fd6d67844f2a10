"""The responsibility matrix as a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and XLSX."""

import csv
import io
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from agencies.catalog.schemas import Matrix, MatrixCell

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_LABELS = {"lead": "牵头", "responsible": "责任"}
HEADERS = ("任务编号", "任务")


def cell_text(cell: MatrixCell | None, groups: dict[str, str]) -> str:
    """牵头, 责任, 牵头、责任; through a group: 责任（各市）."""
    if cell is None:
        return ""
    text = "、".join(ROLE_LABELS[role] for role in cell.roles)
    return f"{text}（{groups.get(cell.via, cell.via)}）" if cell.via else text


def _table(matrix: Matrix) -> list[list[str | int]]:
    groups = {a.code: a.name for a in matrix.agencies}
    rows: list[list[str | int]] = [[*HEADERS, *(a.name for a in matrix.agencies)]]
    for row in matrix.rows:
        rows.append([row.number, row.title, *(cell_text(row.cells.get(a.code), groups) for a in matrix.agencies)])
    return rows


def matrix_csv(matrix: Matrix) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(_table(matrix))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def matrix_xlsx(matrix: Matrix) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "责任矩阵"
    for row in _table(matrix):
        sheet.append(row)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    lead_font = Font(bold=True, color="C00000")
    for row in sheet.iter_rows(min_row=2, min_col=3):
        for cell in row:
            if cell.value and str(cell.value).startswith(ROLE_LABELS["lead"]):
                cell.font = lead_font
            cell.alignment = Alignment(horizontal="center")
    sheet.column_dimensions["A"].width = 9
    sheet.column_dimensions["B"].width = 40
    for index in range(3, len(matrix.agencies) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(plan_code: str, extension: str) -> str:
    """Content-Disposition naming the file, in ASCII and (RFC 6266) in Chinese."""
    ascii_name = f"matrix-{plan_code}.{extension}"
    chinese_name = quote(f"责任矩阵-{plan_code}.{extension}")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{chinese_name}"


def matrix_csv_response(matrix: Matrix) -> Response:
    return Response(matrix_csv(matrix), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": attachment(matrix.plan.code, "csv")})


def matrix_xlsx_response(matrix: Matrix) -> Response:
    return Response(matrix_xlsx(matrix), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": attachment(matrix.plan.code, "xlsx")})
