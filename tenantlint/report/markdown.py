"""The report as GitHub-flavoured Markdown: a header, the coverage table and the inventory table."""

from __future__ import annotations

from tenantlint.report.inventory import Inventory, InventoryRow

INVENTORY_COLUMNS = (
    "File",
    "Function",
    "Methods",
    "Route",
    "Full route",
    "Scope",
    "Exempt",
    "Tenant",
    "Propagation",
    "Findings",
)


def render_markdown(inventory: Inventory) -> str:
    lines = [
        "# Tenant isolation report",
        "",
        f"- Generated: {inventory.generated}",
        f"- tenantlint: {inventory.version}",
        f"- Configuration: {code(inventory.config_path) if inventory.config_path else 'defaults'} (sha256 `{inventory.config_digest}`)",
        f"- Endpoints: {len(inventory.rows)}, unscoped: {inventory.unscoped}",
        "",
        "## Coverage",
        "",
        "| Priority | Compliant | In scope | Coverage | Exempt |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for line in inventory.coverage:
        lines.append(f"| {cell(line.priority)} | {line.compliant} | {line.in_scope} | {line.percent_text()} | {line.exempt} |")
    lines += ["", "## Endpoints", "", _row(INVENTORY_COLUMNS), _row(("---",) * len(INVENTORY_COLUMNS))]
    lines.extend(_row(_cells(row)) for row in inventory.rows)
    if inventory.notes:
        lines += ["", "## Other findings", ""]
        lines.extend(f"- {code(f'{note.path}:{note.line}')}: {note.code} {cell(note.message)}" for note in inventory.notes)
    return "\n".join(lines) + "\n"


def _cells(row: InventoryRow) -> tuple[str, ...]:
    return (
        code(f"{row.path}:{row.line}"),
        code(row.function),
        ", ".join(row.methods),
        code(row.route) if row.route is not None else "?",
        code(row.full_route) if row.full_route is not None else row.full_route_label,
        row.scope_label,
        cell(row.exempt or ""),
        "yes" if row.tenant_dependency else "no",
        row.propagation or "",
        ", ".join(row.findings) or "none",
    )


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def cell(text: str) -> str:
    """Escape TEXT for a table cell: pipes, backslashes, markup characters and line breaks."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    for character in "*_[]<>`#":
        escaped = escaped.replace(character, "\\" + character)
    return escaped.replace("\r", " ").replace("\n", " ")


def code(text: str) -> str:
    """Render TEXT as inline code, with a fence longer than any backtick run inside it."""
    text = text.replace("|", "\\|").replace("\n", " ")
    fence = "`" * (_longest_run(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _longest_run(text: str) -> int:
    longest = current = 0
    for character in text:
        current = current + 1 if character == "`" else 0
        longest = max(longest, current)
    return longest
