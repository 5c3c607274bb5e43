"""Inline suppression comments: `# tenantlint: ignore[TL101, TL201] reason`.

A suppression hides the findings of the listed codes on its own line. On a
decorator or `def` line of an endpoint it also hides the findings that
belong to that endpoint, wherever they are in it. Every suppression must give a reason, because the comment is the
audit record of why a tenant-isolation check was waived. Problems with the
comments themselves are TL903 findings, which no comment can hide.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tenantlint.findings import ERROR, Finding
from tenantlint.rules import ALL_CODES

SUPPRESSION_CODE = "TL903"

# The marker may follow other comment text, as in `# type: ignore  # tenantlint: ...`.
_MARKER = re.compile(r"tenantlint:\s*ignore\b(?P<rest>.*)", re.IGNORECASE)
_CODE_LIST = re.compile(r"\s*\[(?P<codes>[^\]]*)\](?P<reason>.*)")
# Separators people put between the code list and the reason: `]: reason`, `] - reason`.
_REASON_LEAD = " \t:-\u2013\u2014"


@dataclass(frozen=True)
class Suppression:
    """One `# tenantlint: ignore[...]` comment.

    `line` and `column` are 1-based and point at the `#`. `codes` is empty
    when the comment has no bracketed code list, and `reason` is empty when
    the comment gives none.
    """

    line: int
    codes: tuple[str, ...]
    reason: str
    column: int
    length: int = 0


@dataclass(frozen=True)
class SuppressionResult:
    """Findings left after applying the suppressions of one file.

    `used` pairs each hidden finding with the comment that hid it, for the
    audit listing. `problems` contains the TL903 findings about the comments.
    """

    kept: list[Finding]
    used: list[tuple[Finding, Suppression]]
    problems: list[Finding]


def parse_suppressions(source: str) -> list[Suppression]:
    """Parse every suppression comment in SOURCE, in line order.

    Comments are found with `tokenize`, so the marker inside a string or a
    docstring never counts. Source that cannot be tokenized yields no
    suppressions. Such source almost always fails to parse too, and TL902
    reports it.
    """
    if source.startswith("\ufeff"):
        source = source[1:]

    # newline="" splits on \n, \r\n and \r alike, as the Python tokenizer
    # does, and leaves the line endings in place.
    readline = io.StringIO(source, newline="").readline
    try:
        tokens = list(tokenize.generate_tokens(readline))
    except (tokenize.TokenError, SyntaxError):
        return []

    comments = [token for token in tokens if token.type == tokenize.COMMENT]
    suppressions = (_parse_comment(token) for token in comments)
    return [suppression for suppression in suppressions if suppression is not None]



def _parse_comment(token: tokenize.TokenInfo) -> Suppression | None:
    marker = _MARKER.search(token.string)
    if marker is None:
        return None

    line, column = token.start
    codes: tuple[str, ...] = ()
    reason = marker.group("rest")
    code_list = _CODE_LIST.match(reason)
    if code_list is not None:
        listed = code_list.group("codes").split(",")
        codes = tuple(code.strip() for code in listed if code.strip())
        reason = code_list.group("reason")

    reason = reason.strip().lstrip(_REASON_LEAD).strip()
    return Suppression(line, codes, reason, column + 1, len(token.string))


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: Sequence[Suppression],
    *,
    path: str,
    enabled_codes: frozenset[str],
) -> SuppressionResult:
    """Hide the findings that a suppression covers and check the suppressions.

    A suppression covers a finding when it lists the finding's code and sits
    on the finding's line or on one of `finding.extra["endpoint_lines"]`.
    A suppression without a reason still hides its findings, so that the
    TL903 finding about the missing reason is the only one left to fix.
    TL903 findings are reported only when TL903 is in ENABLED_CODES, and an
    unused code is reported only when that code is enabled, so that a run
    with `--select TL2` does not call a TL101 suppression unused.
    """
    by_line: dict[int, list[Suppression]] = {}
    for suppression in suppressions:
        by_line.setdefault(suppression.line, []).append(suppression)

    kept: list[Finding] = []
    used: list[tuple[Finding, Suppression]] = []
    matched: set[tuple[Suppression, str]] = set()
    for finding in findings:
        covering = _covering_suppressions(finding, by_line)
        matched.update((suppression, finding.code) for suppression in covering)
        if covering:
            used.append((finding, covering[0]))
        else:
            kept.append(finding)

    problems: list[Finding] = []
    if SUPPRESSION_CODE in enabled_codes:
        for suppression in suppressions:
            problems.extend(_check_suppression(suppression, path, matched, enabled_codes))
    return SuppressionResult(kept, used, problems)


def _covering_suppressions(
    finding: Finding, by_line: dict[int, list[Suppression]]
) -> list[Suppression]:
    """Return the suppressions that cover FINDING, the one on its own line first."""
    if finding.code == SUPPRESSION_CODE:
        return []

    lines = [finding.line]
    lines.extend(line for line in finding.extra.get("endpoint_lines", ()) if line != finding.line)
    return [
        suppression
        for line in lines
        for suppression in by_line.get(line, ())
        if finding.code in suppression.codes
    ]


def _check_suppression(
    suppression: Suppression,
    path: str,
    matched: set[tuple[Suppression, str]],
    enabled_codes: frozenset[str],
) -> list[Finding]:
    if not suppression.codes:
        message = (
            "Suppression comment names no rule code, so list the codes to hide,"
            " as in `# tenantlint: ignore[TL201] reason`."
        )
        return [_problem(suppression, path, message)]

    problems: list[Finding] = []
    if not suppression.reason:
        listed = ", ".join(suppression.codes)
        message = f"Suppression of `{listed}` gives no reason, so add one after the `]`."
        problems.append(_problem(suppression, path, message))

    for code in suppression.codes:
        message = _code_problem(suppression, code, matched, enabled_codes)
        if message:
            problems.append(_problem(suppression, path, message))
    return problems


def _code_problem(
    suppression: Suppression,
    code: str,
    matched: set[tuple[Suppression, str]],
    enabled_codes: frozenset[str],
) -> str:
    """Return the message about one listed code, or "" when the code is fine."""
    if code not in ALL_CODES:
        return (
            f"Suppression names unknown rule code `{code}`,"
            " so remove it or use a code that `tenantlint rules` lists."
        )
    if code == SUPPRESSION_CODE:
        return (
            f"`{code}` cannot be suppressed by a comment, so remove it"
            f" and fix the comment or disable the rule with `--ignore {code}`."
        )
    if code in enabled_codes and (suppression, code) not in matched:
        return (
            f"Suppression of `{code}` matches no finding on this line or its endpoint,"
            f" so remove `{code}` from the comment."
        )
    return ""


def _problem(suppression: Suppression, path: str, message: str) -> Finding:
    return Finding(
        code=SUPPRESSION_CODE,
        path=path,
        line=suppression.line,
        column=suppression.column,
        message=message,
        severity=ERROR,
        end_line=suppression.line,
        end_column=suppression.column + suppression.length,
    )
