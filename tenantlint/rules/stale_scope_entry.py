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

import re
from collections.abc import Iterable
from pathlib import Path

from tenantlint.config import Config
from tenantlint.discovery import relative_display_path
from tenantlint.findings import ERROR, Finding
from tenantlint.scope import EndpointRef, unmatched_selectors

CODE = "TL901"
NAME = "stale-scope-entry"
SUMMARY = "scope entry in the configuration matches no endpoint"

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def check_project(config: Config, cwd: Path, refs: Iterable[EndpointRef]) -> list[Finding]:
    """Return a finding for every scope or exempt selector that matches none of REFS."""
    if config.path is None:
        return []
    lines = _config_lines(Path(config.path))
    display = relative_display_path(Path(config.path), cwd)
    findings = []
    for table, selector in unmatched_selectors(config, refs):
        line, column = locate(lines, table, selector)
        findings.append(Finding(CODE, display, line, column, _message(config, table, selector), severity=ERROR))
    return findings


def _message(config: Config, table: str, selector: str) -> str:
    if table == "exempt":
        return f"Exempt entry `{selector}` matches no endpoint; correct the selector or remove it."
    priority = next((name for name, selectors in config.scope if selector in selectors), "?")
    return f"Scope entry `{selector}` under `{priority}` matches no endpoint; correct the selector or remove it."


def _config_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def locate(lines: list[str], table: str, selector: str) -> tuple[int, int]:
    """Return the 1-based (line, column) of SELECTOR as a TOML string in TABLE, else its first occurrence, else (1, 1)."""
    quoted = [f'"{selector}"', f"'{selector}'"]
    fallback = None
    section = ""
    for number, text in enumerate(lines, start=1):
        header = _HEADER.match(text)
        if header is not None:
            section = header.group(1).replace(" ", "").replace('"', "")
            continue
        column = min((text.find(q) for q in quoted if q in text), default=-1)
        if column < 0:
            continue
        if section in (table, f"tool.tenantlint.{table}"):
            return number, column + 1
        fallback = fallback or (number, column + 1)
    return fallback or (1, 1)
