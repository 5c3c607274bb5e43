"""Every folder under fixtures/cases: expected findings and byte-exact fix output.

Each case has `input.py`, `expected.py` (what `fix` must write, byte for
byte) and `findings.txt` (one `CODE function` line per finding `check`
reports on the input, `-` for a file-level finding). The folder's
`pyproject.toml` is the configuration for all of them.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES

CASES_ROOT = FIXTURES / "cases"
CASES = sorted(path for path in CASES_ROOT.iterdir() if path.is_dir())


def _workspace(tmp_path: Path, case: Path, source: str) -> Path:
    shutil.copy(CASES_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(case / source, tmp_path / "router.py")
    return tmp_path / "router.py"


def _expected_findings(case: Path) -> Counter:
    lines = (case / "findings.txt").read_text().splitlines()
    return Counter(tuple(line.split(" ", 1)) for line in lines if line.strip())


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case_findings(case, tmp_path, tenantlint):
    _workspace(tmp_path, case, "input.py")
    run = tenantlint(["check", "--format", "json", "router.py"], tmp_path)
    found = Counter((f["code"], f["function"] or "-") for f in run.json())
    assert found == _expected_findings(case)
    assert run.exit_code == (1 if found else 0)


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case_fix_output(case, tmp_path, tenantlint):
    target = _workspace(tmp_path, case, "input.py")
    tenantlint(["fix", "router.py"], tmp_path)
    assert target.read_bytes() == (case / "expected.py").read_bytes()


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case_fix_is_idempotent(case, tmp_path, tenantlint):
    target = _workspace(tmp_path, case, "input.py")
    tenantlint(["fix", "router.py"], tmp_path)
    once = target.read_bytes()
    run = tenantlint(["fix", "--diff", "router.py"], tmp_path)
    assert run.stdout == ""
    assert run.exit_code in (0, 2)
    tenantlint(["fix", "router.py"], tmp_path)
    assert target.read_bytes() == once


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case_expected_is_left_alone(case, tmp_path, tenantlint):
    target = _workspace(tmp_path, case, "expected.py")
    run = tenantlint(["fix", "--diff", "router.py"], tmp_path)
    assert run.stdout == ""
    tenantlint(["fix", "router.py"], tmp_path)
    assert target.read_bytes() == (case / "expected.py").read_bytes()
