"""`python -m devtools.openapi [file]`: the merged OpenAPI document as /api/openapi.json serves it, built from the
apps' code without starting anything (the SPA's generated types are made from it)."""

import importlib
import json
import sys
from typing import Any

SERVICES = ("agencies", "applications", "funding")


def merged_document() -> dict[str, Any]:
    from gateway.config import get_settings
    from gateway.main import create_api
    from gateway.proxy.forward import ServiceProxy
    from gateway.proxy.openapi import merge_documents
    from gateway.proxy.upstreams import build_upstreams

    settings = get_settings()
    api = create_api(settings, ServiceProxy(build_upstreams(settings.service_urls(), settings), max_body_bytes=1))
    services = {name: importlib.import_module(f"{name}.main").app.openapi() for name in SERVICES}
    return merge_documents(api.openapi(), services, "http://127.0.0.1:8000")


def main() -> None:
    text = json.dumps(merged_document(), ensure_ascii=False, indent=2) + "\n"
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
