"""Who is calling the gateway: an access token (people), an API key (agencies), or nobody (public).
The answer travels on to the services as a signed internal token; whatever the caller sent in that
header is dropped first, so nobody can claim an identity the gateway did not check."""

from typing import Annotated

from fastapi import Depends, Request

from gateway import service
from gateway.errors import InvalidAccessToken
from gateway.rate_limit import RateLimiter
from gateway.security import AccessTokens
from servicekit.database import Database
from servicekit.unit_of_work import transaction
from servicekit.identity import Principal


class Authenticator:
    def __init__(self, database: Database, access_tokens: AccessTokens, limiter: RateLimiter,
                 api_key_rate: str) -> None:
        self.database = database
        self.access_tokens = access_tokens
        self.limiter = limiter
        self.api_key_rate = api_key_rate

    async def identify(self, authorization: str | None, api_key: str | None) -> Principal:
        bearer = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
        if api_key or (bearer and bearer.startswith("tpp_")):
            presented = api_key or bearer
            async with transaction(self.database, write=False) as session:
                principal = await service.authenticate_api_key(session, presented)
            await self.limiter.hit(self.api_key_rate, "api-key", principal.subject)
            return principal
        if bearer:
            principal = self.access_tokens.read(bearer)
            if principal is None:
                raise InvalidAccessToken()
            return principal
        return Principal.anonymous()


async def _request_principal(request: Request) -> Principal:
    authenticator: Authenticator = request.app.state.authenticator
    return await authenticator.identify(request.headers.get("authorization"), request.headers.get("x-api-key"))


GatewayPrincipal = Annotated[Principal, Depends(_request_principal)]
