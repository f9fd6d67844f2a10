"""One search over tasks, the same for the task list and the matrix (and its exports): the text in a task's
title or clause, or in one of its deliverables, in Chinese or English."""

import csv
import io

import pytest

from agencies_factories import PLAN


async def task_list_finds(client, text: str) -> list[int]:
    response = await client.get("/tasks", params={"plan": PLAN, "q": text, "size": 100})
    assert response.status_code == 200, response.text
    return [t["number"] for t in response.json()["items"]]


async def matrix_finds(client, text: str) -> list[int]:
    response = await client.get("/matrix", params={"plan": PLAN, "q": text})
    assert response.status_code == 200, response.text
    return [row["number"] for row in response.json()["rows"]]


@pytest.mark.parametrize(("text", "found"), [
    ("博士后", [5]),  # the matrix filter's own example
    ("院士", [2, 4, 11, 18]),  # in titles and clauses
    ("合计", [1, 2]),  # only in deliverables' indicators (领军人才遴选支持（合计）)
    ("postdoctoral", [5]),  # English indicator
    ("YOUNG TALENT RESERVE", [5]),  # English title, any case
    ("%", [13, 17]),  # a literal %, not a wildcard
    ("院_", []),
])
async def test_the_task_list_and_the_matrix_find_the_same_tasks(client, text, found):
    assert await task_list_finds(client, text) == found
    assert await matrix_finds(client, text) == found


async def test_a_searched_matrix_shows_the_agencies_of_the_tasks_found(client):
    body = (await client.get("/matrix", params={"plan": PLAN, "q": "博士后", "expand_groups": "true"})).json()
    assert [(row["number"], row["title"], row["title_en"]) for row in body["rows"]] == [
        (5, "实施青年英才储备计划", "Implement the young talent reserve programme")]
    assert [a["code"] for a in body["agencies"]][:3] == ["prov-education-dept", "prov-finance-dept", "prov-hrss-dept"]
    assert len(body["agencies"]) == 3 + 14 + 1  # three departments, the 14 cities and 各市
    exported = await client.get("/matrix.csv", params={"plan": PLAN, "q": "博士后"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[:2] for row in rows] == [["任务编号", "任务"], ["5", "实施青年英才储备计划"]]
    assert rows[0][2:] == ["省教育厅", "省财政厅", "省人力资源社会保障厅", "各市"]


async def test_search_text_is_checked(client):
    for path in ("/tasks", "/matrix", "/matrix.csv"):
        response = await client.get(path, params={"plan": PLAN, "q": ""})
        assert (response.status_code, response.json()["code"]) == (422, "validation_failed"), path
