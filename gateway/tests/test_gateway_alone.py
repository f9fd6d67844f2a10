"""The gateway on its own: the SPA, unknown routes, and upstreams that are missing or too slow."""

import asyncio


async def test_spa_files_are_served_and_client_routes_fall_back_to_index(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("<html>spa</html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app-1234.js").write_text("console.log(1)")
    client = await make_client(settings_for(tmp_path))
    index = await client.get("/")
    assert index.status_code == 200 and index.text == "<html>spa</html>"
    assert (await client.get("/status")).text == "<html>spa</html>"
    asset = await client.get("/assets/app-1234.js")
    assert asset.text == "console.log(1)"
    assert "immutable" in asset.headers["cache-control"]
    escape = await client.get("/../../etc/passwd")
    assert escape.text == "<html>spa</html>"


async def test_unknown_api_route_is_404_problem_not_the_spa(tmp_path, make_client, settings_for):
    (tmp_path / "index.html").write_text("<html>spa</html>")
    client = await make_client(settings_for(tmp_path))
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_unreachable_service_is_502_and_health_degraded(tmp_path, make_client, settings_for):
    client = await make_client(settings_for(tmp_path))
    response = await client.get("/api/agencies/tasks", headers={"Accept-Language": "en"})
    assert response.status_code == 502
    assert response.json()["detail"] == "The agencies service is unavailable; try again later."
    health = (await client.get("/api/health")).json()
    assert health["status"] == "degraded"
    assert [s["status"] for s in health["services"]] == ["up", "down", "down", "down"]


async def test_a_service_that_does_not_answer_in_time_is_504(tmp_path, make_client, settings_for):
    # A listener that accepts connections and never answers: a hung service.
    server = await asyncio.start_server(lambda r, w: asyncio.sleep(30), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        settings = settings_for(tmp_path, funding_url=f"http://127.0.0.1:{port}", upstream_read_timeout=0.5)
        client = await make_client(settings)
        response = await client.get("/api/funding/accounts")
        assert response.status_code == 504
        assert response.json()["code"] == "gateway_timeout"
    finally:
        server.close()


async def test_a_gateway_route_asked_with_another_method_is_405_with_allow(tmp_path, make_client, settings_for):
    client = await make_client(settings_for(tmp_path))
    response = await client.put("/api/auth/login", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["code"] == "method_not_allowed"
    assert (await client.delete("/api/admin/users/3")).headers["allow"] == "PATCH"
    assert (await client.put("/api/no-such-route")).status_code == 404


async def test_booleans_are_booleans(tmp_path, make_client, settings_for, gateway_database_url):
    from gateway_factories import create_user

    user_id, username, password = await create_user(gateway_database_url, role="admin")
    client = await make_client(settings_for(tmp_path))
    token = (await client.post("/api/auth/login", json={"username": username, "password": password})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for body in ({"is_active": 0}, {"is_active": "false"}, {"is_agency_admin": 1}):
        assert (await client.patch(f"/api/admin/users/{user_id}", headers=headers, json=body)).status_code == 422
