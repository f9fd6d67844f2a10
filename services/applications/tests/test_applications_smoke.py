from applications_testkit import IN_WINDOW, applicant, draft, open_call


async def test_a_draft_is_made(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)
    application = await draft(client, call["id"])
    assert application["state"] == "draft"
    response = await client.get(f"/applications/{application['id']}", headers=applicant())
    assert response.status_code == 200
