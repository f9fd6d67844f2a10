"""Expert review: experts are assigned by the reviewing agency, declare conflicts before the file opens to them,
score on the program's sheet; the recommendation needs the program's number of complete sheets, and records
the amount the funding rule computes for the application."""

from applications_factories import draft, drive, open_call, score_by_experts
from applications_testkit import CITY, IN_WINDOW, REVIEWING, act, admin, applicant, expert, must, reviewer

SCORES = {"achievements": 30, "potential": 20, "contribution": 15, "integrity": 8}


async def assign(client, application_id: int, n: int, headers=None) -> dict:
    return await must(await client.post(f"/applications/{application_id}/experts", headers=headers or reviewer(
        REVIEWING), json={"expert": f"user:{5000 + n}", "expert_name": f"专家{n}"}), 201)


async def test_an_expert_declares_before_seeing_and_scores_on_the_sheet(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "expert_review", 1)
    app_id = application["id"]
    assignment = await assign(client, app_id, 1)
    mine = (await client.get("/reviews/assignments", headers=expert(1))).json()
    assert [(m["id"], m["applicant_name"], m["unit"], m["declaration"], m["can_score"]) for m in mine] == \
           [(assignment["id"], "演示人甲", "沈阳示例大学", None, False)]
    assert [c["max_points"] for c in mine[0]["criteria"]] == [40, 30, 20, 10]
    early = await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(1),
                             json={"scores": SCORES, "comment": "建议支持。"})
    assert (early.status_code, early.json()["code"]) == (403, "declaration_required")
    assert (await client.get(f"/applications/{app_id}", headers=expert(1))).status_code == 404
    declared = await must(await client.post(f"/reviews/assignments/{assignment['id']}/declaration",
                                            headers=expert(1), json={"declaration": "no_conflict"}))
    assert declared["can_score"] is True
    again = await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(1),
                              json={"declaration": "conflict", "note": "改主意"})
    assert (again.status_code, again.json()["code"]) == (409, "already_declared")
    assert (await client.get(f"/applications/{app_id}", headers=expert(1))).json()["personal"]["masked"] is True
    bad = await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(1),
                           json={"scores": {**SCORES, "achievements": 41, "looks": 5}, "comment": "建议支持。"})
    assert (bad.status_code, bad.json()["code"]) == (422, "score_sheet_invalid")
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["body.scores.achievements", "body.scores.looks"]
    scored = await must(await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(1),
                                         json={"scores": SCORES, "comment": "建议支持。"}))
    assert (scored["score_sheet"]["total"], scored["score_sheet"]["max_total"]) == (73, 100)
    other = await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(2),
                             json={"scores": SCORES, "comment": "冒名评分。"})
    assert (other.status_code, other.json()["code"]) == (404, "assignment_not_found")
    summary = (await client.get(f"/applications/{app_id}/reviews", headers=reviewer(REVIEWING))).json()
    assert (summary["min_experts"], summary["complete"], summary["average_total"]) == (3, 1, 73.0)
    assert (await client.get(f"/applications/{app_id}/reviews", headers=reviewer(CITY))).json()["code"] == \
           "not_reviewing_agency"
    removed = await client.delete(f"/applications/{app_id}/experts/{assignment['id']}", headers=reviewer(REVIEWING))
    assert (removed.status_code, removed.json()["code"]) == (409, "assignment_scored")


async def test_a_conflicted_expert_never_sees_the_file_and_is_replaced(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "formal_review", 1)
    assignment = await assign(client, application["id"], 1)
    duplicate = await client.post(f"/applications/{application['id']}/experts", headers=reviewer(REVIEWING),
                                  json={"expert": "user:5001", "expert_name": "专家1"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "expert_already_assigned")
    no_note = await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(1),
                                json={"declaration": "conflict"})
    assert (no_note.status_code, no_note.json()["code"]) == (422, "conflict_note_required")
    await must(await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(1),
                                 json={"declaration": "conflict", "note": "与申报人同一课题组"}))
    assert (await client.get(f"/applications/{application['id']}", headers=expert(1))).status_code == 404
    assert (await client.get(f"/applications/{application['id']}/attachments/1", headers=expert(1))).status_code == 404
    removed = await client.delete(f"/applications/{application['id']}/experts/{assignment['id']}",
                                  headers=reviewer(REVIEWING))
    assert removed.status_code == 204
    stranger = await client.post(f"/applications/{application['id']}/experts", headers=reviewer(CITY),
                                 json={"expert": "user:5009", "expert_name": "专家9"})
    assert (stranger.status_code, stranger.json()["code"]) == (403, "not_reviewing_agency")


async def test_recommending_needs_enough_score_sheets_and_records_the_rules_amount(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "expert_review", 1)
    await score_by_experts(client, application["id"], 2)
    short = await act(client, application["id"], "recommend", reviewer(REVIEWING))
    assert (short.status_code, short.json()["code"], short.json()["complete"]) == (409, "experts_incomplete", 2)
    extra = await assign(client, application["id"], 3)
    await must(await client.post(f"/reviews/assignments/{extra['id']}/declaration", headers=expert(3),
                                 json={"declaration": "no_conflict"}))
    await must(await client.put(f"/reviews/assignments/{extra['id']}/score-sheet", headers=expert(3),
                                json={"scores": SCORES, "comment": "同意推荐。"}))
    recommended = await must(await act(client, application["id"], "recommend", reviewer(REVIEWING), "综合评分前列"))
    assert (recommended["state"], recommended["amount_fen"], recommended["amount_yuan"]) == \
           ("recommended", 50_000_000, "500000")
    late = await client.put(f"/reviews/assignments/{extra['id']}/score-sheet", headers=expert(3),
                            json={"scores": SCORES, "comment": "改分。"})
    assert (late.status_code, late.json()["code"]) == (409, "expert_review_closed")


async def test_a_teams_amount_counts_its_extra_members(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client, "t03-team-tier-2", total=4)
    team = {"applicant_name": "团队带头人丙", "unit": "鞍山示例装备公司", "team_name": "高端装备创新团队",
            "discipline": "engineering", "full_time_in_province": True,
            "members": [{"name": "成员一", "role": "结构设计"}, {"name": "成员二", "role": "控制系统"}],
            "extra_members": 7, "achievements": "团队已完成多项核心部件国产化，产品在省内重点企业应用。",
            "plan": "三年内完成新一代装备样机研制并实现产业化，新增产值五亿元。", "declaration": True}
    application = await draft(client, call["id"], 1, form=team)
    app_id = application["id"]
    for action, headers in (("submit", applicant(1)), ("nominate", reviewer(CITY)),
                            ("start_formal_review", reviewer("prov-science-tech-dept")),
                            ("pass_formal_review", reviewer("prov-science-tech-dept"))):
        await must(await act(client, app_id, action, headers))
    for n in (1, 2, 3):
        assignment = await assign(client, app_id, n, reviewer("prov-science-tech-dept"))
        await must(await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(n),
                                     json={"declaration": "no_conflict"}))
        await must(await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(n), json={
            "scores": {"leader": 25, "strength": 15, "project": 25, "benefit": 15}, "comment": "团队实力强。"}))
    recommended = await must(await act(client, app_id, "recommend", admin()))
    # 300 万元 for the tier + 7 extra members × 20 万元 = 140 万元, capped at 100 万元.
    assert recommended["amount_fen"] == 400_000_000
