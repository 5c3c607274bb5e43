"""Rule registry: one module per rule code.

Each rule module defines CODE, NAME, SUMMARY and a docstring that
`tenantlint explain CODE` prints.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

# Every rule code with the module that implements it, in the order
# `tenantlint rules` lists them.
RULE_MODULES: dict[str, str] = {
    "TL101": "missing_dependency",
    "TL102": "client_controlled_tenant",
    "TL103": "router_level_dependency",
    "TL104": "dependency_not_imported",
    "TL201": "log_without_prefix",
    "TL202": "malformed_prefix",
    "TL301": "tenant_not_propagated",
    "TL401": "duplicate_route",
    "TL402": "shadowed_route",
    "TL901": "stale_scope_entry",
    "TL902": "unparsable_file",
    "TL903": "invalid_suppression",
}
ALL_CODES: tuple[str, ...] = tuple(RULE_MODULES)


@dataclass(frozen=True)
class RuleInfo:
    """User-facing description of one rule."""

    code: str
    name: str
    summary: str
    explanation: str


def load_rule(code: str) -> ModuleType:
    """Import the module of rule CODE; raise KeyError for an unknown code."""
    return importlib.import_module(f"tenantlint.rules.{RULE_MODULES[code]}")


def rule_info(code: str) -> RuleInfo:
    """Return the name, summary and explanation of rule CODE."""
    module = load_rule(code)
    explanation = (module.__doc__ or "").strip()
    return RuleInfo(code, module.NAME, module.SUMMARY, explanation)
