"""The snippets of the integration pages under docs/, run on a copy of the demo application.

Every line of a shell block that starts with `tenantlint` ends in a comment
`# exit N`, which states its exit status on the demo. The tests run the
lines of one page in order in one copy, so a line can read a file that an
earlier line wrote. `git` lines run in that copy, which is a git
repository. YAML snippets are parsed and checked for the structure that the
pages describe, and their `tenantlint` commands are run too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from conftest import FIXTURES, ROOT, run_tenantlint

DOCS = ROOT / "docs"
DEMO = FIXTURES / "demo"
PAGES = ("pre-commit.md", "github-actions.md", "gitlab-ci.md", "generic-ci.md", "baseline.md", "suppressions.md")
SHELL_LANGUAGES = frozenset({"sh", "bash", "shell", "console"})
EXIT_COMMENT = re.compile(r"#\s*exit (\d)\b")
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

# pre-commit lines name a local clone of tenantlint, so tests/test_precommit.py runs pre-commit instead.
NOT_RUN_HERE = frozenset({"pre-commit"})


@dataclass(frozen=True)
class Block:
    """Fenced code block of a page, with `line` the 1-based line number of its opening fence."""

    page: str
    language: str
    text: str
    line: int


@dataclass(frozen=True)
class ShellLine:
    """Command of a shell block, with the exit status that its `# exit N` comment states."""

    page: str
    line: int
    argv: tuple[str, ...]
    exit_status: int | None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {shlex.join(self.argv)}"


def fenced_blocks(page: str) -> list[Block]:
    blocks: list[Block] = []
    language, start, body = None, 0, []
    for number, line in enumerate((DOCS / page).read_text(encoding="utf-8").splitlines(), start=1):
        if language is None and line.startswith("```"):
            language, start, body = line[3:].strip(), number, []
        elif language is not None and line == "```":
            blocks.append(Block(page, language, "".join(body), start))
            language = None
        elif language is not None:
            body.append(line + "\n")
    assert language is None, f"{page}: the block opened on line {start} is never closed"
    return blocks


def shell_lines(page: str) -> list[ShellLine]:
    lines = []
    for block in fenced_blocks(page):
        if block.language not in SHELL_LANGUAGES:
            continue
        for offset, text in enumerate(block.text.splitlines(), start=1):
            if not text.strip():
                continue
            match = EXIT_COMMENT.search(text)
            status = int(match.group(1)) if match else None
            argv = tuple(shlex.split(text, comments=True))
            lines.append(ShellLine(page, block.line + offset, argv, status))
    return lines


def yaml_documents(page: str) -> list[dict]:
    return [yaml.safe_load(block.text) for block in fenced_blocks(page) if block.language == "yaml"]


def clean_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment["NO_COLOR"] = "1"
    return environment


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=clean_environment(), capture_output=True, text=True)


def copy_demo(folder: Path) -> Path:
    """Copy the demo application into FOLDER and commit it to a new git repository."""
    copy = folder / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns(".tenantlint_cache", "__pycache__"))
    for args in (
        ("init", "--quiet"),
        ("config", "user.name", "Docs Test"),
        ("config", "user.email", "docs@example.com"),
        ("add", "."),
        ("commit", "--quiet", "-m", "Add the demo"),
    ):
        assert git(copy, *args).returncode == 0
    return copy


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


Outcomes = dict[str, tuple[int, str, str]]


@pytest.fixture(scope="module")
def page_run(tmp_path_factory: pytest.TempPathFactory):
    """Return a function that runs a page's shell lines once per module and returns (copy, outcomes)."""
    runs: dict[str, tuple[Path, Outcomes]] = {}

    def run(page: str) -> tuple[Path, Outcomes]:
        if page not in runs:
            copy = copy_demo(tmp_path_factory.mktemp(page.removesuffix(".md")))
            runs[page] = (copy, run_page(page, copy))
        return runs[page]

    return run


def run_line(command: ShellLine, cwd: Path) -> tuple[int, str, str]:
    """Run COMMAND in CWD and return (exit status, stdout, stderr)."""
    program, *args = command.argv
    if program == "tenantlint":
        result = run_tenantlint(args, cwd)
        return result.exit_code, result.stdout, result.stderr
    if program == "git":
        result = git(cwd, *args)
        return result.returncode, result.stdout, result.stderr
    raise AssertionError(f"{command}: the test has no way to run `{program}`")


def run_page(page: str, cwd: Path) -> Outcomes:
    """Run every shell line of PAGE in order and return the outcome of each, keyed by command text."""
    outcomes = {}
    for command in shell_lines(page):
        if command.argv[0] in NOT_RUN_HERE:
            continue
        status, stdout, stderr = run_line(command, cwd)
        expected = 0 if command.exit_status is None else command.exit_status
        assert status == expected, f"{command}\nexit {status}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        outcomes[shlex.join(command.argv)] = (status, stdout, stderr)
    return outcomes


# The pages and their shell lines ------------------------------------------------------


def test_page_links_resolve():
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([\w-]+\.md)\)", text):
            assert (DOCS / target).is_file(), f"{page} links to missing {target}"


def test_every_tenantlint_line_states_exit_status():
    commands = [command for page in PAGES for command in shell_lines(page) if command.argv[0] == "tenantlint"]

    assert len(commands) >= 14
    for command in commands:
        assert command.exit_status is not None, f"{command} has no `# exit N` comment"


def test_shell_lines_use_known_programs():
    for page in PAGES:
        for command in shell_lines(page):
            assert command.argv[0] in {"tenantlint", "git", *NOT_RUN_HERE}, str(command)


@pytest.mark.parametrize("page", ["github-actions.md", "gitlab-ci.md", "generic-ci.md", "baseline.md"])
def test_page_commands_run_on_demo(page: str, page_run):
    _, outcomes = page_run(page)

    assert any(command.startswith("tenantlint ") for command in outcomes)


def test_generic_ci_json_output_is_findings(page_run):
    demo, _ = page_run("generic-ci.md")

    findings = json.loads((demo / "tenantlint.json").read_text(encoding="utf-8"))

    assert findings
    assert {"code", "severity", "path", "line", "column", "function", "route", "priority", "message", "fixable"} <= set(findings[0])
    assert any(finding["severity"] == "error" for finding in findings)


def test_generic_ci_missing_path_names_it(page_run):
    _, outcomes = page_run("generic-ci.md")

    status, stdout, stderr = outcomes["tenantlint check no/such/folder"]

    assert stdout == ""
    assert "no/such/folder" in stderr


# Baseline page --------------------------------------------------------------------


def test_baseline_example_entry_is_real(demo: Path):
    example = next(json.loads(block.text) for block in fenced_blocks("baseline.md") if block.language == "json")
    run_tenantlint(["check", "--write-baseline", "tenantlint-baseline.json", "--exit-zero", "--quiet"], demo)

    entries = json.loads((demo / "tenantlint-baseline.json").read_text(encoding="utf-8"))["entries"]

    assert example in entries


def test_baseline_page_commits_the_file(page_run):
    demo, _ = page_run("baseline.md")

    tracked = git(demo, "ls-files", "tenantlint-baseline.json").stdout
    log = git(demo, "log", "--format=%s").stdout

    assert tracked == "tenantlint-baseline.json\n"
    assert log.splitlines()[0] == "Record the tenantlint baseline"


# Suppressions page ----------------------------------------------------------------


def documented_suppression_line() -> str:
    python = next(block for block in fenced_blocks("suppressions.md") if block.language == "python")
    return next(line for line in python.text.splitlines() if "# tenantlint: ignore[" in line)


def apply_documented_suppression(demo: Path, line: str) -> Path:
    router = demo / "app" / "api" / "routers" / "system.py"
    original = router.read_bytes()
    target = b"def get_service_status() -> ServiceStatus:\n"
    assert original.count(target) == 1
    router.write_bytes(original.replace(target, line.encode() + b"\n"))
    return router


def test_suppression_example_hides_findings(demo: Path):
    before = run_tenantlint(["check", "--format", "json", "app/api/routers/system.py"], demo)
    apply_documented_suppression(demo, documented_suppression_line())

    after = run_tenantlint(["check", "--format", "json", "app/api/routers/system.py"], demo)

    assert {finding["code"] for finding in before.json()} == {"TL101", "TL201"}
    assert after.exit_code == 0
    assert after.json() == []


def test_suppression_without_reason_is_documented_finding(demo: Path):
    documented = next(block for block in fenced_blocks("suppressions.md") if block.language == "text").text
    without_reason = documented_suppression_line().split("]", 1)[0] + "]"
    apply_documented_suppression(demo, without_reason)

    result = run_tenantlint(["check", "--quiet", "app/api/routers/system.py"], demo)

    assert result.exit_code == 1
    assert result.stdout == documented


def test_suppressions_page_commands_list_the_record(demo: Path):
    line = documented_suppression_line()
    apply_documented_suppression(demo, line)

    outcomes = run_page("suppressions.md", demo)

    listing = next(stdout for command, (_, stdout, _) in outcomes.items() if command.startswith("git grep"))
    assert listing == f"app/api/routers/system.py:29:{line}\n"


def test_exempt_reason_is_required(demo: Path):
    block = next(block for block in fenced_blocks("suppressions.md") if block.language == "toml")
    documented = tomllib.loads(block.text)["tool"]["tenantlint"]["exempt"]
    pyproject = demo / "pyproject.toml"
    config = pyproject.read_text(encoding="utf-8")
    assert tomllib.loads(config)["tool"]["tenantlint"]["exempt"] == documented
    pyproject.write_text(config.replace(f'"GET /health" = "{documented["GET /health"]}"', '"GET /health" = ""'), encoding="utf-8")

    result = run_tenantlint(["check", "--quiet"], demo)

    assert result.exit_code == 2
    assert "expected a non-empty reason" in result.stderr


# YAML snippets --------------------------------------------------------------------


def test_precommit_snippets_name_manifest_hooks():
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    known = {hook["id"] for hook in manifest}

    configs = [document for document in yaml_documents("pre-commit.md") if "repos" in document]

    assert [[hook["id"] for hook in config["repos"][0]["hooks"]] for config in configs] == [
        ["tenantlint"],
        ["tenantlint-fix"],
        ["tenantlint"],
    ]
    for config in configs:
        assert {hook["id"] for hook in config["repos"][0]["hooks"]} <= known
    assert configs[2]["repos"][0]["hooks"][0]["args"] == ["--select", "TL1"]


def test_manifest_hooks_run_serially():
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    hooks = {hook["id"]: (hook["entry"], hook["require_serial"], hook["types"]) for hook in manifest}

    assert hooks == {
        "tenantlint": ("tenantlint check", True, ["python"]),
        "tenantlint-fix": ("tenantlint fix", True, ["python"]),
    }


def workflow() -> dict:
    documents = [document for document in yaml_documents("github-actions.md") if "jobs" in document]
    assert len(documents) == 1
    return documents[0]


def step_index(steps: list[dict], run: str) -> int:
    return next(index for index, step in enumerate(steps) if step.get("run") == run)


def test_workflow_uploads_sarif_after_failure():
    job = workflow()["jobs"]["code-scanning"]
    steps = job["steps"]

    check = step_index(steps, "tenantlint check --format sarif --output tenantlint.sarif")
    upload = next(index for index, step in enumerate(steps) if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))

    assert job["permissions"]["security-events"] == "write"
    assert step_index(steps, 'pip install "git+https://github.com/your-org/tenantlint@v0.1.0"') < check < upload
    assert steps[upload]["with"]["sarif_file"] == "tenantlint.sarif"
    assert steps[upload]["if"] == "${{ !cancelled() }}"


def test_workflow_annotation_job_uses_github_format():
    steps = workflow()["jobs"]["annotations"]["steps"]

    check = step_index(steps, "tenantlint check --format github")

    assert step_index(steps, 'pip install "git+https://github.com/your-org/tenantlint@v0.1.0"') < check
    assert "permissions" not in workflow()["jobs"]["annotations"]


def workflow_commands() -> list[list[str]]:
    return [
        shlex.split(step["run"])
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if step.get("run", "").startswith("tenantlint ")
    ]


def test_workflow_commands_write_valid_outputs(demo: Path):
    commands = workflow_commands()
    outputs = {}
    for command in commands:
        result = run_tenantlint(command[1:], demo)
        assert result.exit_code == 1, f"{shlex.join(command)}: {result.stderr}"
        outputs[command[-1]] = result.stdout
    reference = run_tenantlint(["check", "--format", "json"], demo).json()

    sarif = json.loads((demo / "tenantlint.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    annotations = outputs["github"].splitlines()

    assert len(commands) == 2
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(reference)
    assert len(annotations) == len(reference)
    for annotation in annotations:
        assert re.match(r"::(error|warning) file=[^,]+,line=\d+,col=\d+", annotation), annotation
    assert sum(line.startswith("::error ") for line in annotations) == sum(f["severity"] == "error" for f in reference)


def gitlab_jobs() -> dict[str, dict]:
    jobs: dict[str, dict] = {}
    for document in yaml_documents("gitlab-ci.md"):
        jobs.update(document)
    return jobs


def test_gitlab_job_keeps_junit_report():
    job = gitlab_jobs()["tenantlint"]

    assert "tenantlint check --format junit --output tenantlint.xml" in job["script"]
    assert job["artifacts"]["reports"]["junit"] == "tenantlint.xml"
    assert job["artifacts"]["when"] == "always"
    # `pip install git+...` needs git, which the slim Python images lack.
    assert job["image"].startswith("python:")
    assert not job["image"].endswith("-slim")


def test_gitlab_json_job_keeps_its_output():
    job = gitlab_jobs()["tenantlint-json"]

    assert "tenantlint check --format json --output tenantlint.json" in job["script"]
    assert job["artifacts"]["paths"] == ["tenantlint.json"]
    assert "codequality" not in job["artifacts"].get("reports", {})


def test_gitlab_scripts_write_their_artifacts(demo: Path):
    reference = run_tenantlint(["check", "--format", "json"], demo).json()
    for job in gitlab_jobs().values():
        for line in job["script"]:
            if not line.startswith("tenantlint "):
                continue
            assert run_tenantlint(shlex.split(line)[1:], demo).exit_code == 1, line

    suites = ElementTree.parse(demo / "tenantlint.xml").getroot()
    failures = suites.findall("./testsuite/testcase/failure")

    assert suites.tag == "testsuites"
    assert len(failures) == sum(finding["severity"] == "error" for finding in reference)
    assert json.loads((demo / "tenantlint.json").read_text(encoding="utf-8")) == reference
