"""One OpenAPI document for the whole platform: each service's paths under /api/<service>, its component
names prefixed with the service's name so that equal names from two services cannot collide."""

import asyncio
import copy
from typing import Any

import aiohttp

from gateway.proxy.upstreams import Upstream


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                out[key] = "#/components/schemas/" + prefix + value.rsplit("/", 1)[1]
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def merge_documents(gateway_doc: dict[str, Any], service_docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged = copy.deepcopy(gateway_doc)
    merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    tags = merged.setdefault("tags", [])
    for service, doc in service_docs.items():
        prefix = service.capitalize()
        doc = _rewrite_refs(doc, prefix)
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas[prefix + name] = schema
        for path, item in doc.get("paths", {}).items():
            if path == "/internal" or path.startswith("/internal/"):
                continue  # service-to-service only; the gateway does not route it (paths.route)
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                operation["tags"] = [f"{service}.{tag}" for tag in operation.get("tags", ["default"])]
                if "operationId" in operation:
                    operation["operationId"] = f"{service}-{operation['operationId']}"
            merged["paths"][f"/api/{service}{path}"] = item
        for name, item in doc.get("webhooks", {}).items():  # what the platform posts to receivers (events)
            merged.setdefault("webhooks", {})[name] = item
        tags.append({"name": service, "description": doc.get("info", {}).get("title", service)})
    return merged


async def fetch_service_documents(upstreams: dict[str, Upstream], timeout: float) -> dict[str, dict[str, Any]]:
    async def fetch(name: str, upstream: Upstream) -> tuple[str, dict[str, Any] | None]:
        assert upstream.session is not None
        url = upstream.any_url()
        try:
            async with upstream.session.get(f"{url}/openapi.json",
                                            timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                if response.status == 200:
                    return name, await response.json()
        except (aiohttp.ClientError, TimeoutError, asyncio.TimeoutError, ValueError):
            pass
        return name, None

    results = await asyncio.gather(*(fetch(name, upstream) for name, upstream in upstreams.items()))
    return {name: doc for name, doc in results if doc is not None}
