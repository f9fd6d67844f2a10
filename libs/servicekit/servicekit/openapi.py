"""What an OpenAPI document says beyond FastAPI's own: who may call each operation (read from its dependencies),
the response headers, 429 where limits apply, tags with descriptions, and an example request and answer on
every operation (the schemas' own examples where they have them, else built from their types and bounds), so
that linters and client generators take the document as it is."""

import copy
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant

from servicekit.identity import ACCESS_ATTRIBUTE, Access

BEARER = "bearerAuth"
API_KEY = "apiKeyAuth"
SECURITY_SCHEMES = {
    BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
             "description": "A person's access token from `POST /api/auth/login`. An agency API key is also "
                            "accepted as `Authorization: Bearer <key>`. The list names the roles allowed."},
    API_KEY: {"type": "apiKey", "in": "header", "name": "X-API-Key",
              "description": "An agency's API key. The list names the scope the key needs."},
}
RATE_LIMITED_ATTRIBUTE = "documented_rate_limit"
PROBLEM_REF = "#/components/schemas/Problem"
HEADERS = {
    "X-Request-ID": {"description": "This request's id (the one sent, or a new one); quote it when asking for "
                                    "help.", "schema": {"type": "string"}, "example": "9f1c2d4e5b6a7980"},
    "Idempotent-Replay": {"description": "`true` when this is the stored answer to an earlier request with the "
                                         "same `Idempotency-Key`.", "schema": {"type": "string", "enum": ["true"]},
                          "example": "true"},
    "Retry-After": {"description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 1}, "example": 30},
    "RateLimit-Limit": {"description": "Requests allowed in the window.", "schema": {"type": "integer"},
                        "example": 600},
    "RateLimit-Remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"},
                            "example": 0},
    "RateLimit-Reset": {"description": "Seconds until the window has room again.", "schema": {"type": "integer"},
                        "example": 30},
}
_ROLES_WITH_TOKENS = ("admin", "applicant", "expert", "reviewer")


def documents_rate_limit(dependency: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a dependency whose operations are rate limited (documented with a 429)."""
    setattr(dependency, RATE_LIMITED_ATTRIBUTE, True)
    return dependency


def complete_document(app: FastAPI, schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    components["headers"] = {name: copy.deepcopy(header) for name, header in HEADERS.items()}
    tag_descriptions: dict[str, list[str]] = {}
    for route, method in _documented_routes(app):
        operation = schema["paths"][route.path_format][method]
        calls = list(_dependency_calls(route.dependant))
        operation["security"] = _security(calls)
        rate_limited = any(getattr(call, RATE_LIMITED_ATTRIBUTE, False) for call in calls) or any(
            API_KEY in requirement for requirement in operation["security"])
        _document_responses(operation, rate_limited)
        for tag in operation.get("tags", []):
            texts = tag_descriptions.setdefault(tag, [])
            text = _first_paragraph(inspect.getmodule(route.endpoint))
            if text and text not in texts:
                texts.append(text)
    schema["tags"] = [{"name": tag, "description": " ".join(texts) or f"The {tag} operations."}
                      for tag, texts in sorted(tag_descriptions.items())]
    add_examples(schema)


def _documented_routes(app: FastAPI) -> Iterator[tuple[Any, str]]:
    """Each documented route (as FastAPI sees it once included: its full path, its routers' dependencies)."""
    for route in routing.iter_route_contexts(app.routes):
        if isinstance(route.original_route, routing.APIRoute) and route.include_in_schema:
            for method in sorted(route.methods or ()):
                yield route, method.lower()


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependency_calls(dependency)


def _security(calls: list[Callable[..., Any]]) -> list[dict[str, list[str]]]:
    """`[]` when nobody is asked who they are; else one requirement per way in, `{}` first when optional."""
    rules: list[Access] = [getattr(call, ACCESS_ATTRIBUTE) for call in calls if hasattr(call, ACCESS_ATTRIBUTE)]
    if not rules:
        return []
    roles = frozenset.intersection(*(rule.roles for rule in rules))
    scopes = sorted({rule.scope for rule in rules if rule.scope})
    requirements: list[dict[str, list[str]]] = [{}] if "public" in roles else []
    people = [role for role in _ROLES_WITH_TOKENS if role in roles]
    if people:
        requirements.append({BEARER: people})
    if "agency" in roles:
        requirements.append({API_KEY: scopes})
    return requirements


def _header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _document_responses(operation: dict[str, Any], rate_limited: bool) -> None:
    responses = operation["responses"]
    idempotent = any(p.get("in") == "header" and p.get("name") == "Idempotency-Key"
                     for p in operation.get("parameters", []))
    if rate_limited and "429" not in responses:
        responses["429"] = {"description": "Too many requests: wait `Retry-After` seconds.",
                            "content": {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}}
    for code, response in responses.items():
        headers = response.setdefault("headers", {})
        headers.update(_header_refs("X-Request-ID"))
        if idempotent and str(code).startswith("2"):
            headers.update(_header_refs("Idempotent-Replay"))
        if str(code) == "429":
            headers.update(_header_refs("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"))
        if str(code) in ("503", "5XX"):
            headers.update(_header_refs("Retry-After"))


def _first_paragraph(module: Any) -> str:
    return " ".join((inspect.getdoc(module) or "").split("\n\n")[0].split())


# ---- examples


def add_examples(schema: dict[str, Any]) -> None:
    """An example on every request body, response and parameter that has none (files excepted)."""
    components = schema.get("components", {}).get("schemas", {})
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if "example" not in parameter and "examples" not in parameter and "schema" in parameter:
                    parameter["example"] = example_of(parameter["schema"], components)
            bodies = [operation.get("requestBody", {})] + list(operation.get("responses", {}).values())
            for body in bodies:
                for content in body.get("content", {}).values():
                    if exemplary_media(content) and "example" not in content:
                        content["example"] = example_of(content["schema"], components)


def exemplary_media(media: dict[str, Any]) -> bool:
    """A body an example can show: one with a schema, not raw bytes (a file download)."""
    return bool(media.get("schema")) and media["schema"].get("format") != "binary"


_STRING_FORMATS = {"date-time": "2019-06-30T16:00:00+08:00", "date": "2019-06-30", "time": "09:30:00",
                   "email": "zhang.wei@example.cn", "uri": "https://example.cn/evidence/1",
                   "uuid": "0b7e8a4c-3f0e-4d7c-9a52-6f1e2d3c4b5a", "binary": "", "password": "s3cret-Passw0rd"}
# Tried in turn for a string with a pattern and no example of its own: the first that matches is taken.
_STRING_CANDIDATES = ("example", "t05-doctors-postdocs", "prov-hrss-dept", "CNY", "user:1", "06-30",
                      "13800138000", "open", "approval-1-0123456789ab", "a1", "A1", "1")


_NAMED_EXAMPLE = re.compile(r"e\.g\.\s+(?:`([^`]+)`|([^\s,;，。（）()`]+?))[.,;)）]?(?:\s|$)")


def example_of(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    if "$ref" in schema:
        target = components.get(schema["$ref"].rsplit("/", 1)[1], {})
        return example_of(target, components, depth + 1) if depth < 8 else None
    for key in ("examples", "example"):
        if key in schema:
            value = schema[key]
            return value[0] if key == "examples" and isinstance(value, list) and value else value
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("default") is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return example_of(options[0], components, depth)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_of(part, components, depth)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {name: example_of(sub, components, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        item = example_of(schema.get("items", {}), components, depth + 1)
        return [item] * max(1, schema.get("minItems", 1)) if depth < 8 else []
    if kind in ("integer", "number"):
        return _number_example(schema, kind)
    if kind == "boolean":
        return True
    if kind == "string":
        return _string_example(schema)
    return None


def _number_example(schema: dict[str, Any], kind: str) -> int | float:
    value: int | float = 1
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "exclusiveMinimum" in schema:
        value = max(value, schema["exclusiveMinimum"] + 1)
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    if "exclusiveMaximum" in schema:
        value = min(value, schema["exclusiveMaximum"] - 1)
    return int(value) if kind == "integer" else value


def _string_example(schema: dict[str, Any]) -> str:
    if schema.get("format") in _STRING_FORMATS:
        return _STRING_FORMATS[schema["format"]]
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    pattern = schema.get("pattern")
    # A description's own "e.g. …" is the best example there is.
    named = [m.group(1) or m.group(2) for m in _NAMED_EXAMPLE.finditer(schema.get("description", ""))]
    for candidate in (*named, *_STRING_CANDIDATES):
        if low <= len(candidate) <= high and (pattern is None or re.search(pattern, candidate)):
            return candidate
    return "x" * max(low, 1)
