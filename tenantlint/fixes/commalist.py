"""Insert an item into a comma-separated libcst list (parameters, arguments, import names, tuple elements) keeping its layout.

A one-line list stays on one line, and a list with one item per line gets the
new item on its own line with the same indentation. A trailing comma is kept
where the list had one and not added where it had none. A comment after an
item stays on that item's line, and comment lines above an item stay above it.
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


def _trailing_part(whitespace: cst.ParenthesizedWhitespace, indent: cst.SimpleWhitespace | None = None) -> cst.ParenthesizedWhitespace:
    """Return the end of the line WHITESPACE starts: its trailing comment, without the comment lines below it."""
    changes: dict[str, object] = {"empty_lines": []}
    if indent is not None:
        changes["last_line"] = indent
    return whitespace.with_changes(**changes)


def _leading_part(whitespace: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """Return WHITESPACE without its trailing comment: a line break, the comment lines, then the indentation."""
    return whitespace.with_changes(first_line=cst.TrailingWhitespace())


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
    if index == 0:
        return [new.with_changes(comma=cst.Comma(whitespace_after=between)), *items]
    previous = items[index - 1]
    comma = previous.comma  # type: ignore[attr-defined]
    before = _without_comment(comma.whitespace_before)
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        # Comment lines between two items describe the item below them, so the
        # new item goes above those lines and the previous item keeps its own
        # end-of-line comment.
        previous = previous.with_changes(comma=comma.with_changes(whitespace_after=_trailing_part(after)))
        new = new.with_changes(comma=cst.Comma(whitespace_before=before, whitespace_after=_leading_part(after)))
    else:
        new = new.with_changes(comma=cst.Comma(whitespace_before=before, whitespace_after=between))
    return [*items[: index - 1], previous, new, *items[index:]]


def _append(items: list[T], new: T, between) -> list[T]:
    last = items[-1]
    comma = last.comma  # type: ignore[attr-defined]
    if isinstance(comma, cst.Comma):
        return [*items[:-1], *_append_after_comma(last, comma, new, between)]
    attribute = _trailing_attribute(last)
    closing = getattr(last, attribute) if attribute is not None else None
    new_attribute = _trailing_attribute(new)
    new_changes: dict[str, object] = {"comma": cst.MaybeSentinel.DEFAULT}
    if isinstance(closing, cst.ParenthesizedWhitespace):
        # The closing bracket has a line of its own: the last item gets a comma
        # before its end-of-line comment and the new item a line of its own.
        indent = between.last_line if isinstance(between, cst.ParenthesizedWhitespace) else closing.last_line
        changes = {"comma": cst.Comma(whitespace_after=_trailing_part(closing, indent))}
        if new_attribute is not None:
            new_changes[new_attribute] = _leading_part(closing)
    else:
        changes = {"comma": cst.Comma(whitespace_after=between)}
        if new_attribute is not None and closing is not None:
            new_changes[new_attribute] = closing
    if attribute is not None:
        changes[attribute] = cst.SimpleWhitespace("")
    return [*items[:-1], last.with_changes(**changes), new.with_changes(**new_changes)]


def _append_after_comma(last: T, comma: cst.Comma, new: T, between) -> tuple[T, T]:
    """Append NEW after LAST, which already ends with a trailing COMMA."""
    closing = comma.whitespace_after
    before = _without_comment(comma.whitespace_before)
    if isinstance(closing, cst.ParenthesizedWhitespace):
        indent = between.last_line if isinstance(between, cst.ParenthesizedWhitespace) else closing.last_line
        last = last.with_changes(comma=comma.with_changes(whitespace_after=_trailing_part(closing, indent)))
        return last, new.with_changes(comma=cst.Comma(whitespace_before=before, whitespace_after=_leading_part(closing)))
    last = last.with_changes(comma=comma.with_changes(whitespace_after=between))
    return last, new.with_changes(comma=cst.Comma(whitespace_before=before, whitespace_after=closing))


def insert_below_opening(
    items: Sequence[T], index: int, new: T, opening: cst.BaseParenthesizableWhitespace
) -> tuple[list[T], cst.BaseParenthesizableWhitespace]:
    """Return ITEMS with NEW inserted at INDEX, and the whitespace after the opening bracket to use with them.

    Comment lines between the opening bracket and the first item describe that
    item, so a new first item goes below the bracket's own comment but above
    those lines.
    """
    if index == 0 and items and isinstance(opening, cst.ParenthesizedWhitespace) and opening.empty_lines:
        first = new.with_changes(comma=cst.Comma(whitespace_after=_leading_part(opening)))
        return [first, *items], _trailing_part(opening)
    return insert(items, index, new, opening), opening
