"""Annotated dependency aliases every service uses: one session, one transaction, per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.database import session_scope


# `async with`, not `async for`: the handler's exception must reach the scope at once so it rolls back
# there and then (through `async for` it never arrives, and the transaction waits for the garbage collector).
async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with session_scope(request.app.state.database, write=False) as session:
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with session_scope(request.app.state.database, write=True) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is a 5xx, not a lie.
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
