"""Insert an item into a comma-separated libcst list (parameters, arguments, import names, tuple elements) keeping its layout.

A one-line list stays on one line; a list with one item per line gets the new
item on its own line with the same indentation; a trailing comma is kept
where the list had one and not added where it had none; a comment after an
item stays with that item.
"""

from __future__ import annotations

from typing import Sequence, TypeVar

import libcst as cst

T = TypeVar("T", bound=cst.CSTNode)

# Attribute holding the whitespace between an item and its comma (or the closing bracket).
_TRAILING = ("whitespace_after_param", "whitespace_after_arg", "whitespace_after")


def _trailing_attribute(node: cst.CSTNode) -> str | None:
    return next((name for name in _TRAILING if hasattr(node, name)), None)


def _without_comment(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return whitespace


def separator(items: Sequence[cst.CSTNode], opening: cst.BaseParenthesizableWhitespace | None) -> cst.BaseParenthesizableWhitespace:
    """Return the whitespace that follows a comma between two items of this list."""
    for item in items[:-1]:
        comma = getattr(item, "comma", None)
        if isinstance(comma, cst.Comma):
            return _without_comment(comma.whitespace_after)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return _without_comment(opening)
    return cst.SimpleWhitespace(" ")


def insert(items: Sequence[T], index: int, new: T, opening: cst.BaseParenthesizableWhitespace | None = None) -> list[T]:
    """Return ITEMS with NEW inserted at INDEX, laid out like its neighbours."""
    items = list(items)
    between = separator(items, opening)
    if index < len(items):
        return _insert_before(items, index, new, between)
    if not items:
        return [new]
    return _append(items, new, between)


def _insert_before(items: list[T], index: int, new: T, between) -> list[T]:
    comma = cst.Comma(whitespace_after=between)
    if index > 0:
        previous = items[index - 1].comma  # type: ignore[attr-defined]
        if isinstance(previous, cst.Comma):
            comma = cst.Comma(whitespace_before=previous.whitespace_before, whitespace_after=between)
    return [*items[:index], new.with_changes(comma=comma), *items[index:]]


def _append(items: list[T], new: T, between) -> list[T]:
    last = items[-1]
    attribute = _trailing_attribute(last)
    comma = last.comma  # type: ignore[attr-defined]
    if isinstance(comma, cst.Comma):
        closing = comma.whitespace_after
        if isinstance(closing, cst.ParenthesizedWhitespace):
            indent = between.last_line if isinstance(between, cst.ParenthesizedWhitespace) else closing.last_line
            last = last.with_changes(comma=comma.with_changes(whitespace_after=closing.with_changes(last_line=indent)))
            new = new.with_changes(comma=cst.Comma(whitespace_before=comma.whitespace_before, whitespace_after=_without_comment(closing)))
        else:
            last = last.with_changes(comma=comma.with_changes(whitespace_after=between))
            new = new.with_changes(comma=cst.Comma(whitespace_before=comma.whitespace_before, whitespace_after=closing))
        return [*items[:-1], last, new]
    changes: dict[str, object] = {"comma": cst.Comma(whitespace_after=between)}
    new_changes: dict[str, object] = {"comma": cst.MaybeSentinel.DEFAULT}
    if attribute is not None:
        changes[attribute] = cst.SimpleWhitespace("")
        if hasattr(new, attribute):
            new_changes[attribute] = getattr(last, attribute)
    return [*items[:-1], last.with_changes(**changes), new.with_changes(**new_changes)]
