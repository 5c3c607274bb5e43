from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tenantlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_tenantlint(args: list[str], cwd: Path) -> Run:
    """Run the CLI in-process in CWD and return its exit status and streams."""
    runner = CliRunner()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False, env={"NO_COLOR": "1"})
    finally:
        os.chdir(previous)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def tenantlint():
    return run_tenantlint
