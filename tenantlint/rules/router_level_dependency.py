"""Tenant dependency only attached through dependencies=[...].

TL103 reports an endpoint that gets the tenant dependency only from a
`dependencies=[Depends(get_current_tenant_id)]` list, on its decorator or
on its router, and not as a parameter.

Why it matters: FastAPI runs a dependency from `dependencies=[...]` and
throws its return value away. The request is authenticated, but the
handler never learns the tenant, so it cannot filter its queries or prefix
its log lines by tenant. The tenant check exists, yet nothing depends on
it.

Wrong:

```python
@router.get("/reports", dependencies=[Depends(get_current_tenant_id)])
async def list_reports(db: Session = Depends(get_db)):
    return db.query(Report).all()
```

Right:

```python
@router.get("/reports")
async def list_reports(
    db: Session = Depends(get_db),
    tenant_id: str = Depends(get_current_tenant_id),
):
    return db.query(Report).filter_by(tenant_id=tenant_id).all()
```

Fix: `tenantlint fix` adds the tenant parameter to the handler. The entry
in `dependencies=[...]` can stay, because FastAPI caches a dependency for
the duration of a request (`use_cache=True` is the default), so the
dependency still runs once.

Suppress: `# tenantlint: ignore[TL103] reason` on the endpoint's `def`
line or on one of its decorator lines. The reason is required and should
explain why the handler needs no tenant, for example a handler that only
returns static data.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.rules._shared import route_level_dependency, suggested_parameter

CODE = "TL103"
NAME = "router-level-dependency"
SUMMARY = "tenant dependency only attached through dependencies=[...]"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report endpoints whose tenant dependency is attached only through `dependencies=[...]`."""
    for endpoint in ctx.in_scope():
        if endpoint.tenant is not None or endpoint.node is None:
            continue
        where = route_level_dependency(ctx, endpoint)
        if where is None or endpoint.param(ctx.config.parameter) is not None:
            continue
        message = (
            f"The tenant dependency reaches `{endpoint.name}` only through `dependencies=[...]` on {where}, "
            f"so the handler cannot scope or log by tenant; add `{suggested_parameter(ctx)}`."
        )
        yield ctx.finding(CODE, endpoint, endpoint.line, endpoint.column, message)
