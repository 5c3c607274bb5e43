"""Suppression comment without a reason, or one that suppresses nothing.

TL903 reports a `# tenantlint: ignore[...]` comment that gives no reason
after the code list, or that names no code or a code that does not exist.
It also reports each enabled code in the list that hides no finding on
the comment's line or in its endpoint.

Why it matters: a suppression is the record of an accepted risk, and an
auditor reads it as one. Without a reason there is no record. A
suppression that hides nothing today will hide a real finding on that line
tomorrow without anyone deciding to accept it.

Wrong:

```python
@router.get("/health")  # tenantlint: ignore[TL101]
def health():
    ...
```

Right:

```python
@router.get("/health")  # tenantlint: ignore[TL101] liveness probe, returns no tenant data
def health():
    ...
```

A suppression goes on the finding's line or on the `def` or a decorator
line of the finding's endpoint, and may list several codes, as in
`# tenantlint: ignore[TL201, TL301] reason`. Only codes that the run
checks are reported as unused, so `--select TL2` does not call a TL101
suppression unused.

Fix: none. Write the reason, correct the code, or delete the comment.

Suppress: TL903 cannot be suppressed by a comment. Disable it with
`--ignore TL903` or `ignore = ["TL903"]` in the configuration.
"""

from __future__ import annotations

CODE = "TL903"
NAME = "invalid-suppression"
SUMMARY = "suppression comment without a reason, or one that suppresses nothing"
