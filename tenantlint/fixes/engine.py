"""Plan and apply the fixes for one module's findings in a single pass.

Planning decides, for every finding, whether its fix can be made safely; the
findings come back with `fixable` and `fix_note` filled in. Applying rewrites
the nodes the findings name and adds the imports they need.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from tenantlint import bindings as b
from tenantlint import project_index
from tenantlint.config import Config
from tenantlint.findings import Finding
from tenantlint.fixes import imports, parameters
from tenantlint.fixes.log_prefix import PrefixSettings, UnsafeFix, normalise_prefix, rewrite_log_call, settings_from
from tenantlint.model import Endpoint, ModuleModel, is_tenant_dependency

PARAMETER_CODES = frozenset({"TL101", "TL103"})
DEPENDS_NAMES = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.param_functions.Depends"})


@dataclass(frozen=True)
class ParameterEdit:
    text: str
    section: str
    imports: tuple[tuple[str, str], ...]


@dataclass
class Plan:
    """Edits for one module, keyed by the identity of the node they rewrite."""

    parameters: dict[int, ParameterEdit] = field(default_factory=dict)
    replacements: dict[int, cst.Param] = field(default_factory=dict)
    log_calls: dict[int, tuple[object, str]] = field(default_factory=dict)
    prefixes: dict[int, tuple[object, str]] = field(default_factory=dict)
    imports: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.parameters or self.replacements or self.log_calls or self.prefixes or self.imports)

    def need_import(self, module: str, name: str) -> None:
        if (module, name) not in self.imports:
            self.imports.append((module, name))


class Blocked(Exception):
    """A fix that cannot be made safely, with the reason as its message."""


class Planner:
    def __init__(self, model: ModuleModel, config: Config, unsafe: bool) -> None:
        self.model = model
        self.config = config
        self.unsafe = unsafe
        self.bindings = model.bindings
        self.settings: PrefixSettings = settings_from(
            config.log_prefix, config.parameter, config.log_style, config.structlog_style
        )
        self.plan = Plan()

    def run(self, findings: list[Finding]) -> Plan:
        ordered = sorted(findings, key=lambda f: 0 if f.code in PARAMETER_CODES else 1)
        annotated = {}
        for finding in ordered:
            annotated[id(finding)] = self.annotate(finding)
        self.plan.findings = [annotated[id(finding)] for finding in findings]
        return self.plan

    def annotate(self, finding: Finding) -> Finding:
        try:
            safe = self.plan_finding(finding)
        except Blocked as blocked:
            return dataclasses.replace(finding, fixable=False, unsafe_fixable=False, fix_note=str(blocked))
        if safe is None:
            return finding
        if safe == "unsafe":
            return dataclasses.replace(finding, fixable=False, unsafe_fixable=True)
        return dataclasses.replace(finding, fixable=True)

    def plan_finding(self, finding: Finding) -> str | None:
        """Record the edit for FINDING; return "safe", "unsafe" or None when the rule has no fix."""
        if finding.extra.get("blocked"):
            raise Blocked(finding.extra["blocked"])
        if finding.code in PARAMETER_CODES:
            self.plan_parameter(finding.extra["endpoint"])
            return "safe"
        if finding.code == "TL201":
            self.plan_log(finding)
            return "safe"
        if finding.code == "TL202":
            self.plan_normalised_prefix(finding)
            return "safe"
        if finding.code == "TL104":
            self.plan.need_import(*self.dependency_import())
            return "safe"
        if finding.code == "TL102":
            return self.plan_replacement(finding)
        return None

    # Parameters ----------------------------------------------------------------

    def plan_parameter(self, endpoint: Endpoint) -> None:
        node = endpoint.node
        if node is None:
            raise Blocked("the handler is defined in another module")
        if id(node) in self.plan.parameters:
            return
        self.check_parameter_safe(endpoint, node)
        edit = self.parameter_edit(node)
        self.plan.parameters[id(node)] = edit
        for module, name in edit.imports:
            self.plan.need_import(module, name)

    def check_parameter_safe(self, endpoint: Endpoint, node: cst.FunctionDef) -> None:
        name = self.config.parameter
        if endpoint.websocket and not self.config.websocket_dependency:
            raise Blocked(
                "a websocket route cannot take a dependency that reads `Request`; set "
                "`websocket-dependency = true` once the dependency accepts the connection"
            )
        if name in endpoint.local_names:
            raise Blocked(f"a local variable `{name}` in the body would shadow the new parameter")
        if any(param.name.value == name for param in parameters_of(node)):
            raise Blocked(f"a parameter named `{name}` already exists")

    def parameter_edit(self, node: cst.FunctionDef) -> ParameterEdit:
        config = self.config
        dependency, needed = self.dependency_reference()
        depends, depends_import = self.depends_name()
        needed = [*needed, *depends_import]
        annotated = self.annotated_text(dependency, depends)
        if annotated is not None:
            text, extra_imports = annotated
            section = parameters.insertion_section(node.params, has_default=False)
            if section is not None:
                return ParameterEdit(text, section, tuple([*extra_imports, *needed]))
        text = f"{config.parameter}: {config.parameter_annotation} = {depends}({dependency})"
        section = parameters.insertion_section(node.params, has_default=True)
        assert section is not None
        return ParameterEdit(text, section, tuple(needed))

    def annotated_text(self, dependency: str, depends: str) -> tuple[str, list[tuple[str, str]]] | None:
        style = self.config.parameter_style
        if style == "default" or (style == "auto" and not self.module_uses_annotated()):
            return None
        for alias, target in self.bindings.dependency_aliases.items():
            if is_tenant_dependency(target, self.bindings, self.config):
                return f"{self.config.parameter}: {alias}", []
        local = next((name for name, target in self.bindings.imports.items() if target in b.ANNOTATED), None)
        extra = []
        if local is None:
            if "Annotated" in self.bound_names():
                return None
            local, extra = "Annotated", [("typing", "Annotated")]
        return f"{self.config.parameter}: {local}[{self.config.parameter_annotation}, {depends}({dependency})]", extra

    def module_uses_annotated(self) -> bool:
        if self.bindings.dependency_aliases:
            return True
        return any(
            param.annotation is not None and param.annotation.startswith(("Annotated[", "typing.Annotated["))
            and param.source in ("depends", "security")
            for endpoint in self.model.endpoints
            for param in endpoint.params
        )

    def bound_names(self) -> set[str]:
        bindings = self.bindings
        return {*bindings.imports, *bindings.functions, *bindings.assigned}

    def dependency_reference(self) -> tuple[str, list[tuple[str, str]]]:
        """Return how this module names the dependency, and the import that makes it exist."""
        config = self.config
        for local, target in self.usable_imports():
            if is_tenant_dependency(target, self.bindings, config):
                return local, []
        if config.dependency_module:
            expected = b.resolve_relative(config.dependency_module, self.bindings.module_name, False)
            for local, target in self.usable_imports():
                if target.lstrip(".") == expected.lstrip(".") or target == config.dependency_module:
                    return f"{local}.{config.dependency}", []
        if config.dependency in self.bindings.functions:
            qualified = f"{self.bindings.module_name}.{config.dependency}" if self.bindings.module_name else config.dependency
            if config.dependency_module is None or is_tenant_dependency(qualified, self.bindings, config):
                return config.dependency, []
            raise Blocked(f"`{config.dependency}` is defined in this module, not imported from `{config.dependency_module}`")
        return config.dependency, [self.dependency_import()]

    def dependency_import(self) -> tuple[str, str]:
        config = self.config
        if not config.dependency_module:
            raise Blocked(f"set `dependency-module` so that the fix can import `{config.dependency}`")
        if config.dependency_module.startswith("."):
            self.check_relative_module(config.dependency_module)
        if config.dependency in self.bound_names() and config.dependency not in self.bindings.imports:
            raise Blocked(f"the name `{config.dependency}` is already bound to something else in this module")
        target = self.bindings.imports.get(config.dependency)
        if target is not None and is_tenant_dependency(target, self.bindings, config):
            return config.dependency_module, config.dependency  # imported again above its late import
        if target is not None:
            raise Blocked(f"`{config.dependency}` in this module is imported from elsewhere (`{target}`)")
        return config.dependency_module, config.dependency

    def check_relative_module(self, module: str) -> None:
        """Refuse a relative `dependency-module` that does not name a project module from this file.

        The import is written as configured, so it is relative to each fixed
        file and works only in files at the depth it was written for.
        """
        is_package = self.model.path.name == "__init__.py"
        resolved = b.resolve_relative(module, self.bindings.module_name, is_package)
        if resolved.startswith("."):
            raise Blocked(f"the relative `dependency-module` `{module}` cannot be resolved from this file; configure an absolute module")
        root = Path(self.config.root).resolve()
        if project_index.module_file(root, resolved) is None:
            raise Blocked(
                f"the relative `dependency-module` `{module}` resolves to `{resolved}` from this file, "
                f"which is not a module of the project; configure an absolute module"
            )

    def usable_imports(self) -> list[tuple[str, str]]:
        """Return the imports a new signature can use: those above the first definition."""
        return [(local, target) for local, target in self.bindings.imports.items() if local not in self.bindings.late_imports]

    def depends_name(self) -> tuple[str, list[tuple[str, str]]]:
        for local, target in self.usable_imports():
            if target in DEPENDS_NAMES:
                return local, []
        if self.bindings.imports.get("Depends") in DEPENDS_NAMES:
            return "Depends", [("fastapi", "Depends")]  # imported again above its late import
        if "Depends" in self.bound_names():
            raise Blocked("the name `Depends` is bound to something other than `fastapi.Depends`")
        return "Depends", [("fastapi", "Depends")]

    # Log calls --------------------------------------------------------------------

    def plan_log(self, finding: Finding) -> None:
        call = finding.extra["log_call"]
        tenant = finding.extra["tenant"]
        endpoint: Endpoint = finding.extra["endpoint"]
        if endpoint.tenant is None:
            node = endpoint.node
            if node is None or id(node) not in self.plan.parameters:
                raise Blocked("the endpoint has no tenant parameter to log yet, and TL101's fix cannot add one here")
        try:
            rewrite_log_call(call, call.node, tenant, self.settings)
        except UnsafeFix as unsafe:
            raise Blocked(str(unsafe)) from None
        self.plan.log_calls[id(call.node)] = (call, tenant)

    def plan_normalised_prefix(self, finding: Finding) -> None:
        call = finding.extra.get("log_call")
        tenant = finding.extra.get("tenant")
        if call is None or tenant is None:
            raise Blocked("the finding does not name its log call")
        try:
            normalise_prefix(call, call.node, tenant, self.settings)
        except UnsafeFix as unsafe:
            raise Blocked(str(unsafe)) from None
        self.plan.prefixes[id(call.node)] = (call, tenant)

    # Client-controlled tenant -----------------------------------------------------

    def plan_replacement(self, finding: Finding) -> str:
        """Replace a request-sourced tenant parameter with the dependency (an unsafe fix: it changes the API)."""
        endpoint: Endpoint = finding.extra["endpoint"]
        param = finding.extra["param"]
        node = endpoint.node
        if node is None:
            raise Blocked("the handler is defined in another module")
        if any("{" + param.name + "}" in (route.path or "") for route in endpoint.routes):
            raise Blocked(f"the route path uses `{{{param.name}}}`, so the parameter cannot be removed from it")
        original = next(p for p in parameters_of(node) if p.name.value == param.name)
        if original.default is None:
            raise Blocked("the parameter has no default, so the dependency cannot take its place without reordering")
        if not self.unsafe:
            return "unsafe"
        dependency, needed = self.dependency_reference()
        depends, depends_import = self.depends_name()
        default = cst.parse_expression(f"{depends}({dependency})")
        annotation = cst.Annotation(cst.parse_expression(self.config.parameter_annotation))
        self.plan.replacements[id(original)] = original.with_changes(
            default=default, annotation=annotation if original.annotation is None else original.annotation.with_changes(annotation=annotation.annotation)
        )
        for module, name in [*needed, *depends_import]:
            self.plan.need_import(module, name)
        return "unsafe"


def parameters_of(node: cst.FunctionDef) -> list[cst.Param]:
    params = node.params
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    kwargs = [params.star_kwarg] if params.star_kwarg is not None else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params, *kwargs]


class _Rewriter(cst.CSTTransformer):
    def __init__(self, plan: Plan, settings: PrefixSettings) -> None:
        self.plan = plan
        self.settings = settings

    def leave_Param(self, original_node: cst.Param, updated_node: cst.Param) -> cst.Param:
        replacement = self.plan.replacements.get(id(original_node))
        return replacement if replacement is not None else updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        entry = self.plan.log_calls.get(id(original_node))
        if entry is not None:
            call, tenant = entry
            return rewrite_log_call(call, updated_node, tenant, self.settings)  # type: ignore[arg-type]
        entry = self.plan.prefixes.get(id(original_node))
        if entry is not None:
            call, tenant = entry
            return normalise_prefix(call, updated_node, tenant, self.settings)  # type: ignore[arg-type]
        return updated_node

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        edit = self.plan.parameters.get(id(original_node))
        if edit is None:
            return updated_node
        return parameters.add_parameter(updated_node, parameters.parse_param(edit.text), edit.section)


def plan_fixes(model: ModuleModel, findings: list[Finding], config: Config, unsafe: bool = False) -> Plan:
    """Decide which findings can be fixed and record their edits."""
    return Planner(model, config, unsafe).run(findings)


def apply_plan(model: ModuleModel, plan: Plan, config: Config) -> cst.Module:
    """Return the module with every planned edit made."""
    settings = settings_from(config.log_prefix, config.parameter, config.log_style, config.structlog_style)
    module = model.module.visit(_Rewriter(plan, settings))
    for source, name in plan.imports:
        module = imports.add_from_import(module, source, name, model.bindings.project_names)
    return module
