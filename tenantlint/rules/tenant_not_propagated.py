"""Tenant identifier declared but never passed beyond log calls.

TL301 reports an endpoint that takes the tenant parameter but uses it
only in log calls, or not at all. No query, service call or other
function receives it, so the data access is likely not scoped by tenant.
An endpoint that also takes a dependency listed in
`tenant-scoped-dependencies` passes, because such a dependency scopes the
data itself (a database session with row-level security, for example).

Why it matters: declaring the dependency proves that the request is
authenticated for a tenant. It does not stop the handler from reading
every tenant's rows. This rule catches the endpoint that looks compliant
in review and still leaks data across tenants.

Wrong:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_all()
```

Right:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_for_tenant(tenant_id)
```

Fix: none. Where the tenant filter belongs depends on the data layer,
which a codemod cannot see.

Suppress: `# tenantlint: ignore[TL301] reason` on the endpoint's `def`
line. The reason is required and should name what scopes the data, such
as a context variable that the data layer reads. When a dependency does
the scoping, list it in `tenant-scoped-dependencies` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import libcst as cst

from tenantlint import bindings as b
from tenantlint.config import Config
from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.model import Endpoint, ModuleModel

CODE = "TL301"
NAME = "tenant-not-propagated"
SUMMARY = "tenant identifier declared but never passed beyond log calls"

# Receivers and methods that usually reach stored data. They only choose the
# example that the message names, so a miss costs a less specific message.
DATA_ACCESS_NAMES = frozenset({"db", "session", "repo", "repository", "store", "service", "dao", "crud", "cursor", "conn"})
DATA_ACCESS_SUFFIXES = ("_db", "_session", "_repo", "_repository", "_store", "_service", "_dao", "_crud")
DATA_ACCESS_METHODS = frozenset({"query", "execute", "filter", "filter_by", "scalars", "all"})
MAX_EXAMPLE_LENGTH = 60

PASSED, LOGS_ONLY, UNUSED, SCOPED = "passed", "logs-only", "unused", "scoped"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report in-scope endpoints whose tenant reaches nothing but log calls."""
    for endpoint in ctx.in_scope():
        status = propagation_status(endpoint, ctx.model, ctx.config)
        if status not in (LOGS_ONLY, UNUSED):
            continue
        assert endpoint.tenant is not None
        tenant = endpoint.tenant.expression
        param = endpoint.param(endpoint.tenant.parameter) if endpoint.tenant.parameter else None
        line, column = (param.line, param.column) if param is not None else (endpoint.line, endpoint.column)
        yield ctx.finding(CODE, endpoint, line, column, _message(endpoint, tenant, status))


def _message(endpoint: Endpoint, tenant: str, status: str) -> str:
    where = "reaches only log calls" if status == LOGS_ONLY else "is never used"
    example = data_access_example(endpoint)
    if example is not None:
        advice = f"pass it to the data access (for example `{example}`) so the query is scoped by tenant"
    else:
        advice = "pass it to the data access so the query is scoped by tenant"
    return f"`{tenant}` {where} in `{endpoint.name}`; {advice}."


def propagation_status(endpoint: Endpoint, model: ModuleModel, config: Config) -> str | None:
    """Return how far the endpoint's tenant travels: PASSED, LOGS_ONLY, UNUSED or SCOPED.

    Returns None for an endpoint without a tenant, without a body here, or
    with a stub body.
    """
    if endpoint.tenant is None or endpoint.node is None or _is_stub(endpoint.node):
        return None
    if _takes_scoped_dependency(endpoint, model, config):
        return SCOPED
    flow = TenantFlow.analyse(endpoint, model.bindings)
    if flow.propagated:
        return PASSED
    return LOGS_ONLY if flow.logged else UNUSED


def _is_stub(node: cst.FunctionDef) -> bool:
    """Return whether the body contains only a docstring, `...` or `pass`, so there is no data access to scope."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else (node.body,)
    for line in body:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for statement in line.body:
            if isinstance(statement, cst.Pass):
                continue
            if isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)):
                continue
            return False
    return True


def _takes_scoped_dependency(endpoint: Endpoint, model: ModuleModel, config: Config) -> bool:
    scoped = config.tenant_scoped_dependencies
    if not scoped:
        return False
    dependencies = [param.dependency for param in endpoint.params if param.dependency]
    if endpoint.class_name is not None:
        dependencies.extend(_class_dependencies(model, endpoint.class_name))
    return any(_matches(dependency, entry) for dependency in dependencies for entry in scoped)


def _matches(dependency: str, entry: str) -> bool:
    """Match a qualified dependency against a configured name, by full name or last component."""
    last = entry.rsplit(".", 1)[-1]
    return dependency == entry or dependency.endswith("." + entry) or dependency.rsplit(".", 1)[-1] == last


def _class_dependencies(model: ModuleModel, class_name: str) -> list[str]:
    """Return the dependencies that the class attributes of a class-based view declare."""
    bindings = model.bindings
    for statement in model.module.body:
        if not isinstance(statement, cst.ClassDef) or statement.name.value != class_name:
            continue
        found = []
        for line in statement.body.body:
            for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
                found.extend(_attribute_dependencies(small, bindings))
        return found
    return []


def _attribute_dependencies(statement: cst.BaseSmallStatement, bindings: b.Bindings) -> list[str]:
    values: list[cst.BaseExpression] = []
    if isinstance(statement, cst.AnnAssign):
        values.append(statement.annotation.annotation)
    if isinstance(statement, (cst.Assign, cst.AnnAssign)) and statement.value is not None:
        values.append(statement.value)
    found = []
    for value in values:
        target = b.depends_target(value, bindings)
        dependency = target[1] if target else b.annotated_dependency(value, bindings)
        if dependency:
            found.append(dependency)
    return found


@dataclass
class TenantFlow:
    """The flow of the tenant value through one endpoint body.

    The analysis ignores control flow: a name is tainted when any assignment
    in the body binds it from a tainted value, transitively.
    """

    names: set[str]
    attributes: set[str]
    skipped: set[int]
    propagated: bool = False
    logged: bool = False
    assignments: list[tuple[set[str], cst.BaseExpression]] = field(default_factory=list)

    @classmethod
    def analyse(cls, endpoint: Endpoint, bindings: b.Bindings) -> TenantFlow:
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
        logging_calls = _LoggingCalls(bindings, [call.node for call in endpoint.log_calls])
        body = node.body
        body.visit(logging_calls)
        flow = cls(names, attributes, {id(call) for call in logging_calls.calls})
        flow.logged = any(flow.mentions(call, in_logs=True) for call in logging_calls.calls)
        body.visit(_Assignments(flow.assignments))
        flow.close()
        sinks = _Sinks(flow)
        body.visit(sinks)
        flow.propagated = sinks.found
        return flow

    def close(self) -> None:
        """Taint every name bound from a tainted value until nothing changes."""
        changed = True
        while changed:
            changed = False
            for targets, value in self.assignments:
                if not targets <= self.names and self.mentions(value):
                    self.names |= targets
                    changed = True

    def mentions(self, node: cst.CSTNode, in_logs: bool = False) -> bool:
        visitor = _Mentions(self, set() if in_logs else self.skipped)
        node.visit(visitor)
        return visitor.found


class _LoggingCalls(cst.CSTVisitor):
    """Extend the log calls with the other calls on logger objects, such as `logger.bind(...)`."""

    def __init__(self, bindings: b.Bindings, calls: list[cst.Call]) -> None:
        self.bindings = bindings
        self.calls = calls

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and b.expression_logger(func.value, self.bindings) is not None:
            self.calls.append(node)


class _Mentions(cst.CSTVisitor):
    """Find a tainted name or attribute in an expression, skipping log calls."""

    def __init__(self, flow: TenantFlow, skipped: set[int]) -> None:
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


class _Assignments(cst.CSTVisitor):
    """Collect (bound names, value) for every binding of plain names in a body."""

    def __init__(self, found: list[tuple[set[str], cst.BaseExpression]]) -> None:
        self.found = found

    def add(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        names = _target_names(target)
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


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _target_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


class _Sinks(cst.CSTVisitor):
    """Find a use of the tenant that scopes or carries data: a call argument, a return, a store, a comparison."""

    def __init__(self, flow: TenantFlow) -> None:
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


def data_access_example(endpoint: Endpoint) -> str | None:
    """Return the source of the first call in the body that looks like data access, or None."""
    assert endpoint.node is not None
    finder = _DataAccess({id(call.node) for call in endpoint.log_calls})
    endpoint.node.body.visit(finder)
    if finder.first is None:
        return None
    code = cst.Module([]).code_for_node(finder.first)
    if len(code) > MAX_EXAMPLE_LENGTH or "\n" in code:
        code = cst.Module([]).code_for_node(finder.first.func) + "(...)"
    return code


class _DataAccess(cst.CSTVisitor):
    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.first: cst.Call | None = None

    def visit_Call(self, node: cst.Call) -> bool:
        if id(node) in self.skipped or self.first is not None:
            return False
        if _looks_like_data_access(node):
            self.first = node
            return False
        return True


def _looks_like_data_access(call: cst.Call) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    if func.attr.value in DATA_ACCESS_METHODS:
        return True
    head = b.dotted(func.value).split(".", 1)[0]
    return head in DATA_ACCESS_NAMES or head.endswith(DATA_ACCESS_SUFFIXES)
