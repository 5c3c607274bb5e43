"""The report as one JSON array with an object per endpoint."""

from __future__ import annotations

import json

from tenantlint.report.inventory import Inventory


def render_json(inventory: Inventory) -> str:
    return json.dumps([row.to_json() for row in inventory.rows], indent=2, ensure_ascii=False) + "\n"
