"""Applications: forms checked against their JSON Schema with messages in both languages, personal data
checked, encrypted at rest and masked for experts, evidence files sniffed and served only to who may see them,
and a returned application's history kept across its resubmission."""

from datetime import date

from sqlalchemy import text

from applications_factories import draft, open_call, person_form, personal
from applications_testkit import CITY, IN_WINDOW, REVIEWING, act, admin, agency_key, applicant, expert, must, reviewer

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_a_draft_may_be_incomplete_but_a_submission_may_not(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    partial = {"applicant_name": "演示人乙", "unit": "大连示例研究所"}
    application = await draft(client, call["id"], form=partial)
    refused = await act(client, application["id"], "submit", applicant())
    body = refused.json()
    assert (refused.status_code, body["code"]) == (422, "form_invalid")
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages["body.form_data.position"] == "请填写「职务/职称」"
    assert messages["body.form_data.declaration"] == "请填写「本人承诺所填信息真实、准确，如有不实愿承担相应责任」"
    english = await client.post(f"/applications/{application['id']}/transitions", json={"action": "submit"},
                                headers={**applicant(), "Accept-Language": "en"})
    assert {e["field"]: e["message"] for e in english.json()["errors"]}["body.form_data.position"] == \
           "Position or professional title is required"


async def test_wrong_values_are_named_by_field_and_title(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    response = await client.post("/applications", headers=applicant(), json={
        "call_id": call["id"], "nominating_agency": CITY,
        "form_data": person_form(discipline="astrology", achievements="太短",
                                 projects=[{"name": "项目", "role": "leader", "year": 1800}], hobby="围棋")})
    assert response.status_code == 422
    errors = {e["field"]: (e["type"], e["message"]) for e in response.json()["errors"]}
    assert errors == {
        "body.form_data": ("additionalProperties", "申报书中没有这个字段"),
        "body.form_data.achievements": ("minLength", "「主要业绩与贡献」至少 20 个字"),
        "body.form_data.discipline": ("oneOf", "「学科领域」请从选项中选择"),
        "body.form_data.projects.0.year": ("minimum", "「立项年份」不能小于 1950"),
    }
    wrong_nominator = await client.post("/applications", headers=applicant(), json={
        "call_id": call["id"], "nominating_agency": "prov-audit-dept", "form_data": person_form()})
    assert (wrong_nominator.status_code, wrong_nominator.json()["code"]) == (422, "unknown_nominator")


async def test_personal_data_is_checked_and_shown_only_to_who_may_see_it(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    person = personal(date(1986, 7, 9), male=False, serial=12)
    bad = dict(person, id_number=person["id_number"][:-1] + ("0" if person["id_number"][-1] != "0" else "1"))
    refused = await client.post("/applications", headers=applicant(), json={
        "call_id": call["id"], "nominating_agency": CITY, "form_data": person_form(), "personal": bad})
    assert (refused.status_code, refused.json()["code"]) == (422, "personal_data_invalid")
    assert refused.json()["errors"][0]["field"] == "body.personal.id_number"
    application = await draft(client, call["id"], person=person)
    assert application["personal"] == {**person, "masked": False, "gender": "female", "birth_date": "1986-07-09"}
    await must(await act(client, application["id"], "submit", applicant()))
    for headers in (reviewer(CITY), agency_key(CITY, "applications:read"), admin()):
        seen = await must(await client.get(f"/applications/{application['id']}", headers=headers))
        assert seen["personal"]["id_number"] == person["id_number"]
    for headers in (applicant(2), reviewer(REVIEWING), reviewer("city-dalian"), expert(1)):
        assert (await client.get(f"/applications/{application['id']}", headers=headers)).status_code == 404
    await must(await act(client, application["id"], "nominate", reviewer(CITY)))
    await must(await act(client, application["id"], "start_formal_review", reviewer(REVIEWING)))
    assignment = await must(await client.post(f"/applications/{application['id']}/experts", headers=reviewer(
        REVIEWING), json={"expert": "user:5001", "expert_name": "专家一"}), 201)
    assert (await client.get(f"/applications/{application['id']}", headers=expert(1))).status_code == 404
    await must(await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(1),
                                 json={"declaration": "no_conflict"}))
    masked = (await client.get(f"/applications/{application['id']}", headers=expert(1))).json()["personal"]
    assert masked == {"masked": True, "id_type": "resident_id", "id_number": "**************" +
                      person["id_number"][-4:], "phone": person["phone"][:3] + "******" + person["phone"][-2:],
                      "email": "a***@example.com", "gender": "female", "birth_date": None}


async def test_the_database_holds_no_plaintext_personal_data(client, frozen_clock, database_url):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    person = personal(date(1984, 2, 29), male=True, serial=31)
    application = await draft(client, call["id"], person=person)
    database = client._transport.app.state.database
    async with database.sessionmaker() as session:
        rows = (await session.execute(text("SELECT * FROM applications WHERE id = :id"),
                                      {"id": application["id"]})).mappings().one()
    dumped = repr(dict(rows))
    for secret in (person["id_number"], person["id_number"][6:14], person["phone"], person["email"]):
        assert secret not in dumped
    assert rows["personal_ciphertext"].startswith("v1.") and len(rows["identity_digest"]) == 64


async def test_evidence_files_are_sniffed_hashed_and_served_only_to_who_may_see_them(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    application = await draft(client, call["id"])
    url = f"/applications/{application['id']}/attachments"
    uploaded = await client.post(url, headers=applicant(), data={"label": "获奖证书"},
                                 files={"file": ("证书.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    import hashlib

    assert (attachment["content_type"], attachment["size"], attachment["sha256"], attachment["filename"]) == \
           ("application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest(), "证书.pdf")
    # The type comes from the bytes: a PNG named .pdf is a PNG, a text file named .pdf is refused.
    png = (await client.post(url, headers=applicant(), data={"label": "照片"},
                             files={"file": ("photo.pdf", PNG, "application/pdf")})).json()
    assert png["content_type"] == "image/png"
    fake = await client.post(url, headers=applicant(), data={"label": "伪装"},
                             files={"file": ("evil.pdf", b"<html><script>alert(1)</script>", "application/pdf")})
    assert (fake.status_code, fake.json()["code"]) == (422, "attachment_type_not_allowed")
    big = await client.post(url, headers=applicant(), data={"label": "大文件"},
                            files={"file": ("big.pdf", PDF + b"0" * (8 * 1024 * 1024), "application/pdf")})
    assert (big.status_code, big.json()["code"]) == (413, "attachment_too_large")
    download = await client.get(f"{url}/{attachment['id']}", headers=applicant())
    assert (download.status_code, download.content, download.headers["content-type"]) == (200, PDF,
                                                                                         "application/pdf")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf" in download.headers["content-disposition"]
    for headers in ({}, applicant(2), reviewer(CITY), expert(1)):
        assert (await client.get(f"{url}/{attachment['id']}", headers=headers)).status_code in (401, 403, 404)
    assert (await client.get(f"{url}/{attachment['id']}", headers=admin())).status_code == 200
    await must(await act(client, application["id"], "submit", applicant()))
    assert (await client.get(f"{url}/{attachment['id']}", headers=reviewer(CITY))).status_code == 200
    late = await client.post(url, headers=applicant(), data={"label": "补充"}, files={"file": ("a.pdf", PDF)})
    assert (late.status_code, late.json()["code"]) == (409, "application_not_editable")
    listed = (await client.get(f"/applications/{application['id']}", headers=applicant())).json()["attachments"]
    assert [a["label"] for a in listed] == ["获奖证书", "照片"]


async def test_a_returned_application_is_revised_and_keeps_its_history(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    application = await draft(client, call["id"])
    app_id = application["id"]
    await must(await act(client, app_id, "submit", applicant()))
    await must(await act(client, app_id, "nominate", reviewer(CITY), "推荐"))
    await must(await act(client, app_id, "start_formal_review", reviewer(REVIEWING)))
    await must(await act(client, app_id, "return_for_revision", reviewer(REVIEWING), "请补充代表性成果的证明材料"))
    not_yours = await client.patch(f"/applications/{app_id}", headers=applicant(2), json={"form_data": person_form()})
    assert not_yours.status_code == 404
    revised = await client.patch(f"/applications/{app_id}", headers=applicant(),
                                 json={"form_data": person_form(unit="沈阳示例大学（修订）")})
    assert revised.json()["unit"] == "沈阳示例大学（修订）"
    moved = await client.patch(f"/applications/{app_id}", headers=applicant(),
                               json={"nominating_agency": "city-dalian"})
    assert (moved.status_code, moved.json()["code"]) == (409, "application_not_editable")
    resubmitted = await must(await act(client, app_id, "resubmit", applicant(), "已补充"))
    timeline = [(e["action"], e["from_state"], e["to_state"], e["actor_role"], e["comment"])
                for e in resubmitted["timeline"]]
    assert timeline == [
        ("create", None, "draft", "applicant", ""),
        ("submit", "draft", "submitted", "applicant", ""),
        ("nominate", "submitted", "nominated", "reviewer", "推荐"),
        ("start_formal_review", "nominated", "formal_review", "reviewer", ""),
        ("return_for_revision", "formal_review", "returned", "reviewer", "请补充代表性成果的证明材料"),
        ("resubmit", "returned", "formal_review", "applicant", "已补充"),
    ]
    assert resubmitted["timeline"][4]["action_label"] == {"zh": "退回修改", "en": "Return for revision"}
    assert [a["action"] for a in resubmitted["allowed_actions"]] == ["withdraw"]
    frozen_after = await client.patch(f"/applications/{app_id}", headers=applicant(), json={"form_data": person_form()})
    assert (frozen_after.status_code, frozen_after.json()["code"]) == (409, "application_not_editable")


async def test_withdrawing_gives_the_nomination_place_back(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client, allocations={CITY: 1})
    first = await draft(client, call["id"], 1)
    await must(await act(client, first["id"], "submit", applicant(1)))
    await must(await act(client, first["id"], "nominate", reviewer(CITY)))
    second = await draft(client, call["id"], 2)
    await must(await act(client, second["id"], "submit", applicant(2)))
    assert (await act(client, second["id"], "nominate", reviewer(CITY))).json()["code"] == "allocation_full"
    await must(await act(client, first["id"], "withdraw", applicant(1), "另有安排"))
    quota = (await client.get(f"/calls/{call['id']}/quota")).json()
    assert (quota["nominated"], quota["allocations"][0]["nominated"]) == (0, 0)
    assert (await must(await act(client, second["id"], "nominate", reviewer(CITY))))["state"] == "nominated"


async def test_lists_show_each_caller_what_they_may_see(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    mine = await draft(client, call["id"], 1)
    submitted = await draft(client, call["id"], 2)
    await must(await act(client, submitted["id"], "submit", applicant(2)))
    other_city = await draft(client, call["id"], 3, nominator="city-dalian")
    await must(await act(client, other_city["id"], "submit", applicant(3)))

    async def ids(headers, **params):
        return [a["id"] for a in (await client.get("/applications", headers=headers, params=params)).json()["items"]]

    assert await ids(applicant(1)) == [mine["id"]]
    assert await ids(reviewer(CITY)) == [submitted["id"]]
    assert await ids(reviewer(REVIEWING)) == []
    assert await ids(admin()) == [other_city["id"], submitted["id"], mine["id"]]
    assert await ids(admin(), state="submitted", nominating_agency="city-dalian") == [other_city["id"]]
    assert (await client.get("/applications")).status_code == 401
    assert (await client.get("/applications", headers=agency_key(CITY, "reports:write"))).status_code == 403
