"""Baseline files: keys without line numbers, counts, stale entries and file errors."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tenantlint.baseline import BaselineEntry, BaselineError, load_baseline, write_baseline
from tenantlint.findings import Finding


def finding(code: str, path: str, line: int, function: str | None, route: str | None) -> Finding:
    return Finding(code, path, line, 5, f"{code} on line {line}", function=function, route=route)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def current_findings() -> list[Finding]:
    return [
        finding("TL101", "app/routers/billing.py", 12, "list_invoices", "GET /invoices"),
        finding("TL201", "app/routers/billing.py", 14, "list_invoices", "GET /invoices"),
        finding("TL201", "app/routers/billing.py", 16, "list_invoices", "GET /invoices"),
        finding("TL101", "app/routers/users.py", 8, "read_user", "GET /users/{user_id}"),
        finding("TL902", "app/broken.py", 3, None, None),
    ]


def test_write_is_sorted_and_counted(project: Path):
    path = project / "tenantlint-baseline.json"

    recorded = write_baseline(path, current_findings())

    assert recorded == 5
    expected = {
        "version": 1,
        "tool": "tenantlint",
        "entries": [
            {"code": "TL902", "path": "app/broken.py", "function": None, "route": None, "count": 1},
            {"code": "TL101", "path": "app/routers/billing.py", "function": "list_invoices", "route": "GET /invoices", "count": 1},
            {"code": "TL201", "path": "app/routers/billing.py", "function": "list_invoices", "route": "GET /invoices", "count": 2},
            {"code": "TL101", "path": "app/routers/users.py", "function": "read_user", "route": "GET /users/{user_id}", "count": 1},
        ],
    }
    assert path.read_bytes() == (json.dumps(expected, indent=2) + "\n").encode()
    assert [p.name for p in project.iterdir()] == [path.name]


def test_write_twice_gives_same_bytes(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    first = path.read_bytes()

    write_baseline(path, list(reversed(current_findings())))

    assert path.read_bytes() == first


def test_shifted_lines_add_nothing_new(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    shifted = [replace(f, line=f.line + 40, message=f"{f.code} on line {f.line + 40}") for f in current_findings()]

    result = load_baseline(path).apply(shifted)

    assert result.new == []
    assert result.hidden == 5
    assert result.stale == []


def test_new_finding_is_reported(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    added = finding("TL201", "app/routers/users.py", 10, "read_user", "GET /users/{user_id}")

    result = load_baseline(path).apply([*current_findings(), added])

    assert result.new == [added]
    assert result.hidden == 5


def test_count_hides_first_findings_by_line(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    third = finding("TL201", "app/routers/billing.py", 15, "list_invoices", "GET /invoices")

    result = load_baseline(path).apply([*current_findings(), third])

    assert result.new == [current_findings()[2]]


def test_removed_finding_is_stale_and_rewrite_shrinks(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    before = path.stat().st_size
    remaining = current_findings()[:2]

    result = load_baseline(path).apply(remaining)

    assert result.new == []
    assert result.stale == [
        BaselineEntry("TL902", "app/broken.py", None, None, 1),
        BaselineEntry("TL201", "app/routers/billing.py", "list_invoices", "GET /invoices", 1),
        BaselineEntry("TL101", "app/routers/users.py", "read_user", "GET /users/{user_id}", 1),
    ]
    assert write_baseline(path, result.hidden_findings) == 2
    assert path.stat().st_size < before
    assert load_baseline(path).apply(remaining).stale == []


def test_stale_limited_to_checked_paths(project: Path):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    billing = current_findings()[:2]

    result = load_baseline(path).apply(billing, checked_paths=["app/routers/billing.py", "app/routers/users.py"])

    assert result.stale == [
        BaselineEntry("TL201", "app/routers/billing.py", "list_invoices", "GET /invoices", 1),
        BaselineEntry("TL101", "app/routers/users.py", "read_user", "GET /users/{user_id}", 1),
    ]


def test_entry_describe():
    entry = BaselineEntry("TL201", "app/routers/billing.py", "list_invoices", "GET /invoices", 2)
    file_level = BaselineEntry("TL902", "app/broken.py", None, None, 1)

    assert entry.describe() == "TL201 in app/routers/billing.py, list_invoices (GET /invoices), 2 findings"
    assert file_level.describe() == "TL902 in app/broken.py, 1 finding"


def test_paths_relative_to_baseline_folder(project: Path, monkeypatch: pytest.MonkeyPatch):
    path = project / "baseline.json"
    write_baseline(path, current_findings())
    (project / "app").mkdir()
    monkeypatch.chdir(project / "app")
    from_subfolder = [replace(f, path=os.path.relpath(project / f.path)) for f in current_findings()]

    result = load_baseline(path).apply(from_subfolder)

    assert result.new == []
    assert from_subfolder[0].path == os.path.join("routers", "billing.py")


def test_write_into_missing_folder_fails(project: Path):
    path = project / "missing" / "baseline.json"

    with pytest.raises(BaselineError, match=r"^Could not write baseline file `.*baseline\.json`: No such file or directory\.$"):
        write_baseline(path, current_findings())


def test_failed_replace_leaves_no_temporary_file(project: Path):
    path = project / "baseline.json"
    path.mkdir()

    with pytest.raises(BaselineError, match=r"^Could not write baseline file `.*baseline\.json`: Is a directory\.$"):
        write_baseline(path, current_findings())

    assert [p.name for p in project.iterdir()] == ["baseline.json"]


def test_written_file_follows_umask(project: Path):
    path = project / "baseline.json"
    previous = os.umask(0o027)
    try:
        write_baseline(path, current_findings())
    finally:
        os.umask(previous)

    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2\.$"),
        ("[]", r"is invalid: expected a JSON object with `version`, `tool` and `entries`\.$"),
        ('{"version": 2, "tool": "tenantlint", "entries": []}', r"is invalid: `version` is 2, expected 1\.$"),
        ('{"version": 1, "tool": "ruff", "entries": []}', r"is invalid: `tool` is 'ruff', expected 'tenantlint'\.$"),
        ('{"version": 1, "tool": "tenantlint", "entries": {}}', r"is invalid: `entries` must be a list\.$"),
        (
            '{"version": 1, "tool": "tenantlint", "entries": [{"code": "TL101", "path": "a.py", "function": null, "route": null, "count": 0}]}',
            r"is invalid: `entries\[0\]\.count` must be a positive integer, got 0\.$",
        ),
        (
            '{"version": 1, "tool": "tenantlint", "entries": [{"code": "TL101", "path": "a.py", "count": 1}]}',
            r"is invalid: `entries\[0\]\.function` must be a string or null\.$",
        ),
    ],
)
def test_load_malformed_file(project: Path, content: str, message: str):
    path = project / "baseline.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(BaselineError) as raised:
        load_baseline(path)

    text = str(raised.value)
    hint = f" Correct it, or record a new one with `--write-baseline {path}`."
    assert text.endswith(hint)
    assert re.fullmatch(r"Baseline file `.*baseline\.json` " + message, text.removesuffix(hint))


def test_load_missing_file(project: Path):
    with pytest.raises(BaselineError, match=r"^Baseline file `(.*nothing\.json)` not found\. Record one with `--write-baseline \1`\.$"):
        load_baseline(project / "nothing.json")


def test_load_undecodable_file(project: Path):
    path = project / "baseline.json"
    path.write_bytes(b'{"version": 1, "tool": "\xff"}')

    with pytest.raises(BaselineError, match=r"^Baseline file `.*baseline\.json` could not be read: it is not UTF-8\.$"):
        load_baseline(path)
