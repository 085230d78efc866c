"""The SPA's generated API types follow the services' OpenAPI: for every service in this
checkout, the committed schema dump equals ``app.openapi()`` (prose — descriptions, summaries,
titles, examples — aside: it changes no type) and its TypeScript file exists. When one fails: ``python services/web/scripts/dump_openapi.py && (cd services/web && npm run
gen:api)`` and commit the result."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "services" / "web" / "scripts" / "dump_openapi.py"
spec = importlib.util.spec_from_file_location("dump_openapi", SCRIPT)
dump_openapi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dump_openapi)

PRESENT = [
    name
    for name, target in dump_openapi.APPS.items()
    if importlib.util.find_spec(target.partition(":")[0].rsplit(".", 1)[0]) is not None
]


PROSE = {"description", "summary", "title", "examples", "example"}


def shape(node: object) -> object:
    """The schema without its prose."""
    if isinstance(node, dict):
        return {k: shape(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [shape(v) for v in node]
    return node


@pytest.mark.skipif(not PRESENT, reason="no service of the SPA's APIs in this checkout yet")
@pytest.mark.parametrize("name", PRESENT)
def test_committed_openapi_and_types_are_current(name, tmp_path):
    fresh = dump_openapi.dump(tmp_path)[name]
    committed = dump_openapi.OUT / f"{name}.json"
    assert committed.exists(), f"{committed} missing: run dump_openapi.py and npm run gen:api"
    assert shape(json.loads(committed.read_text())) == shape(json.loads(fresh.read_text())), (
        f"{name}'s OpenAPI changed: run dump_openapi.py and npm run gen:api"
    )
    generated = ROOT / "services" / "web" / "src" / "api" / "generated" / f"{name}.ts"
    assert generated.exists(), f"{generated} missing: run npm run gen:api"
