"""Scope entry in the configuration matches no endpoint.

TL901 reports a selector in `[tool.tenantlint.scope]` or
`[tool.tenantlint.exempt]` that matches no endpoint in the checked code.
The finding points at the configuration file.

Why it matters: the scope table decides which endpoints are checked and
enforced, and it is part of the audit evidence. A selector with a typo,
or one left behind after a file or route was renamed, means the endpoint
it was written for is unscoped or no longer exempt without anyone
noticing. The configuration then records a control that does not exist.

Wrong:

```toml
[tool.tenantlint.scope]
P0 = ["**/routers/billing.py", "GET /invoice/{id}"]  # the route is /invoices/{id}
```

Right:

```toml
[tool.tenantlint.scope]
P0 = ["**/routers/billing.py", "GET /invoices/{id}"]
```

Fix: none. Correct the selector or delete it.

Suppress: a comment in the configuration file does not suppress it. When
a run checks only part of the code base, so that some entries cannot
match, disable the rule for that run with `--ignore TL901`.
"""

from __future__ import annotations

CODE = "TL901"
NAME = "stale-scope-entry"
SUMMARY = "scope entry in the configuration matches no endpoint"
