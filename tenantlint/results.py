"""Turn per-file results into plain data and back, for the result cache and worker processes.

Only facts that outlive the syntax tree are kept: findings (with the
endpoint key and lines that suppressions and the route pass need), notes,
suppressions used, and the route summary. A finding's libcst nodes, which
only `fix` needs within one process, are dropped.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tenantlint.api import FileResult
from tenantlint.findings import FileError, Finding

# `Finding.extra` keys that are plain data and meaningful outside the process that built them.
PORTABLE_EXTRA = ("endpoint_lines", "endpoint_key")


def lean_finding(finding: Finding) -> Finding:
    """Return FINDING without the libcst objects in `extra`."""
    extra = {key: finding.extra[key] for key in PORTABLE_EXTRA if key in finding.extra}
    return dataclasses.replace(finding, extra=extra)


def lean_result(result: FileResult) -> FileResult:
    """Return RESULT with lean findings, ready to be pickled or cached."""
    return dataclasses.replace(
        result,
        findings=[lean_finding(f) for f in result.findings],
        findings_before_fix=[lean_finding(f) for f in result.findings_before_fix],
        suppressed=[(lean_finding(f), suppression) for f, suppression in result.suppressed],
    )


def finding_payload(finding: Finding) -> dict[str, Any]:
    data = finding.to_json()
    data["extra"] = {key: finding.extra[key] for key in PORTABLE_EXTRA if key in finding.extra}
    return data


def finding_from_payload(data: dict[str, Any]) -> Finding:
    extra = dict(data.get("extra") or {})
    if "endpoint_lines" in extra:
        extra["endpoint_lines"] = tuple(extra["endpoint_lines"])
    fields = {key: value for key, value in data.items() if key != "extra"}
    return Finding(**fields, extra=extra)


def result_payload(result: FileResult, stamps: list) -> dict[str, Any]:
    """Return the cacheable facts of a first-pass check result."""
    return {
        "findings": [finding_payload(f) for f in result.findings],
        "errors": [[error.path, error.message] for error in result.errors],
        "notes": list(result.notes),
        "suppressed": [[finding_payload(f), dataclasses.asdict(s)] for f, s in result.suppressed],
        "summary": result.summary.to_json() if result.summary is not None else None,
        "consulted": [list(entry) for entry in stamps],
    }


def result_from_payload(path: Path, display: str, data: bytes, payload: dict[str, Any]) -> FileResult:
    from tenantlint.suppressions import Suppression
    from tenantlint.summary import ModuleSummary

    suppressed = []
    for finding, suppression in payload["suppressed"]:
        suppression["codes"] = tuple(suppression["codes"])
        suppressed.append((finding_from_payload(finding), Suppression(**suppression)))
    summary = payload.get("summary")
    return FileResult(
        path,
        display,
        findings=[finding_from_payload(f) for f in payload["findings"]],
        errors=[FileError(*error) for error in payload["errors"]],
        original=data,
        notes=list(payload["notes"]),
        suppressed=suppressed,
        summary=ModuleSummary.from_json(summary) if summary is not None else None,
    )
