"""The pages problem `type` URIs lead to: `/api/v1/problems/<code>` says what a code means, in zh-CN and
English, from the catalogs of the gateway and every service (each serves its own at `/problems`)."""

from html import escape
from typing import Any

from gateway.proxy.openapi import fetch_service_documents
from gateway.proxy.upstreams import Upstream
from servicekit.problems import NotFound, problem_catalog


class UnknownProblemCode(NotFound):
    code = "unknown_problem_code"
    message_zh = "没有这个错误代码。"
    message_en = "No such problem code."


class ProblemCatalog:
    """Codes and their meaning, with the services that answer with each; kept once every service has answered."""

    def __init__(self) -> None:
        self.complete: dict[str, dict[str, Any]] | None = None

    async def entries(self, upstreams: dict[str, Upstream], timeout: float) -> dict[str, dict[str, Any]]:
        if self.complete is not None:
            return self.complete
        entries = {code: {**entry, "services": ["gateway"]} for code, entry in problem_catalog().items()}
        catalogs = await fetch_service_documents(upstreams, timeout, "/problems")
        for service, catalog in sorted(catalogs.items()):
            for code, entry in catalog.items():
                entries.setdefault(code, {**entry, "services": []})["services"].append(service)
        if len(catalogs) == len(upstreams):
            self.complete = entries
        return entries

    async def entry(self, code: str, upstreams: dict[str, Upstream], timeout: float) -> dict[str, Any]:
        entries = await self.entries(upstreams, timeout)
        if code not in entries:
            raise UnknownProblemCode()
        return {"code": code, **entries[code]}


def problem_page(entry: dict[str, Any]) -> str:
    code, zh, en = escape(entry["code"]), escape(entry["zh-CN"]), escape(entry["en"])
    services = escape("、".join(entry["services"]))
    return f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{code} · 人才计划平台 API</title>
<h1><code>{code}</code></h1>
<p>HTTP {int(entry["status"])}</p>
<p lang="zh-CN">{zh}</p>
<p lang="en">{en}</p>
<p>由以下部分返回 / Answered by: {services}</p>
<p><a href="/api/docs">API 文档 / API docs</a></p></html>"""
