"""TL902 names the line and states CPython's reason once."""

from __future__ import annotations

from conftest import run_tenantlint


def test_syntax_error_message_reads_once(tmp_path):
    (tmp_path / "bad.py").write_text('from fastapi import APIRouter\nrouter = APIRouter()\ndef broken(:\n    pass\n')

    run = run_tenantlint(["check", "--format", "json", "bad.py"], tmp_path)
    finding = run.json()[0]

    assert finding["code"] == "TL902"
    assert finding["line"] == 3
    assert finding["message"] == "File cannot be analysed: invalid syntax."
    assert run.exit_code == 1


def test_compiler_reason_is_kept(tmp_path):
    source = 'from fastapi import APIRouter, Path\n\n\ndef update(jar: int = Path(...), body: dict):\n    return body\n'
    (tmp_path / "bad.py").write_text(source)

    finding = run_tenantlint(["check", "--format", "json", "bad.py"], tmp_path).json()[0]

    assert finding["line"] == 4
    assert finding["message"].startswith("File cannot be analysed: invalid syntax: ")
    assert "default" in finding["message"]
