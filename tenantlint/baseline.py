"""Baseline files: record today's findings so that only new ones fail a run.

An entry names the rule, the file, the endpoint function and its route,
never a line number or message text, so it keeps matching while unrelated
edits move the code around. Each entry carries a count for the findings of
the same key. Paths are stored relative to the folder of the baseline file,
so the same file works from any current folder.
"""

from __future__ import annotations

import json
import os
import posixpath
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenantlint.findings import Finding

BASELINE_VERSION = 1
TOOL_NAME = "tenantlint"
_REWRITE_HINT = " Correct it, or record a new one with `--write-baseline {path}`."

BaselineKey = tuple[str, str, str | None, str | None]


class BaselineError(Exception):
    """A baseline file that is missing, unreadable, malformed or unwritable."""


@dataclass(frozen=True)
class BaselineEntry:
    """Number of findings recorded for one (code, path, function, route) key."""

    code: str
    path: str
    function: str | None
    route: str | None
    count: int

    @property
    def key(self) -> BaselineKey:
        return (self.code, self.path, self.function, self.route)

    def describe(self) -> str:
        """Return the entry as one line of text.

        For example: `TL101 in app/x.py, list_items (GET /items), 2 findings`.
        """
        where = self.path
        if self.function is not None:
            where += f", {self.function}" + (f" ({self.route})" if self.route else "")
        noun = "finding" if self.count == 1 else "findings"
        return f"{self.code} in {where}, {self.count} {noun}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "path": self.path,
            "function": self.function,
            "route": self.route,
            "count": self.count,
        }


@dataclass(frozen=True)
class BaselineResult:
    """Findings split by a baseline.

    `new` contains the findings that the baseline does not cover, in their
    input order. `stale` contains the entries, or the parts of their counts,
    that matched no finding: code that was fixed since the baseline was
    written.
    """

    new: list[Finding]
    hidden_findings: list[Finding]
    stale: list[BaselineEntry]

    @property
    def hidden(self) -> int:
        """Number of findings the baseline covered."""
        return len(self.hidden_findings)


@dataclass(frozen=True)
class Baseline:
    """Recorded entries, with paths relative to `root` (the baseline's folder)."""

    entries: tuple[BaselineEntry, ...]
    root: Path

    def apply(
        self,
        findings: Iterable[Finding],
        *,
        checked_paths: Iterable[str] | None = None,
        checked_codes: Iterable[str] | None = None,
    ) -> BaselineResult:
        """Split FINDINGS into new and hidden ones, and list the stale entries.

        For a key recorded with count n, the first n findings of that key by
        line and column are hidden and the rest are new. When a run checks
        only some files, pass them as CHECKED_PATHS: entries for other files
        are then not stale, except those of a file that has findings. Entries
        of rules outside CHECKED_CODES (a run with `--select`) are not stale
        either.
        """
        findings = list(findings)
        allowance: Counter[BaselineKey] = Counter()
        for entry in self.entries:
            allowance[entry.key] += entry.count

        hidden_ids: set[int] = set()
        for finding in sorted(findings, key=lambda item: (item.line, item.column)):
            key = finding_key(finding, self.root)
            if allowance.get(key, 0) > 0:
                allowance[key] -= 1
                hidden_ids.add(id(finding))

        new = [finding for finding in findings if id(finding) not in hidden_ids]
        hidden = [finding for finding in findings if id(finding) in hidden_ids]
        stale = [BaselineEntry(*key, count=count) for key, count in allowance.items() if count > 0]
        if checked_paths is not None:
            checked = {_relative_path(path, self.root) for path in checked_paths}
            checked.update(_relative_path(finding.path, self.root) for finding in findings)
            stale = [entry for entry in stale if entry.path in checked]
        if checked_codes is not None:
            codes = set(checked_codes)
            stale = [entry for entry in stale if entry.code in codes]
        return BaselineResult(new, hidden, stale)

    def unchecked_entries(self, checked_paths: Iterable[str], checked_codes: Iterable[str]) -> list[BaselineEntry]:
        """Return the entries a run did not look at: other files, or rules it did not run."""
        checked = {_relative_path(path, self.root) for path in checked_paths}
        codes = set(checked_codes)
        return [entry for entry in self.entries if entry.path not in checked or entry.code not in codes]


def finding_key(finding: Finding, root: Path) -> BaselineKey:
    """Return the baseline key of FINDING, with its path relative to ROOT."""
    return (finding.code, _relative_path(finding.path, root), finding.function, finding.route)


def _relative_path(path: str, root: Path) -> str:
    """Return PATH relative to ROOT with `/` separators, or absolute when on another drive."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:
        relative = absolute
    return Path(relative).as_posix()


def build_entries(findings: Iterable[Finding], root: Path) -> list[BaselineEntry]:
    """Count FINDINGS per key and return the entries in their stable file order."""
    counts = Counter(finding_key(finding, root) for finding in findings)
    entries = [BaselineEntry(*key, count=count) for key, count in counts.items()]
    return sorted(entries, key=_entry_order)


def _entry_order(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.path, entry.code, entry.function or "", entry.route or "")


def write_baseline(path: Path, findings: Iterable[Finding], keep: Iterable[BaselineEntry] = ()) -> int:
    """Record FINDINGS, plus the entries in KEEP, in the baseline file PATH; return how many findings the file records.

    KEEP carries over entries of the old baseline that the run did not look
    at, so a run over some files or rules does not drop the others.

    The file is replaced atomically: the content goes to a temporary file in
    the same folder, which is then renamed over PATH. Raise BaselineError
    when it cannot be written.
    """
    path = Path(path)
    findings = list(findings)
    entries = sorted([*build_entries(findings, path.parent), *keep], key=_entry_order)
    document = {
        "version": BASELINE_VERSION,
        "tool": TOOL_NAME,
        "entries": [entry.to_json() for entry in entries],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    try:
        _replace_atomically(path, text.encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        raise BaselineError(f"Could not write baseline file `{path}`: {reason}.") from error
    return sum(entry.count for entry in entries)


def _replace_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open with mode 0o666 lets the umask decide the permissions, as for
    # any new file, where tempfile would create it readable by the owner only.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_baseline(path: Path) -> Baseline:
    """Read the baseline file PATH, or raise BaselineError naming it when it is unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        message = f"Baseline file `{path}` not found. Record one with `--write-baseline {path}`."
        raise BaselineError(message) from error
    except (OSError, UnicodeDecodeError) as error:
        reason = str(error.strerror or error) if isinstance(error, OSError) else "it is not UTF-8"
        raise BaselineError(f"Baseline file `{path}` could not be read: {reason}.") from error

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{error.msg} at line {error.lineno} column {error.colno}"
        message = f"Baseline file `{path}` is not valid JSON: {where}."
        raise BaselineError(message + _REWRITE_HINT.format(path=path)) from error

    try:
        entries = _parse_document(document)
    except ValueError as error:
        message = f"Baseline file `{path}` is invalid: {error}."
        raise BaselineError(message + _REWRITE_HINT.format(path=path)) from error
    return Baseline(tuple(entries), path.parent)


def _parse_document(document: Any) -> list[BaselineEntry]:
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object with `version`, `tool` and `entries`")
    if document.get("tool") != TOOL_NAME:
        raise ValueError(f"`tool` is {document.get('tool')!r}, expected {TOOL_NAME!r}")
    if document.get("version") != BASELINE_VERSION:
        raise ValueError(f"`version` is {document.get('version')!r}, expected {BASELINE_VERSION}")

    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise ValueError("`entries` must be a list")
    return [_parse_entry(index, raw) for index, raw in enumerate(raw_entries)]


def _parse_entry(index: int, raw: Any) -> BaselineEntry:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        raise ValueError(f"`{where}` must be an object")

    for name in ("code", "path"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ValueError(f"`{where}.{name}` must be a non-empty string")
    for name in ("function", "route"):
        if name not in raw or not isinstance(raw[name], (str, type(None))):
            raise ValueError(f"`{where}.{name}` must be a string or null")

    count = raw.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"`{where}.count` must be a positive integer, got {count!r}")

    path = posixpath.normpath(raw["path"])
    return BaselineEntry(raw["code"], path, raw["function"], raw["route"], count)
