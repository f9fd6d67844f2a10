"""Annotated dependency aliases every service uses: one session, one transaction, per request."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.database import open_session


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async for session in open_session(request.app.state.database, write=False):
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async for session in open_session(request.app.state.database, write=True):
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is a 5xx, not a lie.
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
