"""Module-level name bindings: imports, routers, loggers and dependency aliases.

Names are resolved to dotted qualified names (`app.deps.get_current_tenant_id`)
from the module's own imports, so a dependency or router is recognised by
where it comes from rather than by what it is called locally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

ROUTER_CLASSES = frozenset(
    {
        "fastapi.APIRouter",
        "fastapi.routing.APIRouter",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)
DEPENDS_FUNCTIONS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.params.Depends",
        "fastapi.params.Security",
        "fastapi.param_functions.Depends",
        "fastapi.param_functions.Security",
    }
)
# Names that `from fastapi import *` binds and that the model looks for.
FASTAPI_STAR_NAMES = (
    "APIRouter", "FastAPI", "Depends", "Security", "Path", "Query", "Header", "Cookie", "Body", "Form", "File",
)
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
TYPE_CHECKING_NAMES = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})
# Request-parameter markers of FastAPI, by the source of their value.
REQUEST_PARAM_FUNCTIONS = {
    "fastapi.Path": "path",
    "fastapi.Query": "query",
    "fastapi.Header": "header",
    "fastapi.Cookie": "cookie",
    "fastapi.Body": "body",
    "fastapi.Form": "form",
    "fastapi.File": "file",
    "fastapi.param_functions.Path": "path",
    "fastapi.param_functions.Query": "query",
    "fastapi.param_functions.Header": "header",
    "fastapi.param_functions.Cookie": "cookie",
    "fastapi.param_functions.Body": "body",
    "fastapi.param_functions.Form": "form",
    "fastapi.param_functions.File": "file",
}
LOGGER_FACTORIES = {
    "logging.getLogger": "stdlib",
    "logging.LoggerAdapter": "stdlib",
    "structlog.get_logger": "structlog",
    "structlog.getLogger": "structlog",
    "structlog.stdlib.get_logger": "structlog",
    "structlog.wrap_logger": "structlog",
}
LOGGER_OBJECTS = {"loguru.logger": "loguru", "logging": "stdlib"}
# Names under which projects conventionally import their own configured
# logger object (`from app.core.logging import logger`).
CONVENTIONAL_LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG"})


@dataclass
class Bindings:
    """Module-level names and the imports, routers, loggers and aliases they are bound to."""

    module_name: str | None
    imports: dict[str, str] = field(default_factory=dict)
    type_checking_imports: dict[str, str] = field(default_factory=dict)
    routers: dict[str, str] = field(default_factory=dict)
    router_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    router_prefixes: dict[str, str] = field(default_factory=dict)
    configured_loggers: dict[str, str] = field(default_factory=dict)
    project_names: frozenset[str] = frozenset()
    # Names imported only after the first module-level def or class, which a
    # fix cannot use in a signature above that import.
    late_imports: set[str] = field(default_factory=set)
    router_subclasses: set[str] = field(default_factory=set)
    loggers: dict[str, str] = field(default_factory=dict)
    dependency_aliases: dict[str, str] = field(default_factory=dict)
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """Return the dotted name NODE refers to, or None when it is not a name."""
        if isinstance(node, cst.Name):
            name = node.value
            if name in self.imports:
                return self.imports[name]
            if name in self.functions and self.module_name:
                return f"{self.module_name}.{name}"
            return name
        if isinstance(node, cst.Attribute):
            base = self.qualify(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        return None

    def is_project_import(self, name: str) -> bool:
        """Return whether NAME is imported from a relative or first-party module."""
        target = self.imports.get(name)
        if target is None:
            return False
        if target.startswith("."):
            return True
        top = target.split(".", 1)[0]
        package = (self.module_name or "").split(".", 1)[0]
        return top == package or top in self.project_names


def module_name_for(path: Path) -> str | None:
    """Return the dotted module name of PATH from the packages around it."""
    path = path.resolve()
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or None


def resolve_relative(module: str, current: str | None, is_package: bool) -> str:
    """Turn a relative module reference (`..deps`) into an absolute one where possible."""
    if not module.startswith("."):
        return module
    level = len(module) - len(module.lstrip("."))
    rest = module[level:]
    if current is None:
        return module
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level - 1 >= len(base):
        return module
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, rest] if rest else base) or module


def dotted(node: cst.BaseExpression | None) -> str:
    """Return the source text of a dotted name (`a.b.c`), or an empty string."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


class BindingCollector(cst.CSTVisitor):
    """Collect module-level bindings.

    The walk never enters function or class bodies, nor the expressions of
    the statements it reads, because only module-level names matter here
    and a full walk of a large module costs more than parsing it.
    """

    def __init__(self, module_name: str | None, is_package: bool) -> None:
        self.bindings = Bindings(module_name)
        self._is_package = is_package
        self._type_checking_depth = 0
        self._after_definition = False

    # Imports ----------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = dotted(alias.name)
            if alias.asname is not None:
                local = dotted(alias.asname.name)
                self._bind_import(local, full)
            else:
                top = full.split(".", 1)[0]
                self._bind_import(top, top)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if isinstance(node.names, cst.ImportStar):
            if not node.relative and dotted(node.module) == "fastapi":
                for name in FASTAPI_STAR_NAMES:
                    self._bind_import(name, f"fastapi.{name}")
            return False
        module = "." * len(node.relative) + dotted(node.module)
        module = resolve_relative(module, self.bindings.module_name, self._is_package)
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname is not None else name
            target = f"{module}.{name}" if not module.endswith(".") else f"{module}{name}"
            self._bind_import(local, target)
        return False

    def _bind_import(self, local: str, target: str) -> None:
        if self._type_checking_depth:
            self.bindings.type_checking_imports[local] = target
            return
        if self._after_definition and local not in self.bindings.imports:
            self.bindings.late_imports.add(local)
        self.bindings.imports[local] = target

    def visit_If(self, node: cst.If) -> bool:
        """Walk an `if TYPE_CHECKING:` body as type-checking only, and its `else` as runtime code."""
        if self.bindings.qualify(node.test) not in TYPE_CHECKING_NAMES and dotted(node.test) != "TYPE_CHECKING":
            return True
        self._type_checking_depth += 1
        node.body.visit(self)
        self._type_checking_depth -= 1
        if node.orelse is not None:
            node.orelse.visit(self)
        return False

    def visit_Expr(self, node: cst.Expr) -> bool:
        return False

    # Definitions -------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.bindings.functions[node.name.value] = node
        self._after_definition = True
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._after_definition = True
        for base in node.bases:
            qualified = self.bindings.qualify(base.value) or ""
            if qualified in ROUTER_CLASSES or dotted(base.value) in self.bindings.router_subclasses:
                self.bindings.router_subclasses.add(node.name.value)
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.bind_value(target.target.value, node.value)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if not isinstance(node.target, cst.Name):
            return False
        name = node.target.value
        if dotted(node.annotation.annotation) in ("TypeAlias", "typing.TypeAlias") and node.value is not None:
            self.bind_value(name, node.value)
            return False
        if node.value is not None:
            self.bind_value(name, node.value)
        if self.router_class(node.annotation.annotation):
            self.bindings.routers[name] = "annotation"
        return False

    def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
        self.bind_value(node.name.value, node.value)
        return False

    def bind_value(self, name: str, value: cst.BaseExpression) -> None:
        """Record what NAME is bound to when it is a router, logger or alias."""
        self.bindings.assigned.add(name)
        router = router_constructor(value, self.bindings)
        if router:
            assert isinstance(value, cst.Call)
            self.bindings.routers[name] = router
            self.bindings.router_dependencies[name] = call_dependencies(value, self.bindings)
            prefix = keyword_string(value, "prefix")
            if prefix is not None:
                self.bindings.router_prefixes[name] = prefix
            return
        library = logger_library(value, self.bindings)
        if library:
            self.bindings.loggers[name] = library
            return
        dependency = annotated_dependency(value, self.bindings)
        if dependency:
            self.bindings.dependency_aliases[name] = dependency

    def router_class(self, node: cst.BaseExpression) -> bool:
        return is_router_class(node, self.bindings)


def is_router_class(node: cst.BaseExpression, bindings: Bindings) -> bool:
    qualified = bindings.qualify(node) or ""
    return qualified in ROUTER_CLASSES or dotted(node) in bindings.router_subclasses


def router_constructor(value: cst.BaseExpression, bindings: Bindings) -> str | None:
    """Return the router class name when VALUE constructs a router or app."""
    if isinstance(value, cst.Call) and is_router_class(value.func, bindings):
        return dotted(value.func).rsplit(".", 1)[-1]
    return None


def logger_library(value: cst.BaseExpression, bindings: Bindings) -> str | None:
    """Return the logging library when VALUE evaluates to a logger object."""
    if isinstance(value, cst.Call):
        func = value.func
        qualified = bindings.qualify(func) or ""
        if qualified in LOGGER_FACTORIES:
            return LOGGER_FACTORIES[qualified]
        if isinstance(func, cst.Attribute) and func.attr.value in ("getChild", "bind", "opt", "new", "patch"):
            return expression_logger(func.value, bindings)
    return expression_logger(value, bindings) if isinstance(value, (cst.Name, cst.Attribute)) else None


def expression_logger(node: cst.BaseExpression, bindings: Bindings, local: dict[str, str] | None = None) -> str | None:
    """Return the library of the logger NODE evaluates to, or None."""
    if isinstance(node, cst.Name):
        name = node.value
        if local and name in local:
            return local[name]
        if name in bindings.loggers:
            return bindings.loggers[name]
        target = bindings.imports.get(name)
        if target in LOGGER_OBJECTS:
            return LOGGER_OBJECTS[target]
        if target is not None and name in CONVENTIONAL_LOGGER_NAMES and bindings.is_project_import(name):
            return "stdlib"
        return None
    if isinstance(node, cst.Attribute):
        if isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
            return "stdlib" if node.attr.value in CONVENTIONAL_LOGGER_NAMES else None
        return LOGGER_OBJECTS.get(bindings.qualify(node) or "")
    if isinstance(node, cst.Call):
        return logger_library(node, bindings)
    return None


def depends_target(call: cst.BaseExpression, bindings: Bindings) -> tuple[str, str] | None:
    """Return (kind, dependency) when CALL is `Depends(dep)` or `Security(dep)`."""
    if not isinstance(call, cst.Call):
        return None
    qualified = bindings.qualify(call.func) or ""
    if qualified not in DEPENDS_FUNCTIONS and dotted(call.func) not in ("Depends", "Security"):
        return None
    kind = "security" if qualified.endswith("Security") else "depends"
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "dependency":
            return kind, bindings.qualify(arg.value) or ""
    return kind, ""


def annotated_parts(annotation: cst.BaseExpression, bindings: Bindings) -> list[cst.BaseExpression] | None:
    """Return the metadata expressions of `Annotated[T, ...]`, or None."""
    if not isinstance(annotation, cst.Subscript):
        return None
    qualified = bindings.qualify(annotation.value) or ""
    if qualified not in ANNOTATED and dotted(annotation.value) != "Annotated":
        return None
    parts = []
    for element in annotation.slice[1:]:
        if isinstance(element.slice, cst.Index):
            parts.append(element.slice.value)
    return parts


def annotated_dependency(value: cst.BaseExpression, bindings: Bindings) -> str | None:
    """Return the dependency of an `Annotated[T, Depends(dep)]` expression."""
    for part in annotated_parts(value, bindings) or ():
        target = depends_target(part, bindings)
        if target:
            return target[1]
    return None


def call_dependencies(call: cst.Call, bindings: Bindings) -> tuple[str, ...]:
    """Return the dependencies listed in a call's `dependencies=[...]` keyword."""
    names = []
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "dependencies" and isinstance(arg.value, (cst.List, cst.Tuple)):
            for element in arg.value.elements:
                target = depends_target(element.value, bindings)
                if target:
                    names.append(target[1])
    return tuple(names)


def keyword_string(call: cst.Call, keyword: str) -> str | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword and isinstance(arg.value, cst.SimpleString):
            value = arg.value.evaluated_value
            return value if isinstance(value, str) else None
    return None


def collect_bindings(module: cst.Module, module_name: str | None, is_package: bool) -> Bindings:
    collector = BindingCollector(module_name, is_package)
    module.visit(collector)
    return collector.bindings

