"""Log call carries a malformed or mismatched tenant prefix.

TL202 reports a log message that tries to carry the tenant prefix but
does not match `log-prefix`. One kind is a different spelling, such as
`[tenant: ...]`, `[Tenant {tenant_id}]` or `Tenant: ...` without brackets.
Others are a prefix that is not at the start of the message, a prefix
that interpolates something other than the tenant parameter, and a plain
string whose `{tenant_id}` placeholder is never filled in.

Why it matters: log searches and alerts look for the exact prefix. A line
with a near-miss prefix drops out of every per-tenant query, so it is
missing from incident reports and from the records handed to a customer.
A prefix with the wrong value is worse, because it attributes the line to
another tenant.

Wrong:

```python
logger.info("[Tenant: {tenant_id}] deleting invoice %s", invoice_id)
logger.info(f"[tenant={user.org}] deleting invoice {invoice_id}")
```

Right:

```python
logger.info("[Tenant: %s] deleting invoice %s", tenant_id, invoice_id)
logger.info(f"[Tenant: {tenant_id}] deleting invoice {invoice_id}")
```

Fix: `tenantlint fix` corrects one kind only: an f-string that starts
with a spelling of "tenant:" (`[tenant: `, `Tenant `, `[TENANT_ID=`)
directly followed by the tenant value, which becomes the configured prefix
with the rest of the message kept. Everything else is left alone, with the
reason: whether the author meant another value, another format or a
literal text is a judgment that a rewrite could get wrong, and a rewrite
could hide a line that logs the wrong tenant. Correct those by hand.

Suppress: `# tenantlint: ignore[TL202] reason` on the log call's line, or
on the endpoint's `def` line. The reason is required.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.rules._shared import log_statuses

CODE = "TL202"
NAME = "malformed-prefix"
SUMMARY = "log call carries a malformed or mismatched tenant prefix"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report log messages whose tenant prefix differs from the configured one."""
    prefix = ctx.config.log_prefix.replace("{tenant_id}", "{" + ctx.config.parameter + "}")
    for endpoint, call, tenant, status in log_statuses(ctx):
        if status != "malformed":
            continue
        message = (
            f"Log message carries a malformed or misplaced tenant prefix; start it with `{prefix}` "
            f"rendering `{tenant}`."
        )
        yield ctx.finding(CODE, endpoint, call.line, call.column, message, log_call=call, tenant=tenant)
