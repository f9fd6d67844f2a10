"""Test data for the gateway's tests, made the way the platform makes it: accounts through the identity
service (as the bootstrap does), sign-in through the API."""

import uuid

from gateway.identity import service as identity
from gateway.keys import service as keys
from servicekit.database import standalone_session


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def create_user(database_url: str, **fields) -> tuple[int, str, str]:
    """A user of the given role (and agency, flags); returns (id, username, password)."""
    username = unique(fields.get("role", "user"))
    async with standalone_session(database_url, write=True) as session:
        user, password = await identity.create_user(session, actor="test", username=username,
                                                    display_name=fields.pop("display_name", "测试"), password=None,
                                                    **fields)
    return user.id, username, password


async def create_api_key(database_url: str, agency: str = "city-dalian", scopes: tuple[str, ...] = ("reports:write",)):
    """An agency key made in the service layer (creating one over HTTP asks the absent agencies service);
    returns (key, secret)."""
    async with standalone_session(database_url, write=True) as session:
        return await keys.create_api_key(session, "test", agency, "对接", list(scopes))


async def sign_in(client, username: str, password: str) -> dict:
    response = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def signed_in_as(client, database_url: str, **fields) -> dict[str, str]:
    """The `Authorization` header of a new user of the given role, signed in."""
    _, username, password = await create_user(database_url, **fields)
    return bearer(await sign_in(client, username, password))
