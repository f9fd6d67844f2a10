"""Short-lived access tokens (JWTs) given to people at sign-in; the gateway alone issues and checks them."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from servicekit.identity import ALGORITHM, Principal, TokenSigner

ACCESS_AUDIENCE = "tpp-clients"
ACCESS_KEY_ID = "access"


@dataclass(frozen=True)
class AccessClaims:
    principal: Principal
    user_id: int
    session: str  # the sign-in (refresh-token family) the token was issued for
    version: int  # the user's token version when it was issued


class AccessTokens:
    def __init__(self, private_pem: bytes, public_pem: bytes, ttl: timedelta) -> None:
        self.signer = TokenSigner(private_pem, key_id=ACCESS_KEY_ID)
        self.public_pem = public_pem
        self.ttl = ttl

    def issue(self, principal: Principal, *, session: str, version: int) -> str:
        now = datetime.now(UTC)
        claims = {"aud": ACCESS_AUDIENCE, "iss": "tpp-gateway", "iat": now, "exp": now + self.ttl,
                  "sub": principal.subject, "role": principal.role, "agency": principal.agency,
                  "name": principal.name, "scopes": sorted(principal.scopes), "sid": session, "ver": version}
        return jwt.encode(claims, self.signer.key, algorithm=ALGORITHM, headers={"kid": ACCESS_KEY_ID})

    def read(self, token: str) -> AccessClaims | None:
        """What a valid token says; None for a forged, expired or malformed one."""
        try:
            claims = jwt.decode(token, self.public_pem, algorithms=[ALGORITHM], audience=ACCESS_AUDIENCE,
                                issuer="tpp-gateway",
                                options={"require": ["exp", "sub", "aud", "iss", "sid", "ver"]})
            principal = Principal(subject=claims["sub"], role=claims["role"], agency=claims.get("agency"),
                                  name=claims.get("name"), scopes=frozenset(claims.get("scopes") or ()))
            kind, _, user_id = principal.subject.partition(":")
            if kind != "user" or not isinstance(claims["ver"], int) or not isinstance(claims["sid"], str):
                return None
            return AccessClaims(principal, int(user_id), claims["sid"], claims["ver"])
        except (jwt.PyJWTError, KeyError, ValueError):
            return None
