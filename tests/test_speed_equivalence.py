"""The fast TL301 body walk and the statement walk of the summary give the results of full libcst visits.

Both replaced libcst visitor walks, which rebuild every node they pass.
This file keeps those visitor implementations as references. It compares
statuses, message examples, summaries and the bytes of `check` and
`report` JSON output between the two, on the fixtures, on the isolation
test data and on inline modules that reach every kind of node.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_tenantlint
from tenantlint import bindings as b
from tenantlint import project, summary
from tenantlint.config import load_config
from tenantlint.logcalls import find_log_calls
from tenantlint.model import Endpoint, ModuleModel, TenantSource, build_module_model
from tenantlint.positions import node_starts
from tenantlint.rules import tenant_not_propagated as tl301

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = (ROOT / "fixtures", ROOT / "tests" / "data")
CONFIGURED_FOLDERS = sorted(
    {path.parent for folder in SOURCE_FOLDERS for path in folder.rglob("pyproject.toml")},
)


# Reference: the TL301 flow as separate visitor walks --------------------------


@dataclass
class ReferenceFlow:
    """The tenant flow through one endpoint body, found by libcst visitor walks."""

    names: set[str]
    attributes: set[str]
    skipped: set[int]
    propagated: bool = False
    logged: bool = False
    assignments: list[tuple[set[str], cst.BaseExpression]] = field(default_factory=list)

    @classmethod
    def analyse(cls, endpoint: Endpoint, bindings: b.Bindings) -> ReferenceFlow:
        tenant, node = endpoint.tenant, endpoint.node
        assert tenant is not None and node is not None
        names: set[str] = set()
        attributes: set[str] = set()
        if tenant.via == "provider" and tenant.parameter:
            names.add(tenant.parameter)
        elif "." in tenant.expression:
            attributes.add(tenant.expression)
        else:
            names.add(tenant.expression)
        logging_calls = _ReferenceLoggingCalls(bindings, [call.node for call in endpoint.log_calls])
        node.body.visit(logging_calls)
        flow = cls(names, attributes, {id(call) for call in logging_calls.calls})
        flow.logged = any(flow.mentions(call, in_logs=True) for call in logging_calls.calls)
        node.body.visit(_ReferenceAssignments(flow.assignments))
        flow.close()
        sinks = _ReferenceSinks(flow)
        node.body.visit(sinks)
        flow.propagated = sinks.found
        return flow

    def close(self) -> None:
        changed = True
        while changed:
            changed = False
            for targets, value in self.assignments:
                if not targets <= self.names and self.mentions(value):
                    self.names |= targets
                    changed = True

    def mentions(self, node: cst.CSTNode, in_logs: bool = False) -> bool:
        visitor = _ReferenceMentions(self, set() if in_logs else self.skipped)
        node.visit(visitor)
        return visitor.found


class _ReferenceLoggingCalls(cst.CSTVisitor):
    def __init__(self, bindings: b.Bindings, calls: list[cst.Call]) -> None:
        self.bindings = bindings
        self.calls = calls

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and b.expression_logger(func.value, self.bindings) is not None:
            self.calls.append(node)


class _ReferenceMentions(cst.CSTVisitor):
    def __init__(self, flow: ReferenceFlow, skipped: set[int]) -> None:
        self.flow = flow
        self.skipped = skipped
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        return id(node) not in self.skipped and not self.found

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if b.dotted(node) in self.flow.attributes:
            self.found = True
        elif not self.found:
            node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.flow.names:
            self.found = True


class _ReferenceAssignments(cst.CSTVisitor):
    def __init__(self, found: list[tuple[set[str], cst.BaseExpression]]) -> None:
        self.found = found

    def add(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        names = tl301._target_names(target)
        if names and value is not None:
            self.found.append((names, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.add(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.add(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.add(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.add(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self.add(node.target, node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.add(node.asname.name, node.item)


class _ReferenceSinks(cst.CSTVisitor):
    def __init__(self, flow: ReferenceFlow) -> None:
        self.flow = flow
        self.found = False

    def hit(self, node: cst.CSTNode | None) -> None:
        if node is not None and not self.found and self.flow.mentions(node):
            self.found = True

    def visit_Call(self, node: cst.Call) -> bool:
        if id(node) in self.flow.skipped:
            return False
        for arg in node.args:
            self.hit(arg.value)
        return not self.found

    def visit_Return(self, node: cst.Return) -> None:
        self.hit(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.hit(node.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.hit(node)

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self.hit(node.slice)

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(target.target, (cst.Attribute, cst.Subscript)) for target in node.targets):
            self.hit(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, (cst.Attribute, cst.Subscript)):
            self.hit(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, (cst.Attribute, cst.Subscript)):
            self.hit(node.value)


class _ReferenceDataAccess(cst.CSTVisitor):
    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.first: cst.Call | None = None

    def visit_Call(self, node: cst.Call) -> bool:
        if id(node) in self.skipped or self.first is not None:
            return False
        if tl301._looks_like_data_access(node):
            self.first = node
            return False
        return True


def reference_example(endpoint: Endpoint) -> str | None:
    assert endpoint.node is not None
    finder = _ReferenceDataAccess({id(call.node) for call in endpoint.log_calls})
    endpoint.node.body.visit(finder)
    if finder.first is None:
        return None
    code = cst.Module([]).code_for_node(finder.first)
    if len(code) > tl301.MAX_EXAMPLE_LENGTH or "\n" in code:
        code = cst.Module([]).code_for_node(finder.first.func) + "(...)"
    return code


def reference_status(endpoint: Endpoint, model: ModuleModel, config) -> str | None:
    if endpoint.tenant is None or endpoint.node is None or tl301._is_stub(endpoint.node):
        return None
    if tl301._takes_scoped_dependency(endpoint, model, config):
        return tl301.SCOPED
    flow = ReferenceFlow.analyse(endpoint, model.bindings)
    if flow.propagated:
        return tl301.PASSED
    return tl301.LOGS_ONLY if flow.logged else tl301.UNUSED


def reference_check(ctx) -> Iterator:
    for endpoint in ctx.in_scope():
        status = reference_status(endpoint, ctx.model, ctx.config)
        if status not in (tl301.LOGS_ONLY, tl301.UNUSED):
            continue
        tenant = endpoint.tenant.expression
        param = endpoint.param(endpoint.tenant.parameter) if endpoint.tenant.parameter else None
        line, column = (param.line, param.column) if param is not None else (endpoint.line, endpoint.column)
        message = tl301._message(endpoint, tenant, status, reference_example(endpoint))
        yield ctx.finding(tl301.CODE, endpoint, line, column, message)


# Reference: the summary as a libcst visit that stops at simple statements -----


class _ReferenceSummaryTraversal(cst.CSTVisitor):
    """Drive the summary's statement handlers from a full libcst visit, as the summary did before."""

    def __init__(self, walker: summary._SummaryWalker) -> None:
        self.walker = walker

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.walker.classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.walker.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self.walker.note_receiver(decorator.decorator, self.walker.line(decorator))
        qualname = ".".join([*self.walker.outer_names(), node.name.value])
        self.walker.scopes.append((qualname, self.walker.router_parameters(node)))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.walker.scopes.pop()

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_Parameters(self, node: cst.Parameters) -> bool:
        return False

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        self.walker.simple_statements(node)
        return False


def reference_summarize(model: ModuleModel, config) -> summary.ModuleSummary:
    walker = summary._SummaryWalker(model)
    model.module.visit(_ReferenceSummaryTraversal(walker))
    keys = summary.endpoint_keys(model.endpoints)
    endpoints = tuple(
        summary.EndpointSummary(
            key=keys[id(endpoint)],
            function=endpoint.qualname,
            line=endpoint.line,
            methods=endpoint.methods,
            path=endpoint.routes[0].path if endpoint.routes else None,
            routes=tuple(walker.route_summary(route) for route in endpoint.routes),
            tenant=endpoint.tenant.expression if endpoint.tenant is not None else None,
            propagation=reference_status(endpoint, model, config),
        )
        for endpoint in model.endpoints
    )
    return summary.ModuleSummary(
        module=walker.module,
        path=str(model.path),
        routers=tuple(walker.routers),
        includes=tuple(walker.includes),
        endpoints=endpoints,
        imports=tuple(sorted(model.bindings.imports.items())),
        factories=tuple(sorted(walker.factories.items())),
    )


# Inputs -----------------------------------------------------------------------

MODULE_HEAD = '''\
import logging
import structlog
from fastapi import APIRouter, Depends
from app.deps import get_current_tenant_id

logger = logging.getLogger(__name__)
slog = structlog.get_logger()
router = APIRouter()
'''

# Bodies of `def handler(tenant_id, x, repo, self)`, with the status of
# `tenant_id` in each.
STATUS_CASES = {
    "passed_as_argument": ("return repo.list(tenant_id)", "passed"),
    "logged_only": ('logger.info(f"[Tenant: {tenant_id}] listing")\nreturn repo.list_all()', "logs-only"),
    "never_used": ("return repo.list_all()", "unused"),
    "walrus_inside_log_call": ('logger.info("%s", (t := tenant_id))\nreturn repo.list(t)', "passed"),
    "keyword_named_like_tenant": ("return repo.list(tenant_id=x)", "unused"),
    "attribute_named_like_tenant": ("return repo.tenant_id", "unused"),
    "bound_logger": ("log = logger.bind(tenant_id=tenant_id)\nreturn repo.list_all()", "logs-only"),
    "structlog_call": ("slog.info('listing', tenant=tenant_id)\nreturn repo.list_all()", "logs-only"),
    "compared": ('if tenant_id == "root":\n    pass\nreturn repo.list_all()', "passed"),
    "subscript": ("return cache[tenant_id]", "passed"),
    "stored_on_attribute": ("x.state.tenant = tenant_id\nreturn repo.list_all()", "passed"),
    "added_to_item": ("x['count'] += tenant_id\nreturn repo.list_all()", "passed"),
    "through_for_loop": ("for t in [tenant_id]:\n    y = t\nreturn repo.get(y)", "passed"),
    "through_with_item": ("with tenant_id as scope:\n    pass\nreturn scope", "passed"),
    "through_augmented_name": ("y = ''\ny += tenant_id\nreturn y", "passed"),
    "nested_function": ("def inner():\n    return tenant_id\nreturn repo.list_all()", "passed"),
    "yield_from": ("yield from repo.stream(tenant_id)", "passed"),
    "only_in_nested_log_argument": ("logger.info('%s', str(tenant_id))\nreturn repo.list_all()", "logs-only"),
    "taint_inside_log_is_not_a_use": ("logger.info('%s', repo.list(tenant_id))\nreturn None", "logs-only"),
}

SYNTAX_TOUR = '''\
async def tour(tenant_id, x, repo, self, *args, key: int = 3, **kwargs):
    global seen
    a, *rest = [tenant_id, x]
    (b1, c1), d1 = (x, repo), self.tenant_id
    self.tenant_id.value = b1
    e1: dict[str, int] = {k: v for k, v in kwargs.items() if v is not tenant_id}
    f1 = [y async for y in repo.stream(x) if (z := y)]
    g1 = lambda q, *, r=tenant_id: q + r
    h1 = x if tenant_id else -x
    i1 = f"{tenant_id!r:>{key}} {x=}"
    j1 = repo.rows[1:key:2, ...]
    k1 = not (x and tenant_id or a) < b1 <= c1
    l1 = await repo.fetch(*args, **kwargs)
    m1 = {**kwargs, "t": {tenant_id}}
    async with repo.session() as session, repo.lock(x):
        async for row in session.query(a).filter_by(tenant=tenant_id):
            yield row
    try:
        del rest[0]
        assert x, tenant_id
        raise ValueError(x) from None
    except* (ValueError, TypeError) as group:
        logger.exception("failed %s", group)
    else:
        pass
    finally:
        logger.info(f"[Tenant: {tenant_id}] done")
    while x:
        x -= 1
        if x > 5:
            continue
        elif x < -5:
            break
        else:
            nonlocal_value = x
    match repo.kind(tenant_id):
        case {"id": ident, **extra} if ident:
            return ident
        case [first, *others]:
            return first
        case repo.KIND | None as kind:
            return kind
        case str(label):
            return label
        case _:
            pass
    class Local:
        value: int = x
        def method(inner, other=tenant_id):
            return inner.value
    @decorate(x)
    def decorated() -> "T":
        return x
    print(*args, sep=x, end=tenant_id)
    return repo.query().all()[0].value
'''

ROUTING_MODULE = '''\
from fastapi import APIRouter, FastAPI
from app.routers import alerts, invoices
import app.routers.orders as orders

PREFIX = "/api"
app = FastAPI()
api = APIRouter(prefix=PREFIX)
if DEBUG:
    app.include_router(alerts.router, prefix="/debug")
elif STAGING:
    app.include_router(invoices.router, prefix="/staging")
else:
    app.include_router(orders.router, prefix="/prod")
try:
    app.include_router(api)
except ImportError:
    app.include_router(alerts.router, prefix="/fallback")
else:
    app.mount("/static", static_app)
finally:
    VERSION = "/v2"
with context():
    api.include_router(invoices.router, prefix=VERSION)
for name in NAMES:
    app.include_router(orders.router, prefix="/loop")
else:
    app.include_router(orders.router, prefix="/loop-else")
while False:
    app.include_router(orders.router, prefix="/while")
match MODE:
    case "a":
        app.include_router(alerts.router, prefix="/a")
    case _:
        app.include_router(alerts.router, prefix="/b")
if READY: app.include_router(alerts.router, prefix="/one-line")


def make_router(parent: APIRouter) -> APIRouter:
    local = APIRouter(prefix="/local")

    @local.get("/items")
    def items():
        return []

    if True:
        parent.include_router(local, prefix="/inner")
    return local


class Views:
    inner = APIRouter()

    def build(self):
        nested = APIRouter()
        app.include_router(nested)
        return nested


app.include_router(make_router(api), prefix="/made")
'''


def _source_files() -> list[Path]:
    return sorted(path for folder in SOURCE_FOLDERS for path in folder.rglob("*.py"))


def _model(source: str, tmp_path: Path, name: str = "module.py") -> tuple[ModuleModel, object]:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    config = load_config(None, tmp_path).config
    return build_module_model(path.read_bytes(), path, config), config


def _fixture_models() -> Iterator[tuple[Path, ModuleModel, object]]:
    for path in _source_files():
        config = load_config(None, path.parent).config
        try:
            model = build_module_model(path.read_bytes(), path, config)
        except (cst.ParserSyntaxError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
            continue
        yield path, model, config


def _endpoint(function: cst.FunctionDef, tenant: TenantSource, log_calls: list) -> Endpoint:
    return Endpoint(function.name.value, function.name.value, function, 1, 1, (), [], tenant=tenant, log_calls=log_calls)


def _functions(module: cst.Module) -> list[cst.FunctionDef]:
    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.FunctionDef] = []

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.found.append(node)

    collector = Collect()
    module.visit(collector)
    return collector.found


def _tenants(function: cst.FunctionDef) -> list[TenantSource]:
    """Return a tenant source per parameter, two attribute tenants and a provider tenant."""
    params = function.params
    names = [param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)]
    tenants = [TenantSource(name, "parameter", name) for name in names]
    tenants += [TenantSource("self.tenant_id", "class-attribute"), TenantSource("repo.KIND", "class-attribute")]
    if names:
        tenants.append(TenantSource(f"{names[0]}.tenant_id", "provider", names[0]))
    return tenants


def _assert_flows_match(module: cst.Module) -> int:
    """Compare the fast flow with the reference for every function and tenant in MODULE; return the number of cases."""
    bindings = b.collect_bindings(module, None, False)
    positions = node_starts(module)
    cases = 0
    for function in _functions(module):
        for tenant in _tenants(function):
            endpoint = _endpoint(function, tenant, find_log_calls(function, bindings, positions))
            facts = tl301.BodyFacts.collect(endpoint, bindings)
            flow = ReferenceFlow.analyse(endpoint, bindings)
            assert facts.tenant_flow(endpoint) == (flow.propagated, flow.logged), (function.name.value, tenant)
            assert tl301._first_data_access(endpoint, facts, positions) == reference_example(endpoint)
            cases += 1
    return cases


# TL301 -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STATUS_CASES))
def test_status_of_case(name, tmp_path):
    body, expected = STATUS_CASES[name]
    source = MODULE_HEAD + (
        '\n\n@router.get("/case")\n'
        "async def handler(x, repo, self, tenant_id: str = Depends(get_current_tenant_id)):\n"
        + textwrap.indent(body, "    ")
        + "\n"
    )
    model, config = _model(source, tmp_path)
    (endpoint,) = model.endpoints

    assert tl301.propagation_status(endpoint, model, config) == expected
    assert reference_status(endpoint, model, config) == expected


def test_statuses_match_reference_on_fixtures():
    compared = 0
    for path, model, config in _fixture_models():
        for endpoint in model.endpoints:
            expected = reference_status(endpoint, model, config)
            assert tl301.propagation_status(endpoint, model, config) == expected, (path, endpoint.qualname)
            compared += expected is not None

    assert compared > 100


def test_flows_match_reference_on_fixture_functions():
    cases = 0
    for path in _source_files():
        try:
            module = cst.parse_module(path.read_bytes())
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue
        cases += _assert_flows_match(module)

    assert cases > 1000


def test_flows_match_reference_on_syntax_tour():
    module = cst.parse_module(MODULE_HEAD + SYNTAX_TOUR)

    assert _assert_flows_match(module) == 15


def test_walk_reaches_every_node_but_syntax():
    class Everything(cst.CSTVisitor):
        def __init__(self) -> None:
            self.seen: list[int] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if not isinstance(node, tl301._SYNTAX_ONLY):
                self.seen.append(id(node))
            return True

    def walk(node: cst.CSTNode, seen: list[int]) -> None:
        seen.append(id(node))
        for child in tl301._children(node):
            walk(child, seen)

    sources = [MODULE_HEAD + SYNTAX_TOUR, ROUTING_MODULE] + [path.read_text(encoding="utf-8", errors="replace") for path in _source_files()]
    for source in sources:
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        visitor = Everything()
        module.visit(visitor)
        walked: list[int] = []
        walk(module, walked)

        assert sorted(walked) == sorted(visitor.seen)


def test_example_without_positions_uses_visitor():
    module = cst.parse_module(MODULE_HEAD + SYNTAX_TOUR)
    bindings = b.collect_bindings(module, None, False)
    (function,) = [node for node in _functions(module) if node.name.value == "tour"]
    endpoint = _endpoint(function, TenantSource("tenant_id", "parameter", "tenant_id"), [])
    facts = tl301.BodyFacts.collect(endpoint, bindings)

    assert tl301._first_data_access(endpoint, facts, {}) == "repo.stream(x)"
    assert tl301._first_data_access(endpoint, facts, node_starts(module)) == "repo.stream(x)"


def test_outer_call_wins_tie_for_example(tmp_path):
    source = MODULE_HEAD + (
        '\n\n@router.get("/tie")\n'
        "async def handler(tenant_id: str = Depends(get_current_tenant_id)):\n"
        '    logger.info(f"[Tenant: {tenant_id}] x")\n'
        "    return repo.query(Model).all()\n"
    )
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "routers.py").write_text(source, encoding="utf-8")
    run = run_tenantlint(["check", "--no-cache", "--select", "TL301", "--format", "json", "routers.py"], run_dir)

    (finding,) = run.json()
    assert "(for example `repo.query(Model).all()`)" in finding["message"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([body for body, _ in STATUS_CASES.values()]), min_size=1, max_size=5))
def test_flows_match_reference_on_combined_bodies(bodies):
    body = "\n".join(bodies)
    source = MODULE_HEAD + "\n\ndef handler(tenant_id, x, repo, self, t, y):\n" + textwrap.indent(body, "    ") + "\n"
    module = cst.parse_module(source)

    assert _assert_flows_match(module) > 0


# Summary ----------------------------------------------------------------------


def test_summaries_match_reference_on_fixtures():
    compared = 0
    for path, model, config in _fixture_models():
        assert summary.summarize(model, config) == reference_summarize(model, config), path
        compared += 1

    assert compared > 100


def test_summary_of_routing_module(tmp_path):
    model, config = _model(ROUTING_MODULE, tmp_path, "main.py")
    result = summary.summarize(model, config)
    prefixes = [(include.parent, include.prefix) for include in result.includes]

    assert result == reference_summarize(model, config)
    assert prefixes == [
        ("main.app", "/debug"),
        ("main.app", "/staging"),
        ("main.app", "/prod"),
        ("main.app", ""),
        ("main.app", "/fallback"),
        ("main.app", "/static"),
        ("main.api", "/v2"),
        ("main.app", "/loop"),
        ("main.app", "/loop-else"),
        ("main.app", "/while"),
        ("main.app", "/a"),
        ("main.app", "/b"),
        (None, "/inner"),
        ("main.app", ""),
        ("main.app", "/made"),
    ]
    assert result.factories == (("Views.build", "Views.build.<locals>.nested"), ("make_router", "make_router.<locals>.local"))


def test_summary_walk_without_block_table(tmp_path, monkeypatch):
    model, config = _model(ROUTING_MODULE, tmp_path, "main.py")
    expected = summary.summarize(model, config)
    monkeypatch.setattr(summary, "_BLOCK_FIELDS", {})

    assert summary.summarize(model, config) == expected


# Command output ---------------------------------------------------------------


def _outputs(folder: Path) -> list[tuple[int, str]]:
    runs = []
    for command in ("check", "report"):
        run = run_tenantlint([command, "--no-cache", "--format", "json"], folder)
        runs.append((run.exit_code, run.stdout))
    return runs


@pytest.mark.parametrize("folder", CONFIGURED_FOLDERS, ids=lambda folder: str(folder.relative_to(ROOT)))
def test_json_output_matches_reference(folder, monkeypatch):
    fast = _outputs(folder)
    monkeypatch.setattr(tl301, "check", reference_check)
    monkeypatch.setattr(tl301, "propagation_status", reference_status)
    monkeypatch.setattr(summary, "summarize", reference_summarize)
    monkeypatch.setattr(project, "summarize", reference_summarize)
    reference = _outputs(folder)

    assert [code for code, _ in fast] == [code for code, _ in reference]
    assert fast[0][1] == reference[0][1]
    assert fast[1][1] == reference[1][1]
