"""Tests for the byte-level pre-filter that decides which files to parse."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenantlint import prefilter
from tenantlint.prefilter import might_matter

DEPENDENCY = "get_current_tenant_id"
PARAMETER = "tenant_id"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

ROUTE_CASES = {
    "get decorator": b'@router.get("/items")\nasync def list_items():\n    return []\n',
    "post decorator": b'@router.post("/items")\ndef create():\n    pass\n',
    "put decorator": b'@router.put("/items/{item_id}")\ndef replace(item_id: str):\n    pass\n',
    "patch decorator": b'@router.patch("/items/{item_id}")\ndef update(item_id: str):\n    pass\n',
    "delete decorator": b'@router.delete("/items/{item_id}")\ndef delete(item_id: str):\n    pass\n',
    "head decorator": b'@router.head("/items")\ndef head():\n    pass\n',
    "options decorator": b'@router.options("/items")\ndef options():\n    pass\n',
    "trace decorator": b'@router.trace("/items")\ndef trace():\n    pass\n',
    "api_route decorator": b'@router.api_route("/items", methods=["GET"])\ndef items():\n    pass\n',
    "websocket decorator": b'@router.websocket("/ws")\nasync def feed(websocket):\n    pass\n',
    "app decorator": b'from .main import app\n\n@app.get("/health")\ndef health():\n    return {}\n',
    "spaces around dot": b'@router . get ("/items")\ndef items():\n    pass\n',
    "newline before dot": b'@router\n    .get("/items")\ndef items():\n    pass\n',
    "newline after dot": b'@(router.\n    get)("/items")\ndef items():\n    pass\n',
    "parenthesised receiver": b'@(\n    router\n    .get\n)("/items")\ndef items():\n    pass\n',
    "backslash continuation": b'@router \\\n    .get("/items")\ndef items():\n    pass\n',
    "subscripted receiver": b'@routers["v1"].get("/items")\ndef items():\n    pass\n',
    "called receiver": b'@make_router(version=2).post("/items")\ndef create():\n    pass\n',
    "attribute chain": b'@api.v1.router.delete("/items/{x}")\ndef delete(x: str):\n    pass\n',
    "tab indented method": b'class Views:\n\t@router.get("/items")\n\tdef items(self):\n\t\tpass\n',
    "crlf endings": b'@router.get("/items")\r\ndef items():\r\n    pass\r\n',
    "cr endings": b'x = 1\r@router.get("/items")\rdef items():\r    pass\r',
    "decorator at end of file": b"@router.get",
    "call then apply": b'def items():\n    pass\n\nrouter.get("/items")(items)\n',
    "call then apply spaced": b'def items():\n    pass\n\nrouter.get("/items") (items)\n',
    "call then apply nested": (
        b'router.post("/items", dependencies=[Depends(Limiter(10))])(create)\n'
    ),
    "add_api_route": b'def items():\n    pass\n\nrouter.add_api_route("/items", items)\n',
    "add_websocket_route": b"app.add_websocket_route('/ws', feed)\n",
    "add_api_websocket_route": b"router.add_api_websocket_route('/ws', feed)\n",
    "add_route": b"app.add_route('/items', items)\n",
    "include_router": b"from .items import router as items\n\napp.include_router(items)\n",
    "APIRouter": b"from fastapi import APIRouter\n\nrouter = APIRouter()\n",
    "FastAPI": b"from fastapi import FastAPI\n\napp = FastAPI()\n",
    "dependency name": b"def scoped(tenant=Depends(get_current_tenant_id)):\n    pass\n",
}

NO_ROUTE_CASES = {
    "empty file": b"",
    "dict get": b'def lookup(settings: dict) -> str:\n    return settings.get("key", "")\n',
    "http client get": b'import httpx\n\ndef fetch(url: str):\n    return httpx.get(url)\n',
    "decorated body calls get": (
        b"class Store:\n"
        b"    @staticmethod\n"
        b"    def find(rows: dict, key: str) -> str:\n"
        b"        return rows.get(key)\n"
    ),
    "decorated without annotations": (
        b"@functools.cache\ndef lookup(rows, key):\n    return rows.get(key)\n"
    ),
    "dataclass": b"@dataclass(frozen=True)\nclass Item:\n    name: str\n",
    "property named get": b"class Box:\n    @property\n    def get(self):\n        return 1\n",
    "method prefix only": b'@cache.get_or_set("key")\ndef value():\n    pass\n',
    "getter suffix": b"@value.getter\ndef value(self):\n    pass\n",
    "parameter name only": b"def rows(tenant_id: str):\n    return query(tenant_id)\n",
    "lowercase fastapi import": b"from fastapi import Depends, HTTPException\n",
    "valid utf-8 text": "name = 'caf\u00e9 \u2014 \u00fcber'\n".encode("utf-8"),
    "coding word on line 3": b"import codecs\n\n# coding: utf-8\n",
    "encoding parameter": b"def read(path, encoding: str = 'utf-8'):\n    pass\n",
    "email in string": b'OWNER = "ops@example.com"\n\ndef get_owner():\n    return OWNER\n',
}

UNDECIDABLE_CASES = {
    "invalid utf-8": b"name = '\xff\xfe'\n",
    "truncated utf-8 sequence": b"name = '\xc3'\n",
    "latin-1 text": b"name = 'caf\xe9'\n",
    "nul byte": b"x = 1\n\x00\n",
    "utf-8 bom": b"\xef\xbb\xbfx = 1\n",
    "utf-16 bom": "x = 1\n".encode("utf-16"),
    "coding declaration on line 1": b"# -*- coding: latin-1 -*-\nx = 1\n",
    "coding declaration on line 2": b"#!/usr/bin/env python\n# coding=utf-8\nx = 1\n",
    "vim fileencoding": b"# vim: set fileencoding=utf-8 :\nx = 1\n",
    "coding declaration after crlf": b"#!/usr/bin/env python\r\n# coding: cp1252\r\nx = 1\r\n",
}


@pytest.mark.parametrize("data", ROUTE_CASES.values(), ids=ROUTE_CASES.keys())
def test_route_tokens_matter(data: bytes) -> None:
    assert might_matter(data, DEPENDENCY, PARAMETER) is True


@pytest.mark.parametrize("data", NO_ROUTE_CASES.values(), ids=NO_ROUTE_CASES.keys())
def test_files_without_routes_skipped(data: bytes) -> None:
    assert might_matter(data, DEPENDENCY, PARAMETER) is False


@pytest.mark.parametrize("data", UNDECIDABLE_CASES.values(), ids=UNDECIDABLE_CASES.keys())
def test_undecidable_bytes_matter(data: bytes) -> None:
    assert might_matter(data, DEPENDENCY, PARAMETER) is True


def test_configured_dependency_name_matters() -> None:
    data = b"def scoped(org=Depends(current_org_id)):\n    pass\n"

    assert might_matter(data, "current_org_id", PARAMETER) is True
    assert might_matter(data, DEPENDENCY, PARAMETER) is False


def test_dotted_dependency_matches_last_name() -> None:
    data = b"from app.deps import current_org_id\n"

    assert might_matter(data, "app.deps.current_org_id", PARAMETER) is True


def test_parameter_alone_never_matters() -> None:
    data = b"def rows(org_id: str):\n    return query(org_id)\n"

    assert might_matter(data, DEPENDENCY, "org_id") is False


def test_module_imports_only_re() -> None:
    tree = ast.parse(Path(prefilter.__file__).read_bytes())
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)

    assert imported == {"__future__", "re"}


def test_fixtures_with_endpoints_matter() -> None:
    model = pytest.importorskip(
        "tenantlint.model", reason="tenantlint.model cannot be imported yet"
    )
    config = pytest.importorskip(
        "tenantlint.config", reason="tenantlint.config cannot be imported yet"
    )
    import libcst

    with_endpoints = []
    skipped_with_endpoints = []
    for path in sorted(FIXTURES.rglob("*.py")):
        data = path.read_bytes()
        try:
            module = model.build_module_model(data, str(path), config.Config())
        except libcst.ParserSyntaxError:
            # An unparsable file has no endpoints to lose.
            continue
        if not module.endpoints:
            continue

        with_endpoints.append(path)
        if not might_matter(data, DEPENDENCY, PARAMETER):
            skipped_with_endpoints.append(str(path.relative_to(FIXTURES)))

    assert with_endpoints, f"no fixture under {FIXTURES} has an endpoint"
    assert skipped_with_endpoints == []


@given(
    receiver=st.sampled_from(["router", "app", "v1_router", "routers['a']", "make()"]),
    method=st.sampled_from(
        ["get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"]
    ),
    before_dot=st.sampled_from(["", " ", "\t", " \\\n    "]),
    after_dot=st.sampled_from(["", " ", " \\\n    "]),
    body=st.sampled_from(["    pass\n", "    return data.get('key')\n"]),
)
def test_spaced_decorators_matter(
    receiver: str, method: str, before_dot: str, after_dot: str, body: str
) -> None:
    source = f'@{receiver}{before_dot}.{after_dot}{method}("/items")\ndef handler():\n{body}'

    assert might_matter(source.encode("utf-8"), DEPENDENCY, PARAMETER) is True


def _load_synthetic_generator():
    path = Path(__file__).resolve().parent.parent / "bench" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("bench_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_corpus_selectivity(tmp_path: Path) -> None:
    generator = _load_synthetic_generator()
    generator.write_corpus(tmp_path / "corpus", 300, seed=7)
    files = sorted((tmp_path / "corpus").rglob("*.py"))
    passed = {
        str(path.relative_to(tmp_path / "corpus"))
        for path in files
        if might_matter(path.read_bytes(), DEPENDENCY, PARAMETER)
    }
    routers = {
        str(path.relative_to(tmp_path / "corpus"))
        for path in files
        if path.parent.parent.name == "routers" and path.name != "__init__.py"
    }

    assert len(files) == 300
    assert len(routers) >= 25
    assert passed == routers | {"app/main.py", "app/middleware/tenant_context.py"}
