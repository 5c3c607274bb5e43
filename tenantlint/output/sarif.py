"""The `--format sarif` output: SARIF 2.1.0 for code-scanning upload.

The log has one run. Its driver lists every rule, with the explanation that
`tenantlint explain` prints as help text. Result paths are relative to the
`%SRCROOT%` base, which is the current folder of the run. Each result
carries a partial fingerprint that does not contain the line number, so a
code-scanning service can track a finding across edits that move it.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from tenantlint.findings import Finding
from tenantlint.output import dump_json, sorted_findings
from tenantlint.rules import ALL_CODES, rule_info

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
)
TOOL_NAME = "tenantlint"
# TODO: point at the project's home page once it has one; the package index page is a stand-in.
INFORMATION_URI = "https://pypi.org/project/tenantlint/"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "tenantlint/v1"

# Rules whose whole fix is an import, which never overlaps the finding's lines.
_IMPORT_FIX_CODES = frozenset({"TL104"})
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_IMPORT_LINE = re.compile(r"\s*(?:from\s+[\w.]+\s+)?import\s")
_NUMBER = re.compile(r"\d+")

_NO_FIXES: Mapping[str, tuple[str, str]] = MappingProxyType({})


def render_sarif(
    findings: Iterable[Finding],
    *,
    tool_version: str,
    fixes: Mapping[str, tuple[str, str]] = _NO_FIXES,
    cwd: Path,
) -> str:
    """Render FINDINGS as a SARIF 2.1.0 log.

    FIXES maps a path, spelled as in the findings, to the file's original
    text and the text after `tenantlint fix`. A fixable finding in such a
    file gets a SARIF fix with the changed lines that belong to it.
    """
    findings = sorted_findings(findings)
    cwd = Path(os.path.abspath(cwd))
    fingerprints = _fingerprints(findings, cwd)
    changes = {os.path.normpath(path): _file_change(*texts) for path, texts in fixes.items()}

    results = []
    for finding, fingerprint in zip(findings, fingerprints):
        change = changes.get(os.path.normpath(finding.path))
        results.append(_result(finding, fingerprint, change, cwd))

    run = {
        "tool": {"driver": _driver(tool_version)},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": cwd.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return dump_json({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})


def _driver(tool_version: str) -> dict[str, Any]:
    return {
        "name": TOOL_NAME,
        "version": tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(code) for code in ALL_CODES],
    }


def _rule(code: str) -> dict[str, Any]:
    info = rule_info(code)
    return {
        "id": code,
        "name": info.name,
        "shortDescription": {"text": _sentence(info.summary)},
        "fullDescription": {"text": _first_paragraph(info.explanation) or _sentence(info.summary)},
        "help": {"text": info.explanation, "markdown": info.explanation},
        "defaultConfiguration": {"level": "error"},
    }


def _sentence(summary: str) -> str:
    """Return SUMMARY with a capital first letter and a final period."""
    text = summary.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def _first_paragraph(explanation: str) -> str:
    """Return the paragraph after the summary line, which describes what the rule finds."""
    paragraphs = [part.strip() for part in explanation.split("\n\n") if part.strip()]
    return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else ""


def _result(finding: Finding, fingerprint: str, change: _FileChange | None, cwd: Path) -> dict[str, Any]:
    location = _artifact_location(finding.path, cwd)
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in ALL_CODES:
        result["ruleIndex"] = ALL_CODES.index(finding.code)
    result.update(
        level="error" if finding.enforced else "warning",
        message={"text": finding.message},
        locations=[{"physicalLocation": {"artifactLocation": location, "region": _region(finding)}}],
        partialFingerprints={FINGERPRINT_KEY: fingerprint},
        properties={"function": finding.function, "route": finding.route, "priority": finding.priority},
    )

    fix = _fix(finding, change, location) if finding.fixable and change is not None else None
    if fix is not None:
        result["fixes"] = [fix]
    return result


def _artifact_location(path: str, cwd: Path) -> dict[str, Any]:
    """Return a URI relative to `%SRCROOT%`, or an absolute file URI for a path outside it."""
    absolute = Path(os.path.normpath(cwd / path))
    try:
        relative = absolute.relative_to(cwd)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SOURCE_ROOT}


def _region(finding: Finding) -> dict[str, int]:
    """Return the SARIF region of FINDING, leaving out an end that lies before its start.

    SARIF columns are 1-based and the end column is exclusive.
    """
    # NOTE: Finding.end_column is assumed to follow the SARIF convention
    # (libcst's 0-based exclusive end column plus one), as the TL903 findings
    # of suppressions.py do. The Finding record does not state a convention.
    region = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
    if finding.end_line is None or finding.end_line < region["startLine"]:
        return region

    region["endLine"] = finding.end_line
    end_column = finding.end_column
    later_line = finding.end_line > region["startLine"]
    if end_column is not None and (later_line or end_column >= region["startColumn"]):
        region["endColumn"] = end_column
    return region


def _fingerprints(findings: list[Finding], cwd: Path) -> list[str]:
    """Return a line-independent fingerprint for each of FINDINGS, in their order.

    The hash covers the code, the path, the endpoint and the message with its
    numbers removed. Findings with equal hashes are distinguished by their
    occurrence index in line order, which FINDINGS already follow.
    """
    seen: Counter[str] = Counter()
    fingerprints = []
    for finding in findings:
        uri = _artifact_location(finding.path, cwd)["uri"]
        message = _NUMBER.sub("", finding.message)
        key = "\0".join([finding.code, uri, finding.function or "", finding.route or "", message])
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        fingerprints.append(f"{digest}:{seen[digest]}")
        seen[digest] += 1
    return fingerprints


@dataclass(frozen=True)
class _Hunk:
    """One changed run of lines: original lines [start, end) became NEW_TEXT (0-based)."""

    start: int
    end: int
    new_text: str
    region: dict[str, int]
    only_imports: bool

    def touches(self, lines: set[int]) -> bool:
        """Return whether the hunk changes one of LINES (1-based) or inserts next to one."""
        if self.start == self.end:
            return self.start in lines or self.start + 1 in lines
        return any(line in lines for line in range(self.start + 1, self.end + 1))


@dataclass(frozen=True)
class _FileChange:
    """The diff of one file that `fix` changes, with the statement extents of the original.

    `spans` maps the first line of a simple statement to its first and last
    lines, and a function's `def` line to its first decorator line and the
    last line of its signature. A finding on such a line owns the changes
    anywhere in that extent, such as a parameter added on its own line of a
    multi-line signature.
    """

    hunks: tuple[_Hunk, ...]
    spans: dict[int, tuple[int, int]]


def _file_change(original: str, fixed: str) -> _FileChange:
    """Split the change from ORIGINAL to FIXED into runs of changed lines."""
    before, after = _LINE.findall(original), _LINE.findall(fixed)
    tree_before, tree_after = _parse(original), _parse(fixed)
    imports_before, imports_after = _import_lines(before, tree_before), _import_lines(after, tree_after)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)

    hunks = []
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed = [(number, before[number]) for number in range(start, end)]
        added = [(number, after[number]) for number in range(new_start, new_end)]
        only_imports = (
            any(text.strip() for _, text in removed + added)
            and _all_imports(removed, imports_before)
            and _all_imports(added, imports_after)
        )
        region = _deleted_region(before, start, end)
        hunks.append(_Hunk(start, end, "".join(after[new_start:new_end]), region, only_imports))
    return _FileChange(tuple(hunks), _statement_spans(tree_before))


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        # NOTE: source that this interpreter cannot parse, such as syntax newer
        # than it, gets no statement extents and matches imports line by line,
        # so a parenthesised import list or a multi-line signature is missed.
        return None


def _all_imports(lines: list[tuple[int, str]], import_lines: set[int]) -> bool:
    """Return whether each non-blank line of LINES (0-based numbers) is in IMPORT_LINES (1-based)."""
    return all(number + 1 in import_lines for number, text in lines if text.strip())


def _import_lines(lines: list[str], tree: ast.Module | None) -> set[int]:
    """Return the 1-based numbers of the lines that belong to import statements."""
    if tree is None:
        return {number for number, line in enumerate(lines, 1) if _IMPORT_LINE.match(line)}

    numbers: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            numbers.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return numbers


def _statement_spans(tree: ast.Module | None) -> dict[int, tuple[int, int]]:
    """Return the extents described in `_FileChange`, keyed by first line."""
    spans: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            spans[node.lineno] = (first, max(node.lineno, node.body[0].lineno - 1))
        elif isinstance(node, ast.stmt) and not {"body", "cases"} & set(node._fields):
            spans[node.lineno] = (node.lineno, node.end_lineno or node.lineno)
    return spans


def _deleted_region(before: list[str], start: int, end: int) -> dict[str, int]:
    """Return the SARIF region of original lines [start, end), newline included."""
    if start == end:
        line, column = _position_before(before, start)
        return {"startLine": line, "startColumn": column, "endLine": line, "endColumn": column}

    end_line, end_column = _position_before(before, end)
    return {"startLine": start + 1, "startColumn": 1, "endLine": end_line, "endColumn": end_column}


def _position_before(lines: list[str], index: int) -> tuple[int, int]:
    """Return the 1-based line and column where line INDEX (0-based) starts.

    Past the end of a text whose last line has no newline, that is the end
    of the last line.
    """
    if index == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        return index, len(lines[-1]) + 1
    return index + 1, 1


def _fix(finding: Finding, change: _FileChange, location: dict[str, Any]) -> dict[str, Any] | None:
    """Return the SARIF fix for FINDING, or None when no change in CHANGE belongs to it.

    The fix contains the hunks that touch the finding's lines, extended to its
    statement or signature, and every hunk that only changes imports.
    """
    lines = _finding_lines(finding, change.spans)
    own = [hunk for hunk in change.hunks if not hunk.only_imports and hunk.touches(lines)]
    if not own and finding.code not in _IMPORT_FIX_CODES:
        return None

    selected = [hunk for hunk in change.hunks if hunk.only_imports or hunk in own]
    if not selected:
        return None
    replacements = [
        {"deletedRegion": hunk.region, "insertedContent": {"text": hunk.new_text}} for hunk in selected
    ]
    return {
        "description": {"text": f"Apply the `tenantlint fix` change for {finding.code}."},
        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
    }


def _finding_lines(finding: Finding, spans: dict[int, tuple[int, int]]) -> set[int]:
    """Return the 1-based lines whose changes belong to FINDING."""
    lines = set(range(finding.line, (finding.end_line or finding.line) + 1))
    endpoint_lines = finding.extra.get("endpoint_lines", ())
    if finding.line in endpoint_lines:
        # The finding is about the endpoint itself, not a statement in it.
        lines.update(endpoint_lines)
    for line in list(lines):
        first, last = spans.get(line, (line, line))
        lines.update(range(first, last + 1))
    return lines
