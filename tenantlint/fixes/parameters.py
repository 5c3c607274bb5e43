"""Add the tenant parameter to an endpoint signature where Python allows it."""

from __future__ import annotations

import libcst as cst

from tenantlint.fixes import commalist

# Sections of a libcst Parameters node, in signature order.
_SECTIONS = ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg")


def parse_param(text: str) -> cst.Param:
    """Build a Param node from source text such as `tenant_id: str = Depends(dep)`."""
    function = cst.parse_statement(f"def _({text}): pass")
    assert isinstance(function, cst.FunctionDef)
    return function.params.params[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _flatten(params: cst.Parameters) -> tuple[list[cst.CSTNode], dict[str, int]]:
    items: list[cst.CSTNode] = []
    counts: dict[str, int] = {}
    for section in _SECTIONS:
        value = getattr(params, section)
        nodes = list(value) if isinstance(value, (list, tuple)) else ([] if isinstance(value, cst.MaybeSentinel) or value is None else [value])
        counts[section] = len(nodes)
        items.extend(nodes)
    return items, counts


def _rebuild(params: cst.Parameters, items: list[cst.CSTNode], counts: dict[str, int]) -> cst.Parameters:
    changes: dict[str, object] = {}
    position = 0
    for section in _SECTIONS:
        nodes = items[position : position + counts[section]]
        position += counts[section]
        if section in ("posonly_params", "params", "kwonly_params"):
            changes[section] = nodes
        elif section == "star_kwarg":
            changes[section] = nodes[0] if nodes else None
        else:
            changes[section] = nodes[0] if nodes else cst.MaybeSentinel.DEFAULT
    return params.with_changes(**changes)


def insertion_section(params: cst.Parameters, has_default: bool) -> str | None:
    """Return the section the new parameter goes into, or None when none is valid.

    A parameter goes after the last positional parameter; with no positional
    parameter but a bare `*`, it becomes keyword-only. A parameter without a
    default cannot follow a positional parameter that has one, so it goes
    keyword-only when a keyword-only section exists.
    """
    positional = [*params.posonly_params, *params.params]
    positional_default = any(p.default is not None for p in positional)
    if not has_default and positional_default:
        return "kwonly_params" if isinstance(params.star_arg, (cst.ParamStar, cst.Param)) else None
    if not positional and isinstance(params.star_arg, cst.ParamStar):
        return "kwonly_params"
    return "params"


def add_parameter(function: cst.FunctionDef, new: cst.Param, section: str) -> cst.FunctionDef:
    """Return FUNCTION with NEW appended to SECTION of its signature."""
    params = function.params
    items, counts = _flatten(params)
    index = 0
    for name in _SECTIONS:
        index += counts[name]
        if name == section:
            break
    items, opening = commalist.insert_below_opening(items, index, new, function.whitespace_before_params)
    counts[section] += 1
    return function.with_changes(params=_rebuild(params, items, counts), whitespace_before_params=opening)
