"""Endpoint shadowed by an earlier route whose path parameters capture its path.

TL402 reports an endpoint whose path is also matched by a route
registered before it for the same method, because a path parameter of the
earlier route accepts the later route's literal segment.

Why it matters: a request for `/items/export` reaches the earlier
`/items/{item_id}` handler with `item_id="export"`, not the export
handler. The handler that runs may lack the tenant checks and the logging
that the shadowed one has, and the shadowed one is dead code that still
passes review.

Wrong:

```python
@router.get("/items/{item_id}")
async def read_item(item_id: str, tenant_id: str = Depends(get_current_tenant_id)):
    ...


@router.get("/items/export")
async def export_items(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Right: declare `/items/export` before `/items/{item_id}`, or give the
parameter a converter that cannot match the literal, such as
`/items/{item_id:int}`.

Fix: none. Moving routes changes which handler serves which request, and
the order may span several modules.

Suppress: `# tenantlint: ignore[TL402] reason` on the `def` line of the
shadowed endpoint. The reason is required.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.project import conflicts

CODE = "TL402"
NAME = "shadowed-route"
SUMMARY = "endpoint shadowed by an earlier route whose path parameters capture its path"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report in-scope endpoints whose full path an earlier route's path parameter captures."""
    for endpoint, note in conflicts(ctx, CODE):
        message = (
            f"`{note.method} {note.full_route}` is captured by the earlier route `{note.method} {note.earlier_route}` "
            f"of `{note.function}` ({note.location}), so `{endpoint.name}` never runs; register it before that route "
            f"or give the parameter a convertor that rejects this path."
        )
        yield ctx.finding(CODE, endpoint, endpoint.line, endpoint.column, message)
