"""The responsibility matrix as JSON, CSV and XLSX."""

import csv
import io

from openpyxl import load_workbook

from agencies_factories import PLAN


async def test_matrix_json_gives_the_role_per_cell(client):
    body = (await client.get(f"/matrix?plan={PLAN}")).json()
    assert body["plan"]["code"] == PLAN
    columns = [a["code"] for a in body["agencies"]]
    assert len(columns) == 35  # every agency that owns a task directly; the 14 cities own through 各市
    assert columns[0] == "prov-org-dept" and columns[-1] == "all-cities"
    assert [row["number"] for row in body["rows"]] == list(range(1, 27))
    task1 = body["rows"][0]["cells"]
    assert task1["prov-org-dept"] == {"roles": ["lead"], "via": None}
    assert task1["prov-science-tech-dept"] == {"roles": ["lead"], "via": None}
    assert task1["all-cities"] == {"roles": ["responsible"], "via": None}
    assert "prov-agriculture-commission" not in task1
    assert len(task1) == 10
    assert body["rows"][19]["cells"]["prov-org-dept"] == {"roles": ["lead", "responsible"], "via": None}


async def test_matrix_can_resolve_the_cities_of_a_group(client):
    body = (await client.get(f"/matrix?plan={PLAN}&expand_groups=true")).json()
    assert len(body["agencies"]) == 49
    assert body["rows"][0]["cells"]["city-huludao"] == {"roles": ["responsible"], "via": "all-cities"}
    assert all(row["cells"]["city-shenyang"]["via"] == "all-cities" for row in body["rows"])


async def test_matrix_csv_opens_in_excel(client):
    response = await client.get(f"/matrix.csv?plan={PLAN}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"matrix-{PLAN}.csv\"; "
        "filename*=UTF-8''%E8%B4%A3%E4%BB%BB%E7%9F%A9%E9%98%B5-liaoning-2018-2020.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["任务编号", "任务", "省委组织部", "省委宣传部"]
    assert rows[0][-1] == "各市"
    assert len(rows) == 27 and len(rows[0]) == 37
    header = rows[0]
    task1 = dict(zip(header, rows[1], strict=True))
    assert (task1["任务编号"], task1["任务"]) == ("1", "实施高层次人才培养支持计划")
    assert (task1["省委组织部"], task1["省科技厅"], task1["省教育厅"], task1["各市"], task1["省农委"]) == (
        "牵头", "牵头", "责任", "责任", "")
    task20 = dict(zip(header, rows[20], strict=True))
    assert task20["省委组织部"] == "牵头、责任"


async def test_matrix_csv_with_cities_marks_them_through_the_group(client):
    response = await client.get(f"/matrix.csv?plan={PLAN}&expand_groups=true")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    task1 = dict(zip(rows[0], rows[1], strict=True))
    assert task1["沈阳市"] == "责任（各市）"


async def test_matrix_xlsx_says_lead_in_the_cell(client):
    response = await client.get(f"/matrix.xlsx?plan={PLAN}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"].startswith(f"attachment; filename=\"matrix-{PLAN}.xlsx\";")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "责任矩阵"
    assert (sheet["A1"].value, sheet["B1"].value, sheet["C1"].value) == ("任务编号", "任务", "省委组织部")
    assert (sheet["A2"].value, sheet["B2"].value, sheet["C2"].value) == (1, "实施高层次人才培养支持计划", "牵头")
    assert sheet["C2"].font.bold is True
    assert (sheet.max_row, sheet.max_column) == (27, 37)
    assert sheet.freeze_panes == "C2"


async def test_matrix_needs_a_known_plan(client):
    for path in ("/matrix", "/matrix.csv", "/matrix.xlsx"):
        missing = await client.get(path)
        assert (missing.status_code, missing.json()["code"]) == (422, "validation_failed")
        unknown = await client.get(f"{path}?plan=no-such-plan")
        assert (unknown.status_code, unknown.json()["code"]) == (404, "plan_not_found")
        assert unknown.headers["content-type"] == "application/problem+json"
