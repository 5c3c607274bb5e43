"""Rule registry: one module per rule code, each with CODE, SUMMARY and a docstring."""

from __future__ import annotations

# Every rule code the contract defines, in the order `tenantlint rules` lists them.
ALL_CODES: tuple[str, ...] = (
    "TL101",
    "TL102",
    "TL103",
    "TL104",
    "TL201",
    "TL202",
    "TL301",
    "TL401",
    "TL402",
    "TL901",
    "TL902",
    "TL903",
)
