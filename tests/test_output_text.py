"""Text output: finding lines, code frames, summary, statistics and colour choice."""

from __future__ import annotations

import io
import os

import pytest

from tenantlint.findings import WARNING, Finding
from tenantlint.output.text import make_console, write_findings, write_statistics, write_summary

SOURCE = {
    "app/routers/billing.py": [
        "from fastapi import APIRouter\n",
        "\n",
        "@router.get('/invoices', dependencies=[Depends(auth)])\n",
        "async def list_invoices(limit: int = 10):\n",
        "\tlogger.info('listing %d', limit)\n",
        "    logger.info('größe \x1b[31m')\n",
    ],
}

TL101 = Finding(
    "TL101", "app/routers/billing.py", 4, 11,
    "Endpoint `list_invoices` does not take the tenant dependency; add `tenant_id: str = Depends(get_current_tenant_id)`.",
    function="list_invoices", route="GET /invoices", priority="P0", fixable=True, end_line=4, end_column=24,
)
TL103 = Finding(
    "TL103", "app/routers/billing.py", 3, 1,
    "The tenant dependency reaches `list_invoices` only through `dependencies=[...]`.",
    function="list_invoices", route="GET /invoices", priority="P0", unsafe_fixable=True,
)
TL201 = Finding(
    "TL201", "app/routers/billing.py", 5, 2, "Log message does not start with the tenant prefix `[Tenant: {tenant_id}]`.",
    function="list_invoices", route="GET /invoices", priority="P1", severity=WARNING, end_line=5, end_column=34,
)
TL202 = Finding(
    "TL202", "app/routers/billing.py", 6, 5, "Log message\x1b[2J carries a malformed prefix.",
    function="list_invoices", route="GET /invoices", priority="P10", severity=WARNING,
    fix_note="the message is not a plain string.",
)


def render(findings, **options) -> str:
    stream = io.StringIO()
    console = make_console(stream, "never")
    write_findings(findings, console=console, source_lines=SOURCE.get, **options)
    return stream.getvalue()


def test_finding_lines_without_source():
    output = render([TL201, TL101], show_source=False)

    assert output == (
        "app/routers/billing.py:4:11: TL101 [*] Endpoint `list_invoices` does not take the tenant dependency;"
        " add `tenant_id: str = Depends(get_current_tenant_id)`.\n"
        "app/routers/billing.py:5:2: TL201 Log message does not start with the tenant prefix `[Tenant: {tenant_id}]`.\n"
    )


def test_code_frame_caret_under_range():
    output = render([TL101])

    assert output.splitlines()[1:] == [
        " 4 | async def list_invoices(limit: int = 10):",
        "   |           ^^^^^^^^^^^^^",
        "",
    ]


def test_code_frame_colours_only_gutter_and_caret():
    stream = io.StringIO()
    console = make_console(stream, "always")

    write_findings([TL101], console=console, source_lines=SOURCE.get)

    lines = stream.getvalue().splitlines()
    assert lines[1] == "\x1b[34m 4 | \x1b[0masync def list_invoices(limit: int = 10):"
    assert lines[2] == "\x1b[34m   | \x1b[0m          \x1b[1;31m^^^^^^^^^^^^^\x1b[0m"


def test_code_frame_tab_indent_keeps_caret_aligned():
    lines = render([TL201]).splitlines()

    source_line, caret_line = lines[1], lines[2]
    assert source_line == " 5 |    logger.info('listing %d', limit)"
    assert caret_line == "   |    " + "^" * 32
    assert caret_line.index("^") == source_line.index("logger")


def test_control_characters_are_made_visible():
    output = render([TL202])

    assert "\x1b" not in output
    assert "Log message\u241b[2J carries a malformed prefix." in output
    assert " 6 |     logger.info('größe \u241b[31m')\n   |     ^\n" in output


def test_frame_skipped_when_source_unavailable():
    missing = Finding("TL902", "gone.py", 3, 1, "File could not be parsed.")

    assert render([missing]) == "gone.py:3:1: TL902 File could not be parsed.\n"


def test_show_fixes_lines():
    output = render([TL101, TL103, TL201, TL202], show_source=False, show_fixes=True)

    assert output.splitlines()[1::2] == [
        "    fix: only with `tenantlint fix --unsafe-fixes`, whose change needs review.",
        "    fix: `tenantlint fix` repairs this.",
        "    fix: none, so change the code by hand.",
        "    fix: not applied. the message is not a plain string.",
    ]


def summary(findings, **options) -> str:
    stream = io.StringIO()
    write_summary(findings, console=make_console(stream, "never"), **options)
    return stream.getvalue()


def test_summary_counts():
    output = summary([TL101, TL103, TL201], files=5, errors=0, elapsed=None)

    assert output == (
        "Found 2 errors and 1 warning in 1 of 5 files; 1 fixable with `tenantlint fix`;"
        " 1 more with `tenantlint fix --unsafe-fixes`.\n"
    )


def test_summary_all_passed_with_time():
    output = summary([], files=1, errors=0, elapsed=0.4567)

    assert output == "All checks passed.\nChecked 1 file in 0.46 s.\n"


def test_summary_after_fix_and_errors():
    output = summary([TL201], fixed=3, files=1, errors=2, elapsed=None)

    assert output == (
        "Fixed 3 findings.\n"
        "Found 1 warning in 1 file.\n"
        "2 files could not be processed, as reported above.\n"
    )


def test_summary_errors_only_is_not_all_passed():
    assert summary([], files=4, errors=1, elapsed=None) == "1 file could not be processed, as reported above.\n"


def test_statistics_tables():
    stream = io.StringIO()

    write_statistics([TL201, TL101, TL103, TL202, TL101], make_console(stream, "never"))

    output = stream.getvalue()
    data_rows = [
        [cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines() if line.startswith("│")
    ]
    assert output.startswith("Findings per rule\n")
    assert "\nFindings per priority\n" in output
    assert data_rows == [
        ["TL101", "missing-dependency", "2", "2"],
        ["TL103", "router-level-dependency", "1", "0"],
        ["TL201", "log-without-prefix", "1", "0"],
        ["TL202", "malformed-prefix", "1", "0"],
        ["P0", "3", "0"],
        ["P1", "0", "1"],
        ["P10", "0", "1"],
    ]


@pytest.mark.parametrize(
    ("color", "environ", "colored"),
    [
        ("never", {"FORCE_COLOR": "1"}, False),
        ("always", {"NO_COLOR": "1"}, True),
        ("auto", {}, False),
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": ""}, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_color_choice_on_pipe(color: str, environ: dict[str, str], colored: bool):
    stream = io.StringIO()
    console = make_console(stream, color, environ)

    write_findings([TL101], console=console, source_lines=SOURCE.get, show_source=False)

    assert ("\x1b[" in stream.getvalue()) is colored


@pytest.mark.parametrize(("environ", "colored"), [({}, True), ({"NO_COLOR": "yes"}, False), ({"NO_COLOR": ""}, True)])
def test_color_auto_on_terminal(environ: dict[str, str], colored: bool):
    leader, follower = os.openpty()
    with open(follower, "w", encoding="utf-8") as terminal:
        console = make_console(terminal, "auto", environ)
        write_findings([TL101], console=console, source_lines=SOURCE.get, show_source=False)
        terminal.flush()
        written = os.read(leader, 4096).decode("utf-8")
    os.close(leader)

    assert ("\x1b[" in written) is colored
    assert "TL101" in written


def test_invalid_color_choice():
    with pytest.raises(ValueError, match="invalid color choice 'sometimes'"):
        make_console(io.StringIO(), "sometimes")
