"""Per-module route summaries: the facts about one module that route resolution across files reads.

A `ModuleSummary` is built from a `ModuleModel` and holds only plain values
(strings, numbers, tuples), so it survives a round trip through JSON. It
names routers, `include_router` calls and endpoint routes by dotted
references that `tenantlint.routes` resolves across modules:

- a router defined at module level: `pkg.module.router`;
- a router bound inside a function: `pkg.module.factory.<locals>.router`;
- a router imported from elsewhere: the import target, such as
  `pkg.routers.alerts.router` or `pkg.routers.invoices_router`;
- the router a factory function returns: `pkg.module.factory()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

import libcst as cst

from tenantlint import bindings as b
from tenantlint.config import Config
from tenantlint.model import Endpoint, ModuleModel

LOCALS = "<locals>"
APP_CLASSES = frozenset({"FastAPI"})


@dataclass(frozen=True)
class RouterSummary:
    """A router or application constructed in the module.

    `prefix` is None when the `prefix=` argument is not a string literal or
    a module-level string constant, so routes under it cannot be resolved.
    """

    name: str
    kind: str
    prefix: str | None
    dependencies: tuple[str, ...]
    line: int

    @property
    def is_app(self) -> bool:
        return self.kind in APP_CLASSES


@dataclass(frozen=True)
class IncludeSummary:
    """One `parent.include_router(child, prefix=..., dependencies=[...])` call.

    `mount` is True for `parent.mount(path, child)`, which serves a whole
    application under `path`; the parent's dependencies do not reach it.
    """

    parent: str | None
    child: str | None
    prefix: str | None
    dependencies: tuple[str, ...]
    line: int
    mount: bool = False


@dataclass(frozen=True)
class RouteSummary:
    """One registration of an endpoint on a router."""

    methods: tuple[str, ...]
    path: str | None
    router: str | None
    dependencies: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class EndpointSummary:
    """An endpoint with its routes, tenant source and TL301 propagation status.

    `key` is the function's qualified name plus its occurrence number in
    the module (`list_alerts#0`), which stays the same when a fix shifts
    lines. `propagation` is "passed", "logs-only", "unused", "scoped" or
    None when the endpoint has no tenant or no body to analyse.
    """

    key: str
    function: str
    line: int
    methods: tuple[str, ...]
    path: str | None
    routes: tuple[RouteSummary, ...]
    tenant: str | None
    propagation: str | None

    @property
    def router(self) -> str | None:
        return self.routes[0].router if self.routes else None


@dataclass(frozen=True)
class ModuleSummary:
    """The facts about one module that route resolution reads."""

    module: str
    path: str
    routers: tuple[RouterSummary, ...]
    includes: tuple[IncludeSummary, ...]
    endpoints: tuple[EndpointSummary, ...]
    imports: tuple[tuple[str, str], ...]
    factories: tuple[tuple[str, str], ...]

    def router(self, name: str) -> RouterSummary | None:
        return next((router for router in self.routers if router.name == name), None)

    def imported(self, name: str) -> str | None:
        return next((target for local, target in self.imports if local == name), None)

    def factory(self, name: str) -> str | None:
        return next((router for function, router in self.factories if function == name), None)

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-compatible data; `from_json` reverses it."""
        return {
            "module": self.module,
            "path": self.path,
            "routers": [_fields(router) for router in self.routers],
            "includes": [_fields(include) for include in self.includes],
            "endpoints": [
                {**_fields(endpoint), "routes": [_fields(route) for route in endpoint.routes]}
                for endpoint in self.endpoints
            ],
            "imports": [list(pair) for pair in self.imports],
            "factories": [list(pair) for pair in self.factories],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModuleSummary:
        endpoints = []
        for item in data["endpoints"]:
            routes = tuple(RouteSummary(**_tuples(route)) for route in item["routes"])
            endpoints.append(EndpointSummary(**{**_tuples(item), "routes": routes}))
        return cls(
            module=data["module"],
            path=data["path"],
            routers=tuple(RouterSummary(**_tuples(item)) for item in data["routers"]),
            includes=tuple(IncludeSummary(**_tuples(item)) for item in data["includes"]),
            endpoints=tuple(endpoints),
            imports=tuple((local, target) for local, target in data["imports"]),
            factories=tuple((function, router) for function, router in data["factories"]),
        )


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}


def module_id(model: ModuleModel) -> str:
    """Return the dotted module name, or the file path for a file outside any package."""
    return model.bindings.module_name or str(model.path)


def endpoint_keys(endpoints: list[Endpoint]) -> dict[int, str]:
    """Return `{id(endpoint): key}` where key is `qualname#occurrence`."""
    seen: dict[str, int] = {}
    keys = {}
    for endpoint in endpoints:
        count = seen.get(endpoint.qualname, 0)
        seen[endpoint.qualname] = count + 1
        keys[id(endpoint)] = f"{endpoint.qualname}#{count}"
    return keys


def summarize(model: ModuleModel, config: Config) -> ModuleSummary:
    """Build the route summary of one parsed module."""
    from tenantlint.rules.tenant_not_propagated import propagation_status

    walker = _SummaryWalker(model)
    walker.walk(model.module.body)
    keys = endpoint_keys(model.endpoints)
    endpoints = tuple(
        EndpointSummary(
            key=keys[id(endpoint)],
            function=endpoint.qualname,
            line=endpoint.line,
            methods=endpoint.methods,
            path=endpoint.routes[0].path if endpoint.routes else None,
            routes=tuple(walker.route_summary(route) for route in endpoint.routes),
            tenant=endpoint.tenant.expression if endpoint.tenant is not None else None,
            propagation=propagation_status(endpoint, model, config),
        )
        for endpoint in model.endpoints
    )
    return ModuleSummary(
        module=walker.module,
        path=str(model.path),
        routers=tuple(walker.routers),
        includes=tuple(walker.includes),
        endpoints=endpoints,
        imports=tuple(sorted(model.bindings.imports.items())),
        factories=tuple(sorted(walker.factories.items())),
    )


class _SummaryWalker:
    """Collect routers, `include_router` calls and router factories, tracking function scopes.

    The walk goes from statement to nested statement in source order and
    never enters an expression, because walking every expression of every
    endpoint body costs more than the rest of the summary. NOTE: an
    `include_router` or `mount` call nested inside another expression,
    rather than standing as a statement, is therefore not recorded, and
    neither are statements after a colon on the line of their block
    (`if ready: app.include_router(router)`).
    """

    def __init__(self, model: ModuleModel) -> None:
        self.bindings = model.bindings
        self.positions = model.positions
        self.module = module_id(model)
        self.constants: dict[str, str] = {}
        self.routers: list[RouterSummary] = []
        self.includes: list[IncludeSummary] = []
        self.factories: dict[str, str] = {}
        # One entry per enclosing function: its qualified name and the router
        # names bound in it (None for a router passed in as a parameter).
        self.scopes: list[tuple[str, dict[str, str | None]]] = []
        self.classes: list[str] = []
        self.local_lines: dict[int, str | None] = {}

    def walk(self, statements: Iterable[cst.BaseStatement]) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                self.simple_statements(statement)
            elif isinstance(statement, cst.FunctionDef):
                self.function(statement)
            elif isinstance(statement, cst.ClassDef):
                self.classes.append(statement.name.value)
                self.walk(_block(statement.body))
                self.classes.pop()
            else:
                self.walk(_nested_statements(statement))

    def line(self, node: cst.CSTNode) -> int:
        return self.positions.get(node, (0, 0))[0]

    # Scopes -------------------------------------------------------------------

    def function(self, node: cst.FunctionDef) -> None:
        # Decorators run in the enclosing scope, so they are recorded before
        # the function's own scope is entered.
        for decorator in node.decorators:
            self.note_receiver(decorator.decorator, self.line(decorator))
        qualname = ".".join([*self.outer_names(), node.name.value])
        self.scopes.append((qualname, self.router_parameters(node)))
        self.walk(_block(node.body))
        self.scopes.pop()

    def outer_names(self) -> list[str]:
        if self.scopes:
            return [self.scopes[-1][0], LOCALS]
        return list(self.classes)

    def router_parameters(self, node: cst.FunctionDef) -> dict[str, str | None]:
        names: dict[str, str | None] = {}
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None and b.is_router_class(param.annotation.annotation, self.bindings):
                names[param.name.value] = None
        return names

    # Statements ---------------------------------------------------------------

    def simple_statements(self, node: cst.SimpleStatementLine) -> None:
        for statement in node.body:
            line = self.line(statement)
            if isinstance(statement, cst.Assign):
                for target in statement.targets:
                    if isinstance(target.target, cst.Name):
                        self.bind(target.target.value, statement.value, line)
            elif isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name) and statement.value is not None:
                self.bind(statement.target.value, statement.value, line)
            elif isinstance(statement, cst.Return):
                self.add_factory(statement)
            elif isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
                self.add_call(statement.value, line)

    def bind(self, name: str, value: cst.BaseExpression, line: int) -> None:
        if self.classes and not self.scopes:
            return
        kind = b.router_constructor(value, self.bindings)
        if kind is None:
            if not self.scopes and string_value(value, {}) is not None:
                self.constants[name] = string_value(value, {}) or ""
            return
        assert isinstance(value, cst.Call)
        local_name = name
        if self.scopes:
            local_name = f"{self.scopes[-1][0]}.{LOCALS}.{name}"
            self.scopes[-1][1][name] = f"{self.module}.{local_name}"
        prefix = keyword_value(value, "prefix")
        router = RouterSummary(
            name=local_name,
            kind=kind,
            prefix=string_value(prefix, self.constants) if prefix is not None else "",
            dependencies=b.call_dependencies(value, self.bindings),
            line=line,
        )
        self.routers.append(router)

    def add_factory(self, node: cst.Return) -> None:
        if self.scopes and isinstance(node.value, cst.Name):
            key = self.scopes[-1][1].get(node.value.value)
            if key is not None:
                self.factories[self.scopes[-1][0]] = key.removeprefix(self.module + ".")

    # Calls --------------------------------------------------------------------

    def add_call(self, node: cst.Call, line: int) -> None:
        # `router.get("/x")(handler)` registers through the inner call.
        self.note_receiver(node.func if isinstance(node.func, cst.Call) else node, line)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "include_router":
            self.add_include(node, func.value, line)
        elif isinstance(func, cst.Attribute) and func.attr.value == "mount":
            self.add_mount(node, func.value, line)

    def note_receiver(self, expression: cst.BaseExpression, line: int) -> None:
        """Record LINE as a call on a function-local router when it is one."""
        if not self.scopes:
            return
        func = expression.func if isinstance(expression, cst.Call) else None
        if isinstance(func, cst.Attribute):
            head = b.dotted(func.value).split(".", 1)[0]
            for _qualname, names in reversed(self.scopes):
                if head in names:
                    self.local_lines[line] = names[head]
                    return

    def add_include(self, call: cst.Call, receiver: cst.BaseExpression, line: int) -> None:
        child = _argument(call, 0, "router")
        prefix = keyword_value(call, "prefix")
        include = IncludeSummary(
            parent=self.reference(b.dotted(receiver)),
            child=self.child_reference(child) if child is not None else None,
            prefix=string_value(prefix, self.constants) if prefix is not None else "",
            dependencies=b.call_dependencies(call, self.bindings),
            line=line,
        )
        self.includes.append(include)

    def add_mount(self, call: cst.Call, receiver: cst.BaseExpression, line: int) -> None:
        path, child = _argument(call, 0, "path"), _argument(call, 1, "app")
        if path is None or child is None:
            return
        mount = IncludeSummary(
            parent=self.reference(b.dotted(receiver)),
            child=self.child_reference(child),
            prefix=string_value(path, self.constants),
            dependencies=(),
            line=line,
            mount=True,
        )
        self.includes.append(mount)

    def child_reference(self, child: cst.BaseExpression) -> str | None:
        if isinstance(child, cst.Call):
            name = b.dotted(child.func)
            if name in self.bindings.functions and "." not in name:
                return f"{self.module}.{name}()"
            qualified = self.module_reference(name)
            return f"{qualified}()" if qualified else None
        return self.reference(b.dotted(child))

    def reference(self, dotted: str) -> str | None:
        """Return the dotted reference of the router that the source text DOTTED names here."""
        if not dotted:
            return None
        head, _, rest = dotted.partition(".")
        for _qualname, names in reversed(self.scopes):
            if head in names:
                key = names[head]
                if key is None or not rest:
                    return key
                return f"{key}.{rest}"
        return self.module_reference(dotted)

    def module_reference(self, dotted: str) -> str | None:
        return module_reference(dotted, self.module, self.bindings)

    def route_summary(self, route: Any) -> RouteSummary:
        if route.line in self.local_lines:
            router = self.local_lines[route.line]
        else:
            router = self.module_reference(route.router)
        return RouteSummary(
            methods=route.methods,
            path=route.path,
            router=router,
            dependencies=route.dependencies,
            line=route.line,
        )


def module_reference(dotted: str, module: str, bindings: b.Bindings) -> str | None:
    """Return the reference of DOTTED as a module-level name: local router, import, or None."""
    if not dotted:
        return None
    head, _, rest = dotted.partition(".")
    if head in bindings.routers:
        return f"{module}.{dotted}"
    target = bindings.imports.get(head)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


def keyword_value(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _argument(call: cst.Call, index: int, keyword: str) -> cst.BaseExpression | None:
    found = keyword_value(call, keyword)
    if found is not None:
        return found
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return positional[index] if index < len(positional) else None


def string_value(node: cst.BaseExpression, constants: dict[str, str]) -> str | None:
    """Return the value of a string literal, or of a module-level string constant, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Name):
        return constants.get(node.value)
    return None


# Fields of compound statements and their clauses that contain nested
# blocks, in source order. For `try` that order is the body, the handlers,
# `else`, then `finally`.
_BLOCK_FIELDS = {
    cst.If: ("body", "orelse"),
    cst.Else: ("body",),
    cst.For: ("body", "orelse"),
    cst.While: ("body", "orelse"),
    cst.Try: ("body", "handlers", "orelse", "finalbody"),
    cst.TryStar: ("body", "handlers", "orelse", "finalbody"),
    cst.ExceptHandler: ("body",),
    cst.ExceptStarHandler: ("body",),
    cst.Finally: ("body",),
    cst.With: ("body",),
    cst.Match: ("cases",),
    cst.MatchCase: ("body",),
}


def _nested_statements(node: cst.CSTNode) -> Iterator[cst.BaseStatement]:
    """Yield the statements of the blocks directly inside NODE, a compound statement or a clause of one, in source order.

    An `elif` comes out as the `If` statement it is. A node type that the
    table above does not list is searched through all its children, which
    is slower but misses nothing.
    """
    fields = _BLOCK_FIELDS.get(type(node))
    if fields is None:
        children: Iterable[cst.CSTNode] = node.children
    else:
        children = _field_nodes(node, fields)
    for child in children:
        if isinstance(child, cst.BaseSuite):
            yield from _block(child)
        elif isinstance(child, cst.BaseStatement):
            yield child
        elif not isinstance(child, cst.BaseExpression):
            yield from _nested_statements(child)


def _field_nodes(node: cst.CSTNode, fields: tuple[str, ...]) -> Iterator[cst.CSTNode]:
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from value


def _block(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    """Return the statements of an indented block.

    A suite on the line of its colon (`if ready: go()`) contains only small
    statements, which the summary does not read, so the result is empty.
    """
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()
