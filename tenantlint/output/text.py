"""The text output for people: one line per finding, code frames, summary and statistics.

Each function prints to the console it is given. The CLI prints findings
to stdout and the summary to stderr. Every string is printed as a
rich `Text`, so brackets in messages such as `dependencies=[...]` are
never read as markup, and with soft wrapping, so a long line is never
broken.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tenantlint.findings import Finding
from tenantlint.output import replace_surrogates, sorted_findings
from tenantlint.rules import RULE_MODULES, rule_info

COLOR_CHOICES = ("auto", "always", "never")
FIXABLE_MARKER = "[*]"

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow"}
# C0 control characters other than tab, and DEL, would act on the terminal
# when a path, message or source line contains them. They are shown as the
# matching Unicode control pictures (U+2400 to U+241F, U+2421), one cell each.
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if code != 0x09}
_CONTROL_PICTURES[0x7F] = 0x2421


def make_console(stream: TextIO, color: str, environ: Mapping[str, str] | None = None) -> Console:
    """Return a rich console for STREAM that uses colour according to COLOR.

    COLOR is `always`, `never` or `auto`. With `auto`, a non-empty NO_COLOR
    turns colour off, a non-empty FORCE_COLOR turns it on, and otherwise
    colour is used only when STREAM is a terminal. `always` and `never`
    override both variables. ENVIRON defaults to `os.environ`.
    """
    use_color = _use_color(stream, color, os.environ if environ is None else environ)
    return Console(
        file=stream,
        force_terminal=use_color,
        no_color=not use_color,
        color_system="standard" if use_color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )


def _use_color(stream: TextIO, color: str, environ: Mapping[str, str]) -> bool:
    if color not in COLOR_CHOICES:
        choices = ", ".join(COLOR_CHOICES)
        raise ValueError(f"invalid color choice {color!r}, expected one of {choices}")
    if color != "auto":
        return color == "always"
    if environ.get("NO_COLOR", ""):
        return False
    if environ.get("FORCE_COLOR", ""):
        return True

    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        # isatty() raises ValueError on a closed stream.
        return False


def write_findings(
    findings: Iterable[Finding],
    *,
    console: Console,
    source_lines: Callable[[str], list[str] | None],
    show_source: bool = True,
    show_fixes: bool = False,
) -> None:
    """Print one line per finding, sorted, as `path:line:col: CODE [*] message`.

    `[*]` marks a finding that `tenantlint fix` repairs. With SHOW_SOURCE,
    each line is followed by its source line with a caret under the column,
    when SOURCE_LINES returns the file's lines. With SHOW_FIXES, a line
    after each finding states whether and how it can be fixed.
    """
    for finding in sorted_findings(findings):
        console.print(_headline(finding))
        if show_fixes:
            console.print(_fix_line(finding))
        if show_source:
            frame = _code_frame(finding, source_lines(finding.path))
            for line in frame:
                console.print(line)
            if frame:
                console.print()


def _headline(finding: Finding) -> Text:
    text = Text()
    text.append(printable(finding.path), style="bold")
    text.append(f":{finding.line}:{finding.column}: ")
    text.append(finding.code, style=_SEVERITY_STYLE.get(finding.severity, "bold"))
    if finding.fixable:
        text.append(" ")
        text.append(FIXABLE_MARKER, style="cyan")
    text.append(" " + printable(finding.message))
    return text


def _fix_line(finding: Finding) -> Text:
    if finding.fixable:
        note = "fix: `tenantlint fix` repairs this."
    elif finding.unsafe_fixable:
        note = "fix: only with `tenantlint fix --unsafe-fixes`, whose change needs review."
    elif finding.fix_note:
        note = f"fix: not applied. {finding.fix_note}"
    else:
        note = "fix: none, so change the code by hand."
    return Text("    " + printable(note), style="dim")


def _code_frame(finding: Finding, lines: list[str] | None) -> list[Text]:
    """Return the finding's source line and a caret line under its columns, or nothing."""
    if not lines or not 1 <= finding.line <= len(lines):
        return []

    source = printable(lines[finding.line - 1].rstrip("\r\n"))
    start = min(max(finding.column, 1), len(source) + 1) - 1
    end = start + 1
    if finding.end_line == finding.line and finding.end_column is not None:
        end = max(min(finding.end_column - 1, len(source)), start + 1)

    # Tabs stay tabs so that the terminal expands both lines alike, and a
    # double-width character gets two spaces so the caret stays under it.
    padding = "".join(char if char == "\t" else " " * cell_len(char) for char in source[:start])
    gutter = str(finding.line)
    source_line = Text()
    source_line.append(f" {gutter} | ", style="blue")
    source_line.append(source)
    caret_line = Text()
    caret_line.append(f" {' ' * len(gutter)} | ", style="blue")
    caret_line.append(padding)
    caret_line.append("^" * (end - start), style=_SEVERITY_STYLE.get(finding.severity, "bold"))
    return [source_line, caret_line]


def printable(text: str) -> str:
    """Return TEXT with control characters and lone surrogates replaced by visible ones."""
    return replace_surrogates(text.translate(_CONTROL_PICTURES))


def write_summary(
    findings: Iterable[Finding],
    *,
    console: Console,
    fixed: int = 0,
    files: int,
    errors: int,
    elapsed: float | None,
) -> None:
    """Print the closing summary of a run.

    FIXED is the number of findings that `fix` repaired, FILES the number of
    files checked, ERRORS the number of files that could not be read,
    checked or written, and ELAPSED the run time in seconds, when known.
    """
    findings = list(findings)
    if fixed:
        console.print(Text(f"Fixed {_plural(fixed, 'finding')}.", style="green"))
    if findings:
        console.print(Text(_found_sentence(findings, files)))
    elif not errors:
        console.print(Text("All checks passed.", style="bold green"))
    if errors:
        failed = f"{_plural(errors, 'file')} could not be processed, as reported above."
        console.print(Text(failed, style="red"))
    if elapsed is not None:
        console.print(Text(f"Checked {_plural(files, 'file')} in {elapsed:.2f} s.", style="dim"))


def _found_sentence(findings: list[Finding], files: int) -> str:
    """Return "Found 12 errors and 3 warnings in 5 of 40 files; 10 fixable with `tenantlint fix`."."""
    enforced = sum(1 for finding in findings if finding.enforced)
    counts = [_plural(enforced, "error")] if enforced else []
    if len(findings) > enforced:
        counts.append(_plural(len(findings) - enforced, "warning"))

    with_findings = len({finding.path for finding in findings})
    where = _plural(with_findings, "file")
    if with_findings < files:
        where = f"{with_findings} of {_plural(files, 'file')}"
    sentence = f"Found {' and '.join(counts)} in {where}"

    fixable = sum(1 for finding in findings if finding.fixable)
    unsafe = sum(1 for finding in findings if not finding.fixable and finding.unsafe_fixable)
    if fixable:
        sentence += f"; {fixable} fixable with `tenantlint fix`"
    if unsafe:
        sentence += f"; {unsafe} more with `tenantlint fix --unsafe-fixes`"
    return sentence + "."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def write_statistics(findings: Iterable[Finding], console: Console) -> None:
    """Print two tables: the number of findings per rule and per priority."""
    findings = list(findings)
    console.print(_rule_table(findings))
    console.print(_priority_table(findings))


def _rule_table(findings: list[Finding]) -> Table:
    per_code = Counter(finding.code for finding in findings)
    fixable = Counter(finding.code for finding in findings if finding.fixable)
    table = Table(title="Findings per rule", title_justify="left")
    table.add_column("Code")
    table.add_column("Rule")
    table.add_column("Findings", justify="right")
    table.add_column("Fixable", justify="right")
    for code in sorted(per_code, key=_code_order):
        name = rule_info(code).name if code in RULE_MODULES else ""
        table.add_row(code, name, str(per_code[code]), str(fixable[code]))
    return table


def _code_order(code: str) -> tuple[int, str]:
    """Order codes as `tenantlint rules` lists them, unknown codes last."""
    order = list(RULE_MODULES)
    return (order.index(code), code) if code in RULE_MODULES else (len(order), code)


def _priority_table(findings: list[Finding]) -> Table:
    errors = Counter(finding.priority for finding in findings if finding.enforced)
    warnings = Counter(finding.priority for finding in findings if not finding.enforced)
    table = Table(title="Findings per priority", title_justify="left")
    table.add_column("Priority")
    table.add_column("Errors", justify="right")
    table.add_column("Warnings", justify="right")
    priorities = sorted(set(errors) | set(warnings), key=_priority_order)
    for priority in priorities:
        table.add_row(priority or "(none)", str(errors[priority]), str(warnings[priority]))
    return table


def _priority_order(priority: str | None) -> tuple[bool, list[int | str]]:
    """Order priorities naturally (P2 before P10), with findings without one last."""
    parts = re.split(r"(\d+)", priority or "")
    return (priority is None, [int(part) if part.isdigit() else part for part in parts])
