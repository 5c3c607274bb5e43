"""Log call in an endpoint lacks the tenant prefix.

TL201 reports a logging call inside an endpoint whose message does not
start with the tenant prefix, `[Tenant: {tenant_id}]` by default (the
`log-prefix` key changes it). It recognises the standard library's
`logging`, loguru and structlog loggers.

Why it matters: during an incident, the first question is which tenants
were affected, and the logs must answer it line by line. A log line
without its tenant cannot be attributed, cannot be handed to the one
customer who requests their records, and leaves a gap in the audit trail
that SOC 2 monitoring controls rely on.

Wrong:

```python
logger.info(f"exporting report {report_id}")
```

Right:

```python
logger.info(f"[Tenant: {tenant_id}] exporting report {report_id}")
```

Fix: `tenantlint fix` adds the prefix in the form of the message. An
f-string gets the prefix as text. A message that the logging library
formats itself gets a placeholder and the tenant as its first argument:
`logger.info("[Tenant: %s] exporting %s", tenant_id, report_id)` for the
standard library, `{}` for loguru. It never puts an f-string prefix into
such a template, because a `%` or `{` inside the tenant value would break
the record. A structlog call gets a bound `tenant_id=` key instead (the
`structlog-style` key chooses). The fix leaves a call alone, and states
why, when it cannot rewrite the message safely, and when the endpoint has
no tenant parameter to reference. TL101 reports the endpoint in that
case.

Suppress: `# tenantlint: ignore[TL201] reason` on the log call's line, or
on the endpoint's `def` line to cover every log call in the endpoint. The
reason is required, for example a message that already names the tenant
in a structured field.
"""

from __future__ import annotations

from typing import Iterator

from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.rules._shared import log_statuses

CODE = "TL201"
NAME = "log-without-prefix"
SUMMARY = "log call in an endpoint lacks the tenant prefix"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report log calls in endpoints whose message does not start with the tenant prefix."""
    prefix = ctx.config.log_prefix
    for endpoint, call, tenant, status in log_statuses(ctx):
        if status != "missing":
            continue
        if call.library == "structlog" and ctx.config.structlog_style == "key":
            message = f"Log event carries no `{ctx.config.parameter}` key; bind or pass `{ctx.config.parameter}={tenant}`."
        else:
            message = f"Log message does not start with the tenant prefix `{prefix}`; add it in front of the message."
        yield ctx.finding(CODE, endpoint, call.line, call.column, message, log_call=call, tenant=tenant)
