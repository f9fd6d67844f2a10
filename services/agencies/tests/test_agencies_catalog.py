"""The public catalog, checked against the plan's text: plans, tasks, filters, search, pages, agencies."""

from agencies_factories import PLAN

CITIES = ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市",
          "铁岭市", "朝阳市", "葫芦岛市"]


async def numbers(client, query: str) -> list[int]:
    response = await client.get(f"/tasks?size=100&{query}")
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


async def test_the_plan_is_listed_with_its_document_number(client):
    body = (await client.get("/plans")).json()
    assert body["total"] == 1
    plan = body["items"][0]
    assert (plan["code"], plan["document_number"], plan["task_count"]) == (PLAN, "辽委办发〔2018〕25号", 26)
    assert (plan["period_start"], plan["period_end"]) == ("2018-01-01", "2020-12-31")
    assert plan["issuers"] == ["中共辽宁省委办公厅", "辽宁省人民政府办公厅"]


async def test_plan_detail_has_overall_targets_sections_groups_and_agencies(client):
    plan = (await client.get(f"/plans/{PLAN}")).json()
    assert [(t["indicator"], t["value"], t["unit"]) for t in plan["overall_targets"]] == [
        ("专业技术人才", 3500000.0, "人"), ("具有高级技术职称人才", 520000.0, "人"), ("高技能人才", 1120000.0, "人")]
    assert [s["title"] for s in plan["sections"]] == ["总体要求", "重点任务", "组织领导"]
    assert [g["numeral"] for g in plan["sections"][1]["groups"]] == ["（一）", "（二）", "（三）", "（四）"]
    assert len(plan["agencies"]) == 49
    assert plan["agencies"][0] == {"code": "prov-org-dept", "name": "省委组织部",
                                   "name_en": "Organization Department of the Provincial Party Committee",
                                   "kind": "party_department"}
    assert plan["progress_percent"] == 0.0


async def test_unknown_plan_is_a_bilingual_404(client):
    response = await client.get("/plans/no-such-plan")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "plan_not_found"
    assert body["messages"] == {"zh-CN": "未找到该计划。", "en": "No plan has this code."}


async def test_26_tasks_in_number_order(client):
    assert await numbers(client, f"plan={PLAN}") == list(range(1, 27))
    response = await client.get(f"/tasks?plan={PLAN}&size=100")
    assert response.json()["total"] == 26


async def test_task_1_is_led_by_the_organization_department_and_science_department(client):
    item = (await client.get(f"/tasks?plan={PLAN}&size=1")).json()["items"][0]
    assert item["title"] == "实施高层次人才培养支持计划"
    assert [a["name"] for a in item["lead"]] == ["省委组织部", "省科技厅"]
    assert [a["name"] for a in item["responsible"]] == [
        "省委宣传部", "省教育厅", "省财政厅", "省人力资源社会保障厅", "省国资委", "省文化厅", "省科协", "各市"]
    assert (item["section"], item["group"], item["deliverable_count"]) == (2, 1, 6)


async def test_chinese_search_over_title_and_clause(client):
    assert await numbers(client, "q=博士后") == [5]
    assert await numbers(client, "q=院士") == [2, 4, 11, 18]
    assert await numbers(client, "q=青年英才储备") == [5]
    assert await numbers(client, "q=%25") == [13, 17]  # a literal %, not a wildcard
    assert await numbers(client, "q=院_") == []


async def test_filters_by_section_group_agency_and_role(client):
    assert await numbers(client, "section=3") == [23, 24, 25, 26]
    assert await numbers(client, "section=2&group=3") == [11, 12, 13, 14, 15]
    assert await numbers(client, "agency=prov-hrss-dept&role=lead") == [2, 4, 5, 7, 9, 14, 16, 17, 18, 20, 22, 23]
    assert await numbers(client, "agency=prov-hrss-dept&role=responsible") == [1, 3, 8, 10, 15, 24, 25]
    assert await numbers(client, "agency=prov-sci-tech-association&role=lead") == [11]
    assert await numbers(client, "agency=prov-org-dept&role=responsible") == [4, 8, 9, 10, 11, 12, 16, 17, 20, 26]


async def test_a_city_owns_every_task_of_its_group(client):
    assert await numbers(client, "agency=city-dalian") == list(range(1, 27))
    assert await numbers(client, "agency=city-dalian&role=responsible") == list(range(1, 27))
    assert await numbers(client, "agency=city-dalian&role=lead") == []


async def test_role_without_agency_is_refused(client):
    response = await client.get("/tasks?role=lead")
    assert response.status_code == 422
    assert response.json()["code"] == "role_filter_needs_agency"


async def test_pages_and_their_limits(client):
    body = (await client.get(f"/tasks?plan={PLAN}&size=10&page=3")).json()
    assert [i["number"] for i in body["items"]] == [21, 22, 23, 24, 25, 26]
    assert (body["total"], body["page"], body["size"]) == (26, 3, 10)
    assert (await client.get("/tasks?page=9")).json()["items"] == []
    for query in ("size=101", "size=0", "page=0", "section=0", "q=", "agency=Not%20A%20Code"):
        response = await client.get(f"/tasks?{query}")
        assert response.status_code == 422, query
        assert response.json()["code"] == "validation_failed"


async def test_task_11_has_the_academician_workstation_target(client):
    task = (await client.get(f"/tasks/{PLAN}/11")).json()
    assert task["title"] == "开展“两院”院士助力振兴发展活动"
    assert task["clause"].startswith("11. 开展“两院”院士助力振兴发展活动。")
    [deliverable] = task["deliverables"]
    assert {k: deliverable[k] for k in ("code", "quote", "value", "unit", "comparator", "due", "reporting",
                                        "derived_from_program")} == {
        "code": "t11-academician-workstations", "quote": "新建院士工作站 100 家", "value": 100.0, "unit": "家",
        "comparator": "exactly", "due": "2020-12-31", "reporting": "quarterly",
        "derived_from_program": "t11-academician-workstation"}
    # The plan ended on 2020-12-31: this is its final result.
    assert deliverable["progress"] == {"source": "derived", "value": 0.0, "percent": 0.0, "expected_value": 100.0,
                                       "status": "red", "parts_value": None, "as_of": "2020-12-31", "final": True,
                                       "result": "not_achieved"}
    assert deliverable["reports"] == {"total": 0, "pending": 0, "accepted": 0, "returned": 0, "latest_period": None,
                                      "latest_reported_on": None, "latest_submitted_at": None}


async def test_task_owners_keep_order_roles_and_resolve_the_cities(client):
    task = (await client.get(f"/tasks/{PLAN}/11")).json()
    owners = [(o["role"], o["position"], o["agency"]["code"]) for o in task["owners"]]
    assert owners == [("lead", 1, "prov-science-tech-dept"), ("lead", 2, "prov-sci-tech-association"),
                      ("responsible", 1, "prov-org-dept"), ("responsible", 2, "prov-finance-dept"),
                      ("responsible", 3, "all-cities")]
    all_cities = task["owners"][-1]
    assert all_cities["agency"]["name"] == "各市"
    assert [m["name"] for m in all_cities["members"]] == CITIES
    assert all(o["members"] == [] for o in task["owners"][:-1])


async def test_an_agency_may_be_lead_and_responsible_on_one_task(client):
    task = (await client.get(f"/tasks/{PLAN}/20")).json()
    org = [o["role"] for o in task["owners"] if o["agency"]["code"] == "prov-org-dept"]
    assert org == ["lead", "responsible"]


async def test_deliverables_name_what_they_are_part_of(client):
    task = (await client.get(f"/tasks/{PLAN}/1")).json()
    assert [(d["code"], d["part_of"]) for d in task["deliverables"]] == [
        ("t01-outstanding-talent", None), ("t01-leading-talent", None),
        ("t01-tech-innovation-leaders", "t01-leading-talent"), ("t01-tech-entrepreneur-leaders", "t01-leading-talent"),
        ("t01-social-science-leaders", "t01-leading-talent"), ("t01-young-top-talent", None)]


async def test_unknown_or_invalid_tasks(client):
    response = await client.get(f"/tasks/{PLAN}/27")
    assert (response.status_code, response.json()["code"]) == (404, "task_not_found")
    assert (await client.get(f"/tasks/{PLAN}/0")).status_code == 422
    assert (await client.get(f"/tasks/{PLAN}/99999999999")).status_code == 422
    assert (await client.get("/tasks/Bad_Code/1")).status_code == 422


async def test_deliverable_detail_names_its_task(client):
    body = (await client.get("/deliverables/t05-doctors-postdocs")).json()
    assert body["task"] == {"plan_code": PLAN, "number": 5, "title": "实施青年英才储备计划",
                            "title_en": "Implement the young talent reserve programme"}
    assert (body["quote"], body["value"], body["unit"], body["approximate"]) == (
        "力争三年储备博士、博士后 2 万左右", 20000.0, "人", True)
    response = await client.get("/deliverables/no-such-deliverable")
    assert (response.status_code, response.json()["code"]) == (404, "deliverable_not_found")


async def test_agencies_by_kind_and_in_plan_order(client):
    cities = (await client.get("/agencies?kind=city&size=100")).json()
    assert cities["total"] == 14
    assert sorted(c["name"] for c in cities["items"]) == sorted(CITIES)
    in_plan = (await client.get(f"/agencies?plan={PLAN}&size=100")).json()
    assert in_plan["total"] == 49
    assert [a["code"] for a in in_plan["items"][:2]] == ["prov-org-dept", "prov-propaganda-dept"]
    assert in_plan["items"][-1] == {"code": "all-cities", "name": "各市", "name_en": "All prefecture-level cities",
                                    "kind": "group", "plans": [PLAN]}
    assert (await client.get("/agencies?kind=ministry")).status_code == 422


async def test_an_agency_with_the_tasks_it_leads_and_shares(client):
    body = (await client.get("/agencies/prov-sci-tech-association")).json()
    assert (body["name"], body["kind"]) == ("省科协", "people_organization")
    assert [(t["number"], t["role"], t["via"]) for t in body["leads"]] == [(11, "lead", None)]
    assert [t["number"] for t in body["shares"]] == [1, 2, 8, 13, 14, 15, 17, 18]
    assert body["member_of"] == []
    assert body["progress_percent"] == 0.0


async def test_a_city_sees_the_tasks_it_owns_through_its_group(client):
    body = (await client.get("/agencies/city-dalian")).json()
    assert body["leads"] == []
    assert len(body["shares"]) == 26
    assert {(t["role"], t["via"]) for t in body["shares"]} == {("responsible", "all-cities")}
    assert [m["group"]["code"] for m in body["member_of"]] == ["all-cities"]
    assert body["progress_percent"] is None


async def test_the_group_lists_its_members(client):
    body = (await client.get("/agencies/all-cities")).json()
    assert [m["group"]["name"] for m in body["members"]] == CITIES
    assert {m["plan_code"] for m in body["members"]} == {PLAN}
    response = await client.get("/agencies/no-such-agency")
    assert (response.status_code, response.json()["code"]) == (404, "agency_not_found")


async def test_plan_content_is_served_in_english_beside_the_chinese(client):
    task = (await client.get(f"/tasks/{PLAN}/11")).json()
    assert (task["title"], task["title_en"], task["plan"]["title_en"]) == (
        "开展“两院”院士助力振兴发展活动",
        "Engage academicians of the Chinese Academies of Sciences and Engineering in supporting revitalization",
        "Liaoning Three-Year Action Plan for Talent Serving Comprehensive Revitalization (2018–2020)")
    [deliverable] = task["deliverables"]
    assert (deliverable["indicator"], deliverable["indicator_en"], deliverable["unit"], deliverable["unit_en"]) == (
        "新建院士工作站", "New academician workstations", "家", "workstations")
    listed = (await client.get(f"/tasks?plan={PLAN}&size=1")).json()["items"][0]
    assert listed["title_en"] == "Implement the high-level talent cultivation and support programme"
    plan = (await client.get(f"/plans/{PLAN}")).json()
    assert [(t["indicator_en"], t["unit_en"]) for t in plan["overall_targets"]] == [
        ("Professional and technical personnel", "people"), ("Personnel with senior technical titles", "people"),
        ("Highly skilled personnel", "people")]
    agency = (await client.get("/agencies/prov-sci-tech-association")).json()
    assert agency["leads"][0]["title_en"] == task["title_en"]
    matrix = (await client.get(f"/matrix?plan={PLAN}")).json()
    assert matrix["plan"]["title_en"] == task["plan"]["title_en"]
    assert matrix["rows"][10]["title_en"] == task["title_en"]
