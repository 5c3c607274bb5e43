"""Tenant identifier declared but never passed beyond log calls.

TL301 reports an endpoint that takes the tenant parameter but uses it
only in log calls, or not at all. No query, service call or other
function receives it, so the data access is likely not scoped by tenant.
An endpoint that also takes a dependency listed in
`tenant-scoped-dependencies` passes, because such a dependency scopes the
data itself (a database session with row-level security, for example).

Why it matters: declaring the dependency proves that the request is
authenticated for a tenant. It does not stop the handler from reading
every tenant's rows. This rule catches the endpoint that looks compliant
in review and still leaks data across tenants.

Wrong:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_all()
```

Right:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_for_tenant(tenant_id)
```

Fix: none. Where the tenant filter belongs depends on the data layer,
which a codemod cannot see.

Suppress: `# tenantlint: ignore[TL301] reason` on the endpoint's `def`
line. The reason is required and should name what scopes the data, such
as a context variable that the data layer reads. When a dependency does
the scoping, list it in `tenant-scoped-dependencies` instead.
"""

from __future__ import annotations

CODE = "TL301"
NAME = "tenant-not-propagated"
SUMMARY = "tenant identifier declared but never passed beyond log calls"
