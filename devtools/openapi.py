"""`python -m devtools.openapi [file]`: the merged OpenAPI document as /api/openapi.json serves it, built from the
apps' code without starting anything. `python -m devtools.openapi --spa-types [file]` regenerates the SPA's API
types (frontend/src/api/schema.d.ts, by openapi-typescript) from it; tests/test_api_contract.py checks that the
committed ones are current, so a backend change the SPA does not follow fails its type check."""

import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("agencies", "applications", "funding")
SPA_TYPES = ROOT / "frontend" / "src" / "api" / "schema.d.ts"


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


def document_text() -> str:
    return json.dumps(merged_document(), ensure_ascii=False, indent=2) + "\n"


def spa_types(output: Path) -> None:
    """The SPA's types for the current document, written to `output` by openapi-typescript."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "openapi.json"
        source.write_text(document_text(), encoding="utf-8")
        subprocess.run([str(ROOT / "frontend" / "node_modules" / ".bin" / "openapi-typescript"), str(source),
                        "--output", str(output)], check=True, capture_output=True, cwd=ROOT / "frontend")


def main() -> None:
    if sys.argv[1:2] == ["--spa-types"]:
        spa_types(Path(sys.argv[2]) if len(sys.argv) > 2 else SPA_TYPES)
    elif len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(document_text(), encoding="utf-8")
    else:
        sys.stdout.write(document_text())


if __name__ == "__main__":
    main()
