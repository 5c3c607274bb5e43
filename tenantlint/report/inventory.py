"""The endpoint inventory behind `tenantlint report`: one row per endpoint and coverage per priority.

The rows come from the run's per-file route summaries, the route facts
that project analysis attached, and the findings left after suppressions.
Each output format renders the same `Inventory`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenantlint import __version__
from tenantlint.config import Config
from tenantlint.findings import Finding
from tenantlint.project import EndpointFacts
from tenantlint.scope import EndpointRef, classify
from tenantlint.summary import EndpointSummary

FORMATS = ("text", "json", "markdown", "html")
ALL_ENDPOINTS = "all"


@dataclass(frozen=True)
class InventoryRow:
    """One endpoint with its route, scope and tenant-isolation status.

    `priority` is None for an unscoped endpoint and for every endpoint when
    the configuration has no scope table, and `in_scope` distinguishes them.
    `full_routes` lists every `METHOD /path` that an application serves the
    endpoint under. `propagation` is the TL301 status: "passed",
    "logs-only", "unused", "scoped" (a tenant-scoped dependency) or None
    without a tenant.
    """

    path: str
    line: int
    function: str
    methods: tuple[str, ...]
    route: str | None
    full_route: str | None
    full_routes: tuple[str, ...]
    mounted: bool
    router: str | None
    priority: str | None
    in_scope: bool
    exempt: str | None
    tenant_dependency: bool
    propagation: str | None
    findings: tuple[str, ...]
    suppressed: tuple[str, ...]

    @property
    def compliant(self) -> bool:
        return not self.findings

    @property
    def full_route_label(self) -> str:
        """Return the full route, or why there is none: "(not mounted)" or "(unresolved)"."""
        if self.full_route is not None:
            return self.full_route
        return "(unresolved)" if self.mounted else "(not mounted)"

    @property
    def scope_label(self) -> str:
        if not self.in_scope:
            return "unscoped"
        return self.priority or ALL_ENDPOINTS

    def to_json(self) -> dict[str, Any]:
        """Return the report's JSON object: the contract's keys first, then extra keys."""
        return {
            "path": self.path,
            "line": self.line,
            "function": self.function,
            "methods": list(self.methods),
            "route": self.route,
            "full_route": self.full_route,
            "priority": self.priority,
            "exempt": self.exempt,
            "tenant_dependency": self.tenant_dependency,
            "findings": list(self.findings),
            "in_scope": self.in_scope,
            "mounted": self.mounted,
            "full_routes": list(self.full_routes),
            "router": self.router,
            "propagation": self.propagation,
            "suppressed": list(self.suppressed),
        }


@dataclass(frozen=True)
class Coverage:
    """Compliant endpoints among the in-scope, non-exempt endpoints of one priority."""

    priority: str
    in_scope: int
    compliant: int
    exempt: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.compliant / self.in_scope if self.in_scope else None

    def percent_text(self) -> str:
        percent = self.percent
        return "n/a" if percent is None else f"{percent:.1f}%"


@dataclass(frozen=True)
class Inventory:
    """Everything a report shows, independent of its format."""

    rows: tuple[InventoryRow, ...]
    coverage: tuple[Coverage, ...]
    unscoped: int
    notes: tuple[Finding, ...]
    generated: str
    version: str
    config_digest: str
    config_path: str | None


def render_report(fmt: str, config: Config, cwd: Path, result: Any, color: bool = False) -> str:
    """Render the inventory of RESULT (a `runner.RunResult`) in FMT, one of FORMATS."""
    inventory = build_inventory(config, cwd, result)
    if fmt == "json":
        from tenantlint.report.json_format import render_json

        return render_json(inventory)
    if fmt == "markdown":
        from tenantlint.report.markdown import render_markdown

        return render_markdown(inventory)
    if fmt == "html":
        from tenantlint.report.html import render_html

        return render_html(inventory)
    if fmt == "text":
        from tenantlint.report.text import render_text

        return render_text(inventory, color=color)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def build_inventory(config: Config, cwd: Path, result: Any) -> Inventory:
    rows = sorted(
        (row for file_result in result.files for row in file_rows(config, file_result)),
        key=lambda row: (row.path, row.line, row.function),
    )
    file_notes = [f for r in result.files for f in r.findings if f.code == "TL902"]
    return Inventory(
        rows=tuple(rows),
        coverage=tuple(coverage(config, rows)),
        unscoped=sum(1 for row in rows if not row.in_scope),
        notes=tuple([*file_notes, *result.project_findings]),
        generated=generated_time(),
        version=__version__,
        config_digest=config.digest,
        config_path=_config_display(config, cwd),
    )


def file_rows(config: Config, file_result: Any) -> Iterable[InventoryRow]:
    """Yield the rows of one file's endpoints."""
    summary = file_result.summary
    if summary is None:
        return
    facts = file_result.routes.endpoints if file_result.routes is not None else {}
    found = _codes_by_endpoint(file_result.findings)
    suppressed = _codes_by_endpoint([f for f, _ in file_result.suppressed])
    for endpoint in summary.endpoints:
        own = facts.get(endpoint.key)
        full_route = own.full_route if own is not None else None
        yield _row(config, file_result, summary.path, endpoint, own, full_route, found, suppressed)


def _row(
    config: Config,
    file_result: Any,
    path: str,
    endpoint: EndpointSummary,
    own: EndpointFacts | None,
    full_route: str | None,
    found: dict[str, list[str]],
    suppressed: dict[str, list[str]],
) -> InventoryRow:
    ref = EndpointRef(Path(path).resolve(), endpoint.function, endpoint.methods, endpoint.path, full_route)
    classification = classify(config, ref)
    return InventoryRow(
        path=file_result.display,
        line=endpoint.line,
        function=endpoint.function,
        methods=endpoint.methods,
        route=endpoint.path,
        full_route=full_route,
        full_routes=own.full_routes if own is not None else (),
        mounted=bool(own is not None and own.mounted),
        router=endpoint.router,
        priority=classification.priority,
        in_scope=classification.in_scope,
        exempt=classification.exempt_reason,
        tenant_dependency=endpoint.tenant is not None,
        propagation=endpoint.propagation,
        findings=tuple(sorted(set(found.get(endpoint.key, ())))),
        suppressed=tuple(sorted(set(suppressed.get(endpoint.key, ())))),
    )


def _codes_by_endpoint(findings: Iterable[Finding]) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for finding in findings:
        key = finding.extra.get("endpoint_key")
        if key is not None:
            codes.setdefault(key, []).append(finding.code)
    return codes


def coverage(config: Config, rows: list[InventoryRow]) -> list[Coverage]:
    """Return coverage per priority in the scope's order, or one line for every endpoint without a scope."""
    priorities = [name for name, _selectors in config.scope] or [ALL_ENDPOINTS]
    lines = []
    for priority in priorities:
        members = [row for row in rows if row.in_scope and (row.priority or ALL_ENDPOINTS) == priority]
        checked = [row for row in members if row.exempt is None]
        compliant = sum(1 for row in checked if row.compliant)
        lines.append(Coverage(priority, len(checked), compliant, len(members) - len(checked)))
    return lines


def generated_time() -> str:
    """Return the UTC time of the report, or SOURCE_DATE_EPOCH when set, for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.timezone.utc)
    )
    return moment.isoformat(timespec="seconds")


def _config_display(config: Config, cwd: Path) -> str | None:
    if config.path is None:
        return None
    from tenantlint.discovery import relative_display_path

    return relative_display_path(Path(config.path), cwd)
