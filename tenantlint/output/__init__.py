"""Renderers of findings: text for people, json, sarif, github and junit for machines.

Each machine format is a function that returns the whole document as a
string ending in a newline, ready to write to stdout or `--output FILE`
as is. Only the text renderer imports rich, so importing this package
does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tenantlint.findings import Finding

MACHINE_FORMATS: tuple[str, ...] = ("json", "sarif", "github", "junit")


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return FINDINGS in output order: by path, line, column, code and message."""
    return sorted(findings, key=lambda finding: (*finding.sort_key(), finding.message))


def dump_json(document: Any) -> str:
    """Serialize DOCUMENT as indented JSON text ending in a newline.

    Non-ASCII text is written as is, except when the document contains a
    lone surrogate (from a file name decoded with `surrogateescape`), which
    UTF-8 cannot encode. Then every non-ASCII character is written as a
    `\\u` escape, so the output stays writable and loses nothing.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document, indent=2, ensure_ascii=True)
    return text + "\n"


def replace_surrogates(text: str) -> str:
    """Return TEXT with each lone surrogate replaced by `?`, so that UTF-8 can encode it.

    Lone surrogates come from file names decoded with `surrogateescape`.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
