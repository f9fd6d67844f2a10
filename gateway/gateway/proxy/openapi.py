"""One OpenAPI document for the whole platform: each service's paths under /api/v1/<service>. A schema defined
the same in every document that has it (servicekit's `Problem`, `Health`, …) is kept once under its own name;
any other schema of a service is prefixed with the service's name, so equal names cannot collide. Every
schema's title is its component name, which is what client generators name their classes after."""

import asyncio
import copy
import json
import re
from typing import Any

import aiohttp

from gateway.proxy.upstreams import Upstream

SCHEMA_REF = "#/components/schemas/"
TITLE = "Talent Plan Platform API"
CONTACT = {"name": "Talent Plan Platform team (人才计划平台运维组)", "email": "platform@example.cn"}
LICENSE = {"name": "Proprietary", "url": "https://example.cn/talent-plan-platform/license"}
VERSIONED = "/api/v1"


def component_name(name: str) -> str:
    """`Page[TaskRead]` → `TaskReadPage`: component names are [A-Za-z0-9._-] only."""
    generic = re.fullmatch(r"(\w+)\[(\w+)\]", name)
    if generic:
        name = generic.group(2) + generic.group(1)
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"][len(SCHEMA_REF):]} if str(node.get("$ref", "")).startswith(SCHEMA_REF) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def _rewrite_refs(node: Any, rename: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: (SCHEMA_REF + rename[value[len(SCHEMA_REF):]]
                      if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF)
                      else _rewrite_refs(value, rename)) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, rename) for item in node]
    return node


def shared_schema_names(documents: list[dict[str, Any]]) -> set[str]:
    """Names defined alike in every document that has them (two at least), and referring only to such names."""
    definitions: dict[str, set[str]] = {}
    bodies: dict[str, Any] = {}
    for document in documents:
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            definitions.setdefault(name, set()).add(json.dumps(schema, sort_keys=True))
            bodies[name] = schema
    counts = {name: sum(name in d.get("components", {}).get("schemas", {}) for d in documents) for name in bodies}
    shared = {name for name, texts in definitions.items() if len(texts) == 1 and counts[name] > 1}
    while True:
        narrowed = {name for name in shared if _refs(bodies[name]) <= shared}
        if narrowed == shared:
            return shared
        shared = narrowed


def merge_documents(gateway_doc: dict[str, Any], service_docs: dict[str, dict[str, Any]],
                    server_url: str = "/") -> dict[str, Any]:
    shared = shared_schema_names([gateway_doc, *service_docs.values()])
    own = {name: component_name(name) for name in gateway_doc.get("components", {}).get("schemas", {})}
    merged = _rewrite_refs(copy.deepcopy(gateway_doc), own)
    merged["info"] = {**merged.get("info", {}), "title": TITLE, "contact": CONTACT, "license": LICENSE}
    merged["servers"] = [{"url": server_url, "description": "This gateway"}]
    # The documented paths are the versioned ones; the unversioned `/api/…` is a deprecated alias.
    merged["paths"] = {VERSIONED + path[len("/api"):] if path.startswith("/api/") else path: item
                       for path, item in merged.get("paths", {}).items()}
    components = merged.setdefault("components", {})
    schemas = components["schemas"] = {own[name]: schema for name, schema in components.get("schemas", {}).items()}
    tags = merged.setdefault("tags", [])
    for service, doc in service_docs.items():
        prefix = service.capitalize()
        names = doc.get("components", {}).get("schemas", {})
        rename = {name: component_name(name) if name in shared else prefix + component_name(name) for name in names}
        doc = _rewrite_refs(doc, rename)
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(rename[name], schema)
        for path, item in doc.get("paths", {}).items():
            if path == "/internal" or path.startswith("/internal/"):
                continue  # service-to-service only; the gateway does not route it (paths.route)
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                operation["tags"] = [f"{service}.{tag}" for tag in operation.get("tags", ["default"])]
                if "operationId" in operation:
                    operation["operationId"] = f"{service}-{operation['operationId']}"
            merged["paths"][f"{VERSIONED}/{service}{path}"] = item
        for name, item in doc.get("webhooks", {}).items():  # what the platform posts to receivers (events)
            for operation in item.values():
                if isinstance(operation, dict):
                    operation["tags"] = [f"{service}.{tag}" for tag in operation.get("tags", ["default"])]
            merged.setdefault("webhooks", {})[name] = item
        title = doc.get("info", {}).get("title", service)
        tags.extend({"name": f"{service}.{tag['name']}", "description": f"{title}: {tag['description']}"}
                    for tag in doc.get("tags", []))
    used = {tag for item in [*merged["paths"].values(), *merged.get("webhooks", {}).values()]
            for op in item.values() if isinstance(op, dict) for tag in op.get("tags", [])}
    merged["tags"] = [tag for tag in tags if tag["name"] in used]
    # Only what the routed paths and the webhooks use: schemas of the internal paths left out above go too.
    reachable, todo = set(), _refs(merged["paths"]) | _refs(merged.get("webhooks", {}))
    while todo:
        name = todo.pop()
        if name not in reachable:
            reachable.add(name)
            todo |= _refs(schemas[name])
    components["schemas"] = {name: {**schema, "title": name} for name, schema in schemas.items()
                             if name in reachable}
    return merged


async def fetch_service_documents(upstreams: dict[str, Upstream], timeout: float,
                                  path: str = "/openapi.json") -> dict[str, dict[str, Any]]:
    async def fetch(name: str, upstream: Upstream) -> tuple[str, dict[str, Any] | None]:
        assert upstream.session is not None
        url = upstream.any_url()
        try:
            async with upstream.session.get(f"{url}{path}",
                                            timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                if response.status == 200:
                    return name, await response.json()
        except (aiohttp.ClientError, TimeoutError, asyncio.TimeoutError, ValueError):
            pass
        return name, None

    results = await asyncio.gather(*(fetch(name, upstream) for name, upstream in upstreams.items()))
    return {name: doc for name, doc in results if doc is not None}
