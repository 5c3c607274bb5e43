"""The report as one self-contained HTML page, for audit evidence.

The page loads nothing: its style and its sorting script are inline, and a
Content-Security-Policy that names their sha256 hashes blocks every other
resource. Every value from the code or the configuration is escaped.

The inventory table sorts when a column header is clicked, and on load
when the URL has `?sort=KEY` (and `&order=desc`), where KEY is a column's
`data-key`. After sorting, the table's `data-sorted-by` and
`data-sort-order` attributes name the column and the order.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from tenantlint.report.inventory import Inventory, InventoryRow

# (key, header, type) of the inventory columns; the type chooses text or numeric sorting.
COLUMNS = (
    ("path", "File", "text"),
    ("line", "Line", "number"),
    ("function", "Function", "text"),
    ("methods", "Methods", "text"),
    ("route", "Route", "text"),
    ("full_route", "Full route", "text"),
    ("scope", "Scope", "text"),
    ("exempt", "Exempt", "text"),
    ("tenant", "Tenant dependency", "text"),
    ("propagation", "Propagation", "text"),
    ("findings", "Findings", "text"),
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th button { font: inherit; font-weight: bold; background: none; border: none; cursor: pointer; padding: 0; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.findings { color: #a40000; }
td.ok { color: #1d6b1d; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dt { font-weight: bold; }
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("inventory");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function cellValue(row, index, type) {
    var text = row.cells[index].textContent;
    return type === "number" ? Number(text) : text.toLowerCase();
  }

  function sortBy(key, descending) {
    var index = -1;
    var type = "text";

    headers.forEach(function (header, position) {
      if (header.getAttribute("data-key") === key) {
        index = position;
        type = header.getAttribute("data-type");
      }
    });
    if (index < 0) {
      return;
    }

    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, position) { row.setAttribute("data-position", String(position)); });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, type);
      var y = cellValue(b, index, type);
      if (x === y) {
        return Number(a.getAttribute("data-position")) - Number(b.getAttribute("data-position"));
      }
      var order = x < y ? -1 : 1;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });

    table.setAttribute("data-sorted-by", key);
    table.setAttribute("data-sort-order", descending ? "desc" : "asc");
    headers.forEach(function (header) {
      var sorted = header.getAttribute("data-key") === key;
      header.setAttribute("aria-sort", sorted ? (descending ? "descending" : "ascending") : "none");
    });
  }

  headers.forEach(function (header) {
    header.querySelector("button").addEventListener("click", function () {
      var key = header.getAttribute("data-key");
      var again = table.getAttribute("data-sorted-by") === key && table.getAttribute("data-sort-order") === "asc";
      sortBy(key, again);
    });
  });

  var parameters = new URLSearchParams(window.location.search);
  if (parameters.has("sort")) {
    sortBy(parameters.get("sort"), parameters.get("order") === "desc");
  }
})();
"""


def render_html(inventory: Inventory) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_policy()}">',
        "<title>Tenant isolation report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>Tenant isolation report</h1>",
        _metadata(inventory),
        "<h2>Coverage</h2>",
        _coverage(inventory),
        "<h2>Endpoints</h2>",
        _inventory(inventory),
        _notes(inventory),
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _policy() -> str:
    return (
        "default-src 'none'; "
        f"style-src '{_digest(STYLE)}'; "
        f"script-src '{_digest(SCRIPT)}'"
    )


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _metadata(inventory: Inventory) -> str:
    entries = (
        ("Generated", escape(inventory.generated)),
        ("tenantlint version", escape(inventory.version)),
        ("Configuration", escape(inventory.config_path or "defaults (no configuration file)")),
        ("Configuration digest", f"<code>sha256:{escape(inventory.config_digest)}</code>"),
        ("Endpoints", str(len(inventory.rows))),
        ("Unscoped endpoints", str(inventory.unscoped)),
    )
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in entries)
    return f'<dl id="metadata">{items}</dl>'


def _coverage(inventory: Inventory) -> str:
    header = "".join(f"<th>{name}</th>" for name in ("Priority", "Compliant", "In scope", "Coverage", "Exempt"))
    rows = []
    for line in inventory.coverage:
        values = (line.priority, str(line.compliant), str(line.in_scope), line.percent_text(), str(line.exempt))
        rows.append("<tr>" + "".join(f"<td>{escape(value)}</td>" for value in values) + "</tr>")
    return f'<table id="coverage"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _inventory(inventory: Inventory) -> str:
    headers = "".join(
        f'<th data-key="{key}" data-type="{kind}" aria-sort="none"><button type="button">{escape(title)}</button></th>'
        for key, title, kind in COLUMNS
    )
    rows = "\n".join(_row(row) for row in inventory.rows)
    return f'<table id="inventory">\n<thead><tr>{headers}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>'


def _row(row: InventoryRow) -> str:
    cells = (
        _cell(row.path),
        _cell(str(row.line)),
        _cell(row.function),
        _cell(", ".join(row.methods)),
        _cell(row.route if row.route is not None else "?"),
        _cell(row.full_route_label),
        _cell(row.scope_label),
        _cell(row.exempt or ""),
        _cell("yes" if row.tenant_dependency else "no"),
        _cell(row.propagation or ""),
        _cell(", ".join(row.findings) or "none", "findings" if row.findings else "ok"),
    )
    return f'<tr data-function="{escape(row.function)}">{"".join(cells)}</tr>'


def _cell(text: str, css_class: str | None = None) -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<td{attribute}>{escape(text)}</td>"


def _notes(inventory: Inventory) -> str:
    if not inventory.notes:
        return ""
    items = "".join(
        f"<li>{escape(f'{note.path}:{note.line}')}: {escape(note.code)} {escape(note.message)}</li>" for note in inventory.notes
    )
    return f'<h2>Other findings</h2><ul id="notes">{items}</ul>'
