"""Endpoint in scope lacks the tenant dependency parameter.

TL101 reports a route handler in scope that takes no parameter from the
tenant dependency, `tenant_id: str = Depends(get_current_tenant_id)` by
default (the `dependency` and `parameter` keys change the names). Any
usual spelling counts: a `Depends(...)` default, an
`Annotated[str, Depends(...)]` annotation, or an alias of either. Without
a `[tool.tenantlint.scope]` table every endpoint is in scope. Endpoints
listed under `[tool.tenantlint.exempt]` are skipped.

Why it matters: without the dependency the handler has no authenticated
tenant. Its queries either read every tenant's rows or trust a tenant that
the client sent, and both leak data across tenants. A clean run over every
endpoint is also the evidence that SOC 2 audits (criterion CC6.1 of the
2017 Trust Services Criteria, logical access) and ISO/IEC 27001:2022
audits (Annex A control 8.3, information access restriction) ask for.

Wrong:

```python
@router.get("/invoices")
async def list_invoices(db: Session = Depends(get_db)):
    return db.query(Invoice).all()
```

Right:

```python
@router.get("/invoices")
async def list_invoices(
    db: Session = Depends(get_db),
    tenant_id: str = Depends(get_current_tenant_id),
):
    return db.query(Invoice).filter_by(tenant_id=tenant_id).all()
```

Fix: `tenantlint fix` adds the parameter to the signature and imports
`Depends` and the dependency when the module lacks them, taking the
dependency from `dependency-module`. Adding the parameter does not scope
the queries, so TL301 may report the endpoint next. The fix leaves the
endpoint alone, and states why, in three cases. A websocket route needs a
dependency that accepts the connection, so it is not fixed unless
`websocket-dependency = true` declares that the configured dependency
does. A function that assigns a local variable named like the parameter
would shadow it, so adding the parameter would change what the body
reads. A parameter of that name that comes from another dependency is
reported on its own line, and the fix cannot add a second one.

Suppress: `# tenantlint: ignore[TL101] reason` on the endpoint's `def`
line or on one of its decorator lines. The reason is required and should
explain why the endpoint serves no tenant data. For a whole route, an
entry in `[tool.tenantlint.exempt]` is the better record.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.rules._shared import route_level_dependency, suggested_parameter

CODE = "TL101"
NAME = "missing-dependency"
SUMMARY = "endpoint in scope lacks the tenant dependency parameter"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report in-scope endpoints that take no tenant from the configured dependency."""
    config = ctx.config
    for endpoint in ctx.in_scope():
        if endpoint.tenant is not None or route_level_dependency(ctx, endpoint):
            continue
        existing = endpoint.param(config.parameter)
        if existing is not None and existing.source not in ("depends", "security"):
            continue  # a request-sourced tenant parameter is TL102's finding
        line, column = (endpoint.line, endpoint.column)
        if existing is not None:
            message = (
                f"`{existing.name}` in `{endpoint.name}` comes from `{existing.dependency}`, not from "
                f"`{config.dependency}`; take the tenant from the authenticated dependency."
            )
            yield ctx.finding(CODE, endpoint, existing.line, existing.column, message, blocked="the parameter name is taken")
            continue
        if endpoint.defined_elsewhere:
            continue  # reported as a note: the handler's own module is where it can be checked
        message = f"Endpoint `{endpoint.name}` does not take the tenant dependency; add `{suggested_parameter(ctx)}`."
        yield ctx.finding(CODE, endpoint, line, column, message)
