"""The `--format json` output: one JSON array of findings."""

from __future__ import annotations

from collections.abc import Iterable

from tenantlint.findings import Finding
from tenantlint.output import dump_json, sorted_findings


def render_json(findings: Iterable[Finding]) -> str:
    """Render FINDINGS as one JSON array of `Finding.to_json()` objects, sorted."""
    document = [finding.to_json() for finding in sorted_findings(findings)]
    return dump_json(document)
