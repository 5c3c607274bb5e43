"""Tenant identifier taken from the request instead of the authenticated dependency.

TL102 reports a tenant parameter whose value FastAPI reads from the
request: a path parameter, a query parameter, a header, a cookie or the
body. That covers `Header(...)`, `Query(...)`, `Path(...)`, `Cookie(...)`,
`Body(...)` and `Form(...)` defaults, and a plain `tenant_id: str`, which
FastAPI fills from the path or the query string.

Why it matters: the client chooses the tenant. Any signed-in user can read
or change another tenant's data by editing one header or URL segment,
which is broken object level authorization (API1 of the OWASP API
Security Top 10, 2023 edition). The tenant must come from the
authenticated identity, and the audit evidence for tenant isolation must
show that it does.

Wrong:

```python
@router.get("/shelves")
async def list_shelves(tenant_id: str = Header(..., alias="X-Tenant-ID")):
    ...
```

Right:

```python
@router.get("/shelves")
async def list_shelves(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Fix: `tenantlint fix` does not change the endpoint, because clients that
send the tenant today would silently get the tenant from their credentials
instead. `tenantlint fix --unsafe-fixes` replaces the parameter with the
dependency when the route path does not contain the parameter. When the
path does, as in `/t/{tenant_id}/bins`, the URL itself has to change, so
no fix is offered. A parameter without a default is not replaced either,
because the dependency could only take its place by reordering the
signature. Review an unsafe fix with the endpoint's clients.

Suppress: `# tenantlint: ignore[TL102] reason` on the parameter's line or
on the endpoint's `def` line. The reason is required and should explain how
the endpoint checks that the caller belongs to the requested tenant, for
example an operator endpoint that verifies membership itself.
"""

from __future__ import annotations

import re

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding

CODE = "TL102"
NAME = "client-controlled-tenant"
SUMMARY = "tenant identifier taken from the request instead of the authenticated dependency"

TENANT_ALIAS = re.compile(r"(?i)^(x[-_])?tenant([-_]?id)?$")
SOURCES = {
    "path": "the URL path",
    "query": "the query string",
    "header": "a request header",
    "cookie": "a cookie",
    "body": "the request body",
    "form": "a form field",
    "plain": "the query string or path",
}


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report tenant parameters whose value the client chooses."""
    config = ctx.config
    for endpoint in ctx.in_scope():
        for param in endpoint.params:
            named = param.name == config.parameter or bool(param.alias and TENANT_ALIAS.match(param.alias))
            if not named or param.source not in SOURCES:
                continue
            source = SOURCES[param.source]
            if param.source == "plain" and endpoint.routes and "{" + param.name + "}" in (endpoint.routes[0].path or ""):
                source = SOURCES["path"]
            alias = f" `{param.alias}`" if param.alias else ""
            message = (
                f"`{param.name}` is read from {source}{alias}, which the client controls; "
                f"take the tenant from `Depends({config.dependency})` instead."
            )
            yield ctx.finding(CODE, endpoint, param.line, param.column, message, param=param)
