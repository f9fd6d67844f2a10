"""Whether a sign-in still stands, checked on every request that carries an access token: the user exists
and is active, is still at the token version the token was issued with (a role, agency or activity change
raises it), and the sign-in (its refresh-token family) was not signed out or revoked.

What was read is kept for a short while (`session_check_seconds`) so that a busy client does not cost a
query per request. A change made through this process forgets it at once; with Redis configured the state
lives there instead, so a change made through any gateway replica is seen by all of them on the next
request."""

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from gateway.identity.repository import UserRepository
from gateway.identity.tokens import AccessClaims
from servicekit.database import Database
from servicekit.unit_of_work import transaction

REDIS_PREFIX = "tpp:gateway:sign-in:"


@dataclass(frozen=True)
class SignInState:
    version: int
    active: bool
    live: bool

    def admits(self, claims: AccessClaims) -> bool:
        return self.active and self.live and self.version == claims.version

    def encode(self) -> str:
        return f"{self.version}:{int(self.active)}:{int(self.live)}"

    @classmethod
    def decode(cls, text: str) -> "SignInState":
        version, active, live = text.split(":")
        return cls(int(version), active == "1", live == "1")


GONE = SignInState(version=-1, active=False, live=False)


class SignInChecks:
    def __init__(self, database: Database, ttl_seconds: float, redis_url: str = "") -> None:
        self.database = database
        self.ttl = ttl_seconds
        self.redis: Redis | None = Redis.from_url(redis_url, decode_responses=True) if redis_url else None
        self._local: dict[str, tuple[float, SignInState]] = {}
        self._by_user: dict[int, set[str]] = {}

    async def admits(self, claims: AccessClaims) -> bool:
        return (await self._state(claims.user_id, claims.session)).admits(claims)

    async def _state(self, user_id: int, session: str) -> SignInState:
        key = f"{user_id}:{session}"
        if self.redis is not None:
            stored = await self.redis.get(REDIS_PREFIX + key)
            if stored is not None:
                return SignInState.decode(stored)
        else:
            remembered = self._local.get(key)
            if remembered is not None and remembered[0] > time.monotonic():
                return remembered[1]
        async with transaction(self.database, write=False) as db:
            row = await UserRepository(db).session_state(user_id, session)
        state = GONE if row is None else SignInState(*row)
        if self.redis is not None:
            await self.redis.set(REDIS_PREFIX + key, state.encode(), px=max(1, int(self.ttl * 1000)))
        else:
            if len(self._local) > 100_000:
                self._local.clear()
                self._by_user.clear()
            self._local[key] = (time.monotonic() + self.ttl, state)
            self._by_user.setdefault(user_id, set()).add(key)
        return state

    async def forget(self, user_id: int, sessions: list[str] | None = None) -> None:
        """After a change to the user (every sign-in) or to some of their sign-ins has been committed."""
        keys = {f"{user_id}:{s}" for s in sessions} if sessions is not None else self._by_user.pop(user_id, set())
        for key in keys:
            self._local.pop(key, None)
        if self.redis is not None and keys:
            await self.redis.delete(*(REDIS_PREFIX + key for key in keys))

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
