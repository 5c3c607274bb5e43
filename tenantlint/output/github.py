"""The `--format github` output: GitHub Actions workflow commands.

Each finding becomes one `::error` or `::warning` command, which GitHub
shows as an annotation on the file and line. The escaping follows the
`escapeData` and `escapeProperty` functions of GitHub's actions/toolkit
(package @actions/core): `%`, `\\r` and `\\n` everywhere, and also `:` and
`,` in property values. Lone surrogates, which a file name decoded with
`surrogateescape` can contain, become `?`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tenantlint.findings import Finding
from tenantlint.output import replace_surrogates, sorted_findings


def render_github(findings: Iterable[Finding]) -> str:
    """Render FINDINGS as workflow commands, one line each."""
    return "".join(_command(finding) + "\n" for finding in sorted_findings(findings))


def _command(finding: Finding) -> str:
    command = "error" if finding.enforced else "warning"
    properties = [("file", finding.path), ("line", str(finding.line)), ("col", str(finding.column))]
    if finding.end_line is not None:
        properties.append(("endLine", str(finding.end_line)))
    if finding.end_column is not None:
        properties.append(("endColumn", str(finding.end_column)))
    properties.append(("title", finding.code))

    rendered = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{command} {rendered}::{escape_data(finding.message)}"


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command."""
    value = replace_surrogates(value)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a `name=value` property of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
