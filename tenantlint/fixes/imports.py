"""Add `from MODULE import NAME` to a module, merging into an existing import of MODULE."""

from __future__ import annotations

import sys

import libcst as cst

from tenantlint.fixes import commalist


def _module_text(node: cst.ImportFrom) -> str:
    module = cst.Module([]).code_for_node(node.module) if node.module is not None else ""
    return "." * len(node.relative) + module


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(part, (cst.Import, cst.ImportFrom)) for part in statement.body
    )


def _category(module: str, project_names: frozenset[str]) -> str:
    """Return the import block a module belongs to: "stdlib", "third-party" or "first-party"."""
    top = module.split(".", 1)[0]
    if not top or top in project_names:
        return "first-party"
    return "stdlib" if top in sys.stdlib_module_names else "third-party"


def _imported_module(statement: cst.SimpleStatementLine) -> str:
    part = statement.body[0]
    if isinstance(part, cst.ImportFrom):
        return _module_text(part)
    assert isinstance(part, cst.Import)
    return cst.Module([]).code_for_node(part.names[0].name)


def insertion_index(module: cst.Module, source: str = "", project_names: frozenset[str] = frozenset()) -> int:
    """Return where a new import of SOURCE goes.

    A first-party module goes after the last top-level first-party import
    before the first definition; anything else, or a first-party module in a
    file without one, goes after the last top-level import. With no import, the new line goes after
    the module docstring, so never above it nor above `from __future__`.
    """
    last = None
    last_of_kind = None
    kind = _category(source, project_names)
    for index, statement in enumerate(module.body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if _is_import_line(statement):
            last = index
            if _category(_imported_module(statement), project_names) == kind:
                last_of_kind = index
    if last_of_kind is not None and kind == "first-party":
        return last_of_kind + 1
    if last is not None:
        return last + 1
    if module.body and _is_docstring(module.body[0]):
        return 1
    return 0


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _first_definition(module: cst.Module) -> int:
    """Return the index of the first top-level function or class, or the number of statements when there is none."""
    for index, statement in enumerate(module.body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return index
    return len(module.body)


def _append_name(part: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    """Return PART with ALIAS as its last imported name."""
    names = list(part.names)  # type: ignore[arg-type]
    opening = part.lpar.whitespace_after if part.lpar is not None else None
    closing = part.rpar.whitespace_before if part.rpar is not None else None
    if not isinstance(closing, cst.ParenthesizedWhitespace) or isinstance(names[-1].comma, cst.Comma):
        return part.with_changes(names=commalist.insert(names, len(names), alias, opening))
    # Without a trailing comma, the last name's end-of-line comment is stored
    # before the closing bracket. It moves behind the comma the last name
    # gets, so that it stays on that name's line.
    between = commalist.separator(names, opening)
    indent = between.last_line if isinstance(between, cst.ParenthesizedWhitespace) else closing.last_line
    names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=closing.with_changes(empty_lines=[], last_line=indent)))
    rpar = part.rpar.with_changes(whitespace_before=closing.with_changes(first_line=cst.TrailingWhitespace()))  # type: ignore[union-attr]
    return part.with_changes(names=[*names, alias], rpar=rpar)


def add_from_import(module: cst.Module, source: str, name: str, project_names: frozenset[str] = frozenset()) -> cst.Module:
    """Return MODULE with NAME importable from SOURCE at runtime.

    NAME joins an import of SOURCE only above the first function or class:
    a parameter default runs when its `def` runs, so an import further down
    would come too late for the functions above it.
    """
    for index, statement in enumerate(module.body[: _first_definition(module)]):
        if not _is_import_line(statement):
            continue
        for position, part in enumerate(statement.body):
            if isinstance(part, cst.ImportFrom) and _module_text(part) == source and not isinstance(part.names, cst.ImportStar):
                body = list(statement.body)
                body[position] = _append_name(part, cst.ImportAlias(name=cst.Name(name)))
                new_statement = statement.with_changes(body=body)
                return module.with_changes(body=[*module.body[:index], new_statement, *module.body[index + 1 :]])
    new_line = cst.parse_statement(f"from {source} import {name}\n")
    index = insertion_index(module, source, project_names)
    return module.with_changes(body=[*module.body[:index], new_line, *module.body[index:]])
