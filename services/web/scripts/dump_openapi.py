"""Write each service's OpenAPI schema to services/web/openapi/<name>.json, for `npm run
gen:api` (openapi-typescript) to turn into the SPA's types.

    python services/web/scripts/dump_openapi.py   # then: cd services/web && npm run gen:api

A service that is not in this checkout yet is skipped (its hand-written types stay in use).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "services" / "web" / "openapi"

# name -> "module:attribute" of the FastAPI app
APPS = {
    "clientes": "services.clientes.main:app",
    "cuentas": "services.cuentas.main:app",
    "transacciones": "services.transacciones.main:app",
    "perfil360": "services.perfil360.main:app",
    "analytics": "services.analytics.main:app",
}


def load_schema(target: str) -> dict | None:
    module_name, _, attribute = target.partition(":")
    package = module_name.rsplit(".", 1)[0]
    try:
        importlib.import_module(package)
    except ModuleNotFoundError:
        return None
    app = getattr(importlib.import_module(module_name), attribute)
    return app.openapi()


def dump(out: Path = OUT) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, target in APPS.items():
        schema = load_schema(target)
        if schema is None:
            print(f"skip {name}: not in this checkout", file=sys.stderr)
            continue
        path = out / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written[name] = path
        print(f"wrote {path}", file=sys.stderr)
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    dump()
