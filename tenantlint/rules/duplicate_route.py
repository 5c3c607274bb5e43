"""Two endpoints serve the same method and full path.

TL401 reports an endpoint whose HTTP method and full path, with every
router and `include_router` prefix applied, equal those of another
endpoint.

Why it matters: Starlette tries routes in registration order and the
first match wins, so one of the two handlers never runs. Reviewers and
auditors read the unreachable handler, with its tenant checks, while the
other one serves the traffic. The duplicate usually comes from a copied
handler or a router included twice under the same prefix.

Wrong:

```python
@router.get("/invoices/{invoice_id}")
async def read_invoice(invoice_id: str, tenant_id: str = Depends(get_current_tenant_id)):
    ...


@router.get("/invoices/{invoice_id}")
async def read_invoice_v2(invoice_id: str):
    ...
```

Right: keep one handler for the route, or give the second its own path,
such as `/v2/invoices/{invoice_id}`.

Fix: none. Deciding which handler should serve the route needs a person.

Suppress: `# tenantlint: ignore[TL401] reason` on the `def` line of the
reported endpoint. The reason is required, for example routes that
different applications mount and that never share an app.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.project import conflicts

CODE = "TL401"
NAME = "duplicate-route"
SUMMARY = "two endpoints serve the same method and full path"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report in-scope endpoints that an earlier route with the same method and full path hides."""
    for endpoint, note in conflicts(ctx, CODE):
        route = f"{note.method} {note.full_route}"
        if note.same_endpoint:
            message = (
                f"`{route}` is registered twice for `{endpoint.name}` because its router is included more "
                f"than once under the same prefix; remove the extra `include_router` call."
            )
        else:
            message = (
                f"`{route}` is already served by `{note.function}` ({note.location}), which is registered first, "
                f"so `{endpoint.name}` never runs; give one of them another path or remove it."
            )
        yield ctx.finding(CODE, endpoint, endpoint.line, endpoint.column, message)
