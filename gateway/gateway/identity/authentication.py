"""Who is calling the gateway: an access token (people), an API key (agencies), or nobody (public).
The answer travels on to the services as a signed internal token; whatever the caller sent in that
header is dropped first, so nobody can claim an identity the gateway did not check."""

from gateway.errors import InvalidAccessToken, TwoCredentials
from gateway.identity.sessions import SignInChecks
from gateway.identity.tokens import AccessTokens
from gateway.keys import service as keys
from gateway.keys.secrets import looks_like_api_key
from gateway.rate_limit import RateLimiter
from servicekit.database import Database
from servicekit.identity import Principal
from servicekit.unit_of_work import transaction


class Authenticator:
    def __init__(self, database: Database, access_tokens: AccessTokens, sign_ins: SignInChecks,
                 limiter: RateLimiter, api_key_rate: str) -> None:
        self.database = database
        self.access_tokens = access_tokens
        self.sign_ins = sign_ins
        self.limiter = limiter
        self.api_key_rate = api_key_rate

    async def identify(self, authorization: str | None, api_key: str | None) -> Principal:
        bearer = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
        if api_key is not None and authorization is not None and bearer != api_key:
            # Two credentials: checking one and ignoring the other would let a bad one pass unnoticed.
            raise TwoCredentials()
        if api_key or (bearer and looks_like_api_key(bearer)):
            async with transaction(self.database, write=False) as session:
                principal = await keys.authenticate_api_key(session, api_key or bearer)
            await self.limiter.hit(self.api_key_rate, "api-key", principal.subject)
            return principal
        if bearer:
            claims = self.access_tokens.read(bearer)
            if claims is None or not await self.sign_ins.admits(claims):
                raise InvalidAccessToken()
            return claims.principal
        return Principal.anonymous()
