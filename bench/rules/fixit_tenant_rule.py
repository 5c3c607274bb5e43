"""Fixit counterpart of tenantlint's TL101, kept as a benchmark peer.

Run with this folder on PYTHONPATH: `fixit --rules fixit_tenant_rule lint PATH`.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from fixit import Invalid, LintRule, Valid

ROUTE_METHODS = {"get", "post", "put", "patch", "delete"}
TENANT_DEPENDENCY = m.Call(func=m.Name("Depends"), args=[m.Arg(m.Name("get_current_tenant_id"))])


class MissingTenantDependency(LintRule):
    """Report a route handler whose parameters never use `Depends(get_current_tenant_id)`."""

    VALID = [
        Valid(
            """
            @router.get("/items")
            def items(tenant_id: str = Depends(get_current_tenant_id)):
                pass
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @router.get("/items")
            def items():
                pass
            """
        ),
    ]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not any(_is_route_decorator(decorator) for decorator in node.decorators):
            return

        if not m.findall(node.params, TENANT_DEPENDENCY):
            self.report(node, "Endpoint lacks `tenant_id = Depends(get_current_tenant_id)`.")


def _is_route_decorator(decorator: cst.Decorator) -> bool:
    expression = decorator.decorator
    return (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Attribute)
        and expression.func.attr.value in ROUTE_METHODS
    )
