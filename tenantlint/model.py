"""Endpoint model: one parse of a module into its routers, endpoints, parameters and log calls.

Rules read this model and never walk the syntax tree themselves; fixes use the
libcst nodes it keeps to rewrite exactly the nodes a rule named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from tenantlint import bindings as b
from tenantlint import project_index
from tenantlint.config import Config
from tenantlint.logcalls import LogCall, find_log_calls
from tenantlint.positions import name_start, node_starts

ROUTE_METHODS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "head": ("HEAD",),
    "options": ("OPTIONS",),
    "trace": ("TRACE",),
    "api_route": ("GET",),
    "websocket": ("WEBSOCKET",),
}
REGISTRATION_METHODS = {"add_api_route": False, "add_api_websocket_route": True, "add_websocket_route": True}


@dataclass(frozen=True)
class Route:
    """One registration of an endpoint on a router or app."""

    methods: tuple[str, ...]
    path: str | None
    router: str
    line: int
    kind: str  # "decorator" or "call"
    websocket: bool = False
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint and where FastAPI takes its value from."""

    name: str
    kind: str  # "posonly", "normal", "vararg", "kwonly" or "varkw"
    annotation: str | None
    source: str  # "depends", "security", "path", "query", "header", "cookie", "body", "form", "file", "plain", "special"
    dependency: str | None = None
    alias: str | None = None
    has_default: bool = False
    line: int = 0
    column: int = 0
    assumed: bool = False  # an imported annotation this module cannot see into


@dataclass(frozen=True)
class TenantSource:
    """How an endpoint obtains the tenant: the expression that contains it."""

    expression: str
    via: str  # "parameter", "class-attribute", "provider" or "assumed-alias"
    parameter: str | None = None


@dataclass
class Endpoint:
    """A function that FastAPI calls for one or more routes."""

    name: str
    qualname: str
    node: cst.FunctionDef | None
    line: int
    column: int
    decorator_lines: tuple[int, ...]
    routes: list[Route]
    params: list[Param] = field(default_factory=list)
    tenant: TenantSource | None = None
    log_calls: list[LogCall] = field(default_factory=list)
    local_names: frozenset[str] = frozenset()
    class_name: str | None = None
    defined_elsewhere: str | None = None  # dotted name when the handler lives in another module

    @property
    def methods(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for route in self.routes:
            seen.update(dict.fromkeys(route.methods))
        return tuple(seen)

    @property
    def websocket(self) -> bool:
        return any(route.websocket for route in self.routes)

    @property
    def route_label(self) -> str | None:
        route = self.routes[0] if self.routes else None
        return f"{route.methods[0]} {route.path}" if route and route.path is not None else None

    @property
    def endpoint_lines(self) -> tuple[int, ...]:
        return (*self.decorator_lines, self.line)

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


@dataclass
class ModuleModel:
    """Everything the rules need to know about one module."""

    path: Path
    module: cst.Module
    bindings: b.Bindings
    endpoints: list[Endpoint]
    positions: dict[cst.CSTNode, tuple[int, int]]
    dependency_references: list[tuple[int, int]] = field(default_factory=list)
    type_checking_dependency_line: int | None = None


def build_module_model(data: bytes, path: str | Path, config: Config) -> ModuleModel:
    """Parse DATA and return its endpoint model; raise libcst.ParserSyntaxError or UnicodeDecodeError."""
    module = cst.parse_module(data)
    return model_from_module(module, Path(path), config)


def model_from_module(module: cst.Module, path: Path, config: Config) -> ModuleModel:
    module_name = b.module_name_for(path) if path.suffix == ".py" else None
    bindings = b.collect_bindings(module, module_name, path.name == "__init__.py")
    bindings.configured_loggers = dict(config.loggers)
    root = Path(config.root).resolve()
    bindings.project_names = project_index.top_level_names(root)
    project_index.note_consulted(root)
    project_index.note_consulted(root / "src")
    positions = node_starts(module)
    collector = EndpointCollector(bindings, positions, config)
    module.visit(collector)
    model = ModuleModel(path, module, bindings, collector.finish(), positions)
    model.dependency_references = collector.dependency_references
    model.type_checking_dependency_line = _type_checking_line(module, bindings, config, positions)
    return model


def _type_checking_line(module: cst.Module, bindings: b.Bindings, config: Config, positions) -> int | None:
    """Return the line of a TYPE_CHECKING-only import of the dependency, if any."""
    for local, target in bindings.type_checking_imports.items():
        if local not in bindings.imports and is_tenant_dependency(target, bindings, config):
            finder = _ImportLineFinder(local)
            module.visit(finder)
            return positions.get(finder.found, (1, 1))[0] if finder.found else 1
    return None


class _ImportLineFinder(cst.CSTVisitor):
    def __init__(self, local: str) -> None:
        self.local = local
        self.found: cst.CSTNode | None = None

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        name = b.dotted(node.asname.name) if node.asname else b.dotted(node.name)
        if self.found is None and name == self.local:
            self.found = node


def is_tenant_dependency(qualified: str | None, bindings: b.Bindings, config: Config) -> bool:
    """Return whether QUALIFIED names the configured tenant dependency."""
    if not qualified:
        return False
    module, _, name = qualified.rpartition(".")
    if name != config.dependency:
        return False
    if config.dependency_module is None or not module:
        return True
    expected = b.resolve_relative(config.dependency_module, bindings.module_name, False)
    return _modules_match(module, expected)


def _modules_match(actual: str, expected: str) -> bool:
    actual, expected = actual.lstrip("."), expected.lstrip(".")
    if actual == expected:
        return True
    return actual.endswith("." + expected) or expected.endswith("." + actual)


class EndpointCollector(cst.CSTVisitor):
    """Find every function registered as a route and describe it."""

    def __init__(self, bindings: b.Bindings, positions, config: Config) -> None:
        self.bindings = bindings
        self.positions = positions
        self.config = config
        self.endpoints: dict[int, Endpoint] = {}
        self.order: list[int] = []
        self.scopes: list[dict[str, cst.FunctionDef]] = [dict(bindings.functions)]
        self.local_routers: list[set[str]] = [set()]
        self.classes: list[cst.ClassDef] = []
        self.dependency_references: list[tuple[int, int]] = []
        self.unverified: set[str] = set()

    # Scopes ------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = [route for decorator in node.decorators if (route := self.decorator_route(decorator))]
        if routes:
            self.add_endpoint(node, routes)
        self.scopes[-1].setdefault(node.name.value, node)
        self.scopes.append(_nested_functions(node))
        self.local_routers.append(self.routers_bound_in(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.local_routers.pop()

    def routers_bound_in(self, node: cst.FunctionDef) -> set[str]:
        names = set()
        for param in _all_params(node.params):
            if param.annotation is not None and b.is_router_class(param.annotation.annotation, self.bindings):
                names.add(param.name.value)
        for statement in _simple_statements(node.body):
            if isinstance(statement, cst.Assign) and b.router_constructor(statement.value, self.bindings):
                names.update(t.target.value for t in statement.targets if isinstance(t.target, cst.Name))
        return names

    # Route recognition --------------------------------------------------------

    def is_router(self, receiver: cst.BaseExpression) -> bool:
        if isinstance(receiver, cst.Name):
            name = receiver.value
            if any(name in scope for scope in self.local_routers[1:]):
                return True
            return name in self.bindings.routers or self._imported_router(name)
        if isinstance(receiver, cst.Call):
            return b.router_constructor(receiver, self.bindings) is not None
        return False

    def _imported_router(self, name: str) -> bool:
        """An imported name counts as a router when the project module that defines it binds a router.

        When that module cannot be found (a relative import outside a package,
        say), a project import is taken on trust; `route_from_call` then also
        requires a literal path that starts with `/`.
        """
        target = self.bindings.imports.get(name, "")
        if not self.bindings.is_project_import(name) or target.startswith(("fastapi", "starlette")):
            return False
        verdict = project_index.defines_router(Path(self.config.root).resolve(), target.lstrip("."))
        if verdict is None and target.startswith("."):
            resolved = b.resolve_relative(target, self.bindings.module_name, False)
            verdict = project_index.defines_router(Path(self.config.root).resolve(), resolved) if not resolved.startswith(".") else None
        if verdict is None:
            self.unverified.add(name)
        return verdict is not False

    def decorator_route(self, decorator: cst.Decorator) -> Route | None:
        expression = decorator.decorator
        if not isinstance(expression, cst.Call) or not isinstance(expression.func, cst.Attribute):
            return None
        return self.route_from_call(expression, "decorator", self.positions.get(decorator, (0, 0))[0])

    def route_from_call(self, call: cst.Call, kind: str, line: int) -> Route | None:
        """Describe CALL when it is `router.get(path, ...)` or a similar route factory."""
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ROUTE_METHODS:
            return None
        if not self.is_router(func.value):
            return None
        method = func.attr.value
        path = _string_argument(call, 0, "path")
        if path is None and not _has_argument(call, 0, "path"):
            return None
        if isinstance(func.value, cst.Name) and func.value.value in self.unverified and not (path or "").startswith("/"):
            return None
        methods = ROUTE_METHODS[method]
        if method == "api_route":
            methods = _methods_argument(call) or ("GET",)
        return Route(
            methods=methods,
            path=path,
            router=b.dotted(func.value) or "<call>",
            line=line,
            kind=kind,
            websocket=method == "websocket",
            dependencies=self.route_dependencies(call),
        )

    def route_dependencies(self, call: cst.Call) -> tuple[str, ...]:
        return b.call_dependencies(call, self.bindings)

    def visit_Call(self, node: cst.Call) -> None:
        """Registrations by call: `router.add_api_route(path, handler)` and `router.get(path)(handler)`."""
        line = self.positions.get(node, (0, 0))[0]
        func = node.func
        if isinstance(func, cst.Call) and node.args:
            route = self.route_from_call(func, "call", line)
            if route is not None:
                self.register_handler(node.args[0].value, route)
            return
        if isinstance(func, cst.Attribute) and func.attr.value in REGISTRATION_METHODS and self.is_router(func.value):
            websocket = REGISTRATION_METHODS[func.attr.value]
            methods = ("WEBSOCKET",) if websocket else (_methods_argument(node) or ("GET",))
            handler = _argument(node, 1, "endpoint")
            route = Route(
                methods=methods,
                path=_string_argument(node, 0, "path"),
                router=b.dotted(func.value) or "<call>",
                line=line,
                kind="call",
                websocket=websocket,
                dependencies=self.route_dependencies(node),
            )
            if handler is not None:
                self.register_handler(handler, route)

    def register_handler(self, handler: cst.BaseExpression, route: Route) -> None:
        if isinstance(handler, cst.Name):
            for scope in reversed(self.scopes):
                if handler.value in scope:
                    self.add_endpoint(scope[handler.value], [route])
                    return
        qualified = self.bindings.qualify(handler) or b.dotted(handler) or "<expression>"
        key = hash((qualified, route))
        endpoint = Endpoint(
            name=b.dotted(handler).rsplit(".", 1)[-1] or "<expression>",
            qualname=qualified,
            node=None,
            line=route.line,
            column=1,
            decorator_lines=(),
            routes=[route],
            defined_elsewhere=qualified,
        )
        self.endpoints[key] = endpoint
        self.order.append(key)

    # Endpoint description -----------------------------------------------------

    def add_endpoint(self, node: cst.FunctionDef, routes: list[Route]) -> None:
        key = id(node)
        if key in self.endpoints:
            self.endpoints[key].routes.extend(routes)
            return
        cls = self.classes[-1] if self.classes else None
        line, column = name_start(node, self.positions)
        decorator_lines = tuple(self.positions.get(d, (line, 1))[0] for d in node.decorators)
        endpoint = Endpoint(
            name=node.name.value,
            qualname=f"{cls.name.value}.{node.name.value}" if cls else node.name.value,
            node=node,
            line=line,
            column=column,
            decorator_lines=decorator_lines,
            routes=list(routes),
            class_name=cls.name.value if cls else None,
        )
        endpoint.params = [self.describe_param(p, kind) for p, kind in _params_with_kinds(node.params)]
        if cls is not None and endpoint.params and endpoint.params[0].name in ("self", "cls"):
            endpoint.params = endpoint.params[1:]
        endpoint.local_names = frozenset(_local_names(node))
        endpoint.tenant = self.tenant_source(endpoint, cls)
        endpoint.log_calls = find_log_calls(node, self.bindings, self.positions)
        self.endpoints[key] = endpoint
        self.order.append(key)

    def describe_param(self, param: cst.Param, kind: str) -> Param:
        line, column = self.positions.get(param, (0, 0))
        annotation = param.annotation.annotation if param.annotation is not None else None
        source, dependency, alias, assumed = self.param_source(param, annotation)
        if dependency and "." not in dependency and is_tenant_dependency(dependency, self.bindings, self.config):
            self.dependency_references.append((line, column))
        return Param(
            name=param.name.value,
            kind=kind,
            annotation=cst.Module([]).code_for_node(annotation) if annotation is not None else None,
            source=source,
            dependency=dependency,
            alias=alias,
            has_default=param.default is not None,
            line=line,
            column=column,
            assumed=assumed,
        )

    def param_source(self, param: cst.Param, annotation) -> tuple[str, str | None, str | None, bool]:
        """Return (source, dependency, alias, assumed) for one parameter."""
        candidates = []
        if param.default is not None:
            candidates.append(param.default)
        if annotation is not None:
            candidates.extend(b.annotated_parts(annotation, self.bindings) or ())
        for candidate in candidates:
            target = b.depends_target(candidate, self.bindings)
            if target:
                return target[0], target[1], None, False
            if isinstance(candidate, cst.Call):
                marker = b.REQUEST_PARAM_FUNCTIONS.get(self.bindings.qualify(candidate.func) or "")
                if marker:
                    return marker, None, _string_argument(candidate, None, "alias"), False
        if isinstance(annotation, cst.Name) and annotation.value in self.bindings.dependency_aliases:
            return "depends", self.bindings.dependency_aliases[annotation.value], None, False
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            qualified = self.bindings.qualify(annotation) or ""
            if qualified.startswith(("fastapi.", "starlette.")):
                return "special", None, None, False
            if isinstance(annotation, cst.Name) and annotation.value in self.bindings.imports:
                return self.imported_annotation(self.bindings.imports[annotation.value])
        return "plain", None, None, False

    def imported_annotation(self, target: str) -> tuple[str, str | None, str | None, bool]:
        """Describe a parameter annotated with a name imported from another module."""
        if project_index.is_library_module(target):
            return "plain", None, None, False
        dependency = project_index.imported_alias(Path(self.config.root).resolve(), target)
        if dependency:
            return "depends", dependency, None, False
        if dependency == "":
            return "plain", None, None, False
        # NOTE: the defining module is outside the project, so the alias is
        # assumed to carry a dependency rather than reported as a query parameter.
        return "alias", None, None, True

    def tenant_source(self, endpoint: Endpoint, cls: cst.ClassDef | None) -> TenantSource | None:
        for param in endpoint.params:
            if param.source in ("depends", "security") and is_tenant_dependency(param.dependency, self.bindings, self.config):
                return TenantSource(param.name, "parameter", param.name)
        for param in endpoint.params:
            attribute = _provider_attribute(param.dependency, self.config)
            if param.source in ("depends", "security") and attribute is not None:
                return TenantSource(f"{param.name}.{attribute}", "provider", param.name)
        if cls is not None and _is_cbv(cls, self.config):
            attribute = self.class_tenant_attribute(cls)
            if attribute:
                return TenantSource(f"self.{attribute}", "class-attribute")
        param = endpoint.param(self.config.parameter)
        if param is not None and param.assumed:
            return TenantSource(param.name, "assumed-alias", param.name)
        return None

    def class_tenant_attribute(self, cls: cst.ClassDef) -> str | None:
        for statement in _simple_statements(cls.body):
            value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
            target = None
            if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
                target = statement.target.value
                if value is None:
                    dependency = b.annotated_dependency(statement.annotation.annotation, self.bindings)
                    if is_tenant_dependency(dependency, self.bindings, self.config):
                        return target
            elif isinstance(statement, cst.Assign) and isinstance(statement.targets[0].target, cst.Name):
                target = statement.targets[0].target.value
            found = b.depends_target(value, self.bindings) if value is not None else None
            if target and found and is_tenant_dependency(found[1], self.bindings, self.config):
                return target
        return None

    def finish(self) -> list[Endpoint]:
        return [self.endpoints[key] for key in self.order]


def _provider_attribute(dependency: str | None, config: Config) -> str | None:
    if not dependency:
        return None
    for name, attribute in config.tenant_providing_dependencies:
        if dependency == name or dependency.endswith("." + name):
            return attribute
    return None


def _is_cbv(cls: cst.ClassDef, config: Config) -> bool:
    for decorator in cls.decorators:
        expression = decorator.decorator
        func = expression.func if isinstance(expression, cst.Call) else expression
        if b.dotted(func).rsplit(".", 1)[-1] in config.cbv_decorators:
            return True
    return False


def _params_with_kinds(params: cst.Parameters):
    for param in params.posonly_params:
        yield param, "posonly"
    for param in params.params:
        yield param, "normal"
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg, "vararg"
    for param in params.kwonly_params:
        yield param, "kwonly"
    if params.star_kwarg is not None:
        yield params.star_kwarg, "varkw"


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    return [param for param, _ in _params_with_kinds(params)]


def _simple_statements(body: cst.BaseSuite):
    if not isinstance(body, cst.IndentedBlock):
        return
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body


def _nested_functions(node: cst.FunctionDef) -> dict[str, cst.FunctionDef]:
    if not isinstance(node.body, cst.IndentedBlock):
        return {}
    return {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}


def _argument(call: cst.Call, index: int | None, keyword: str) -> cst.BaseExpression | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if index is not None and index < len(positional):
        return positional[index].value
    return None


def _has_argument(call: cst.Call, index: int, keyword: str) -> bool:
    return _argument(call, index, keyword) is not None


def _string_argument(call: cst.Call, index: int | None, keyword: str) -> str | None:
    value = _argument(call, index, keyword)
    if isinstance(value, cst.SimpleString):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    if isinstance(value, cst.ConcatenatedString):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


def _methods_argument(call: cst.Call) -> tuple[str, ...] | None:
    value = _argument(call, None, "methods")
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return None
    methods = []
    for element in value.elements:
        if isinstance(element.value, cst.SimpleString) and isinstance(element.value.evaluated_value, str):
            methods.append(element.value.evaluated_value.upper())
    return tuple(methods) or None


class _LocalNames(cst.CSTVisitor):
    """Names bound in a function's own scope (not in nested functions, classes or comprehensions)."""

    def __init__(self, root: cst.FunctionDef) -> None:
        self.root = root
        self.names: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node is self.root:
            return True
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Parameters(self, node: cst.Parameters) -> bool:
        return False

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_CompFor(self, node: cst.CompFor) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.update(_target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.update(_target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.update(_target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.names.update(_target_names(node.target))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.names.update(_target_names(node.asname.name))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.names.update(_target_names(node.name.name))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.update(_target_names(node.target))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        name = node.asname.name if node.asname is not None else node.name
        self.names.add(b.dotted(name).split(".", 1)[0])


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        names = set()
        for element in target.elements:
            names |= _target_names(element.value)
        return names
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


def _local_names(node: cst.FunctionDef) -> set[str]:
    visitor = _LocalNames(node)
    node.visit(visitor)
    return visitor.names
