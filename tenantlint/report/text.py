"""The report for people: one rich table per router, then coverage per priority."""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tenantlint.report.inventory import Inventory, InventoryRow

# Tables are rendered into a string, so the width is fixed rather than
# taken from a terminal.
WIDTH = 160
NO_ROUTER = "(router not resolved)"


def render_text(inventory: Inventory, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for router, rows in groupby(sorted(inventory.rows, key=_group_key), key=lambda row: row.router or NO_ROUTER):
        console.print(_router_table(router, list(rows)))
    console.print(_coverage_table(inventory))
    for note in inventory.notes:
        console.print(Text(f"{note.path}:{note.line}: {note.code} {note.message}"))
    config = inventory.config_path or "default configuration"
    console.print(
        Text(f"tenantlint {inventory.version}, {config} (sha256 {inventory.config_digest[:12]}), generated {inventory.generated}")
    )
    return buffer.getvalue()


def _group_key(row: InventoryRow) -> tuple[str, str, int]:
    return (row.router or NO_ROUTER, row.path, row.line)


def _router_table(router: str, rows: list[InventoryRow]) -> Table:
    table = Table(title=router, title_justify="left", expand=False)
    for column in ("Endpoint", "Methods", "Full route", "Scope", "Tenant", "Propagation", "Findings"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            f"{row.path}:{row.line} {row.function}",
            ", ".join(row.methods),
            _full_route(row),
            row.scope_label + (f" (exempt: {row.exempt})" if row.exempt else ""),
            "yes" if row.tenant_dependency else "no",
            row.propagation or "-",
            Text(", ".join(row.findings) or "ok", style="red" if row.findings else "green"),
        )
    return table


def _full_route(row: InventoryRow) -> str:
    if row.full_route is not None:
        return row.full_route
    declared = row.route if row.route is not None else "?"
    return f"{declared} {row.full_route_label}"


def _coverage_table(inventory: Inventory) -> Table:
    table = Table(title="Coverage", title_justify="left")
    for column in ("Priority", "Compliant", "In scope", "Coverage", "Exempt"):
        table.add_column(column, justify="left" if column == "Priority" else "right")
    for line in inventory.coverage:
        table.add_row(line.priority, str(line.compliant), str(line.in_scope), line.percent_text(), str(line.exempt))
    if inventory.unscoped:
        table.add_row("unscoped", "-", str(inventory.unscoped), "-", "-")
    return table
