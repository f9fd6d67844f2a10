"""The gateway does not own agencies: it asks the agencies service whether a code exists."""

import asyncio

import aiohttp

from gateway.errors import AgencyCheckUnavailable, UnknownAgency
from gateway.proxy.upstreams import Upstream


async def check_agency_exists(upstreams: dict[str, Upstream], agency_code: str) -> None:
    agencies = upstreams["agencies"]
    assert agencies.session is not None
    url = f"{agencies.any_url()}/agencies/{agency_code}"
    try:
        async with agencies.session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
            if response.status == 404:
                raise UnknownAgency(f"未知的单位代码：{agency_code}", f"Unknown agency code: {agency_code}")
            if response.status != 200:
                raise AgencyCheckUnavailable()
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError) as exc:
        raise AgencyCheckUnavailable() from exc
