"""Facts that more than one rule reads."""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.logcalls import LogCall, prefix_status
from tenantlint.model import Endpoint, is_tenant_dependency


def tenant_expression(ctx: FileContext, endpoint: Endpoint) -> str:
    """Return the expression that contains the tenant, or the parameter a fix would add."""
    return endpoint.tenant.expression if endpoint.tenant is not None else ctx.config.parameter


def log_statuses(ctx: FileContext) -> Iterator[tuple[Endpoint, LogCall, str, str]]:
    """Yield (endpoint, log call, tenant expression, status) for every log call in scope."""
    config = ctx.config
    for endpoint in ctx.in_scope():
        tenant = tenant_expression(ctx, endpoint)
        for call in endpoint.log_calls:
            yield endpoint, call, tenant, prefix_status(call, tenant, config.log_prefix, config.parameter, config.structlog_style)


def route_level_dependency(ctx: FileContext, endpoint: Endpoint) -> str | None:
    """Return where the tenant dependency is attached through `dependencies=[...]`, if it is."""
    bindings = ctx.model.bindings
    for route in endpoint.routes:
        if any(is_tenant_dependency(name, bindings, ctx.config) for name in route.dependencies):
            return "the route decorator" if route.kind == "decorator" else "the route registration"
        router = bindings.router_dependencies.get(route.router, ())
        if any(is_tenant_dependency(name, bindings, ctx.config) for name in router):
            return f"the router `{route.router}`"
    return None


def suggested_parameter(ctx: FileContext) -> str:
    config = ctx.config
    return f"{config.parameter}: {config.parameter_annotation} = Depends({config.dependency})"
