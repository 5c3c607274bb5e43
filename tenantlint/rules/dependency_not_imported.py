"""Tenant dependency referenced but never imported or defined in the module.

TL104 reports a module that uses the tenant dependency, as in
`Depends(get_current_tenant_id)`, without importing or defining it, and a
module that imports it only inside `if TYPE_CHECKING:`, which never runs.

Why it matters: the `Depends(...)` default is evaluated when the function
is defined, so the module raises `NameError` on import and the service
does not start. When the name only appears in a string annotation,
FastAPI fails when it resolves the annotation at route registration.
Either way the module never loads, and the failure shows up at deploy
time rather than in review.

Wrong:

```python
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.deps import get_current_tenant_id


@router.get("/orders")
async def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Right:

```python
from app.deps import get_current_tenant_id


@router.get("/orders")
async def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Fix: `tenantlint fix` adds a runtime import of the dependency after the
module's last top-level import and leaves the rest of the header (a
shebang, a coding line, the docstring, `from __future__` imports) as it
was.

Suppress: `# tenantlint: ignore[TL104] reason` on the finding's line. The
reason is required. A name that another mechanism provides at run time,
such as a star import, is the usual one.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding

CODE = "TL104"
NAME = "dependency-not-imported"
SUMMARY = "tenant dependency referenced but never imported or defined in the module"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report uses of the dependency that nothing imports at runtime."""
    model, config = ctx.model, ctx.config
    bindings = model.bindings
    where = f" from `{config.dependency_module}`" if config.dependency_module else ""
    if model.type_checking_dependency_line is not None:
        message = (
            f"`{config.dependency}` is imported only under `TYPE_CHECKING`, so it does not exist at runtime; "
            f"import it{where} at module level."
        )
        yield ctx.finding(CODE, None, model.type_checking_dependency_line, 1, message)
        return
    name = config.dependency
    bound = name in bindings.imports or name in bindings.functions or name in bindings.assigned
    if bound:
        return
    for line, column in model.dependency_references:
        message = f"`{name}` is used but never imported or defined in this module; import it{where}."
        yield ctx.finding(CODE, None, line, column, message)
        return
