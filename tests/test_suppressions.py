"""Inline suppression comments: parsing with tokenize and applying them to findings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tenantlint.findings import Finding
from tenantlint.rules import ALL_CODES
from tenantlint.suppressions import Suppression, apply_suppressions, parse_suppressions

ALL = frozenset(ALL_CODES)

ROUTER = '''\
import logging

from fastapi import APIRouter

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/health")  # tenantlint: ignore[TL101] liveness probe, no tenant data
def health():
    log.info("alive")  # tenantlint: ignore[TL201, TL202] probe log, no tenant
    return {"ok": True}


@router.get("/reports")
def list_reports():  # tenantlint: ignore[TL101, TL201]: reports are public
    log.info("listing")
    log.info("listed")
    return []


@router.get("/docs")
def docs():
    note = "# tenantlint: ignore[TL101] inside a string"
    return note
'''


def finding(code: str, line: int, endpoint_lines: tuple[int, ...] = (), column: int = 5) -> Finding:
    return Finding(code, "app/routers/reports.py", line, column, f"{code} message", extra={"endpoint_lines": endpoint_lines})


def test_parse_codes_reason_and_position():
    suppressions = parse_suppressions(ROUTER)

    assert [(s.line, s.codes, s.reason) for s in suppressions] == [
        (9, ("TL101",), "liveness probe, no tenant data"),
        (11, ("TL201", "TL202"), "probe log, no tenant"),
        (16, ("TL101", "TL201"), "reports are public"),
    ]
    assert suppressions[0].column == len('@router.get("/health")  ') + 1
    assert suppressions[0].length == len("# tenantlint: ignore[TL101] liveness probe, no tenant data")


def test_parse_ignores_marker_inside_string():
    source = 'x = "# tenantlint: ignore[TL101] in a string"\ny = """\n# tenantlint: ignore[TL201] docstring\n"""\n'

    assert parse_suppressions(source) == []


def test_parse_tokenize_error_returns_nothing():
    # The comment itself tokenizes, but the open bracket never closes.
    source = "x = 1  # tenantlint: ignore[TL201] reason\ny = (\n"

    assert parse_suppressions(source) == []


def test_parse_after_other_comment_text():
    source = "import os  # noqa: F401  # tenantlint: ignore[TL104] re-exported\n"

    assert parse_suppressions(source) == [Suppression(1, ("TL104",), "re-exported", 12, 53)]


def test_parse_crlf_and_bom_keep_line_numbers():
    source = "\ufeffimport os\r\n\r\nx = 1  # tenantlint: ignore[TL201] crlf file\r\n"

    [suppression] = parse_suppressions(source)

    assert (suppression.line, suppression.column, suppression.reason) == (3, 8, "crlf file")


def test_parse_without_reason_or_codes():
    source = "a = 1  # tenantlint: ignore[TL101]\nb = 2  # tenantlint: ignore\nc = 3  # tenantlint: ignore[] why\n"

    suppressions = parse_suppressions(source)

    assert [(s.codes, s.reason) for s in suppressions] == [(("TL101",), ""), ((), ""), ((), "why")]


def test_apply_on_finding_line_and_def_line():
    suppressions = parse_suppressions(ROUTER)
    findings = [
        finding("TL101", 10, endpoint_lines=(9, 10)),
        finding("TL201", 11, endpoint_lines=(9, 10)),
        finding("TL101", 16, endpoint_lines=(15, 16)),
        finding("TL201", 17, endpoint_lines=(15, 16)),
        finding("TL201", 18, endpoint_lines=(15, 16)),
        finding("TL101", 23, endpoint_lines=(22, 23)),
    ]

    result = apply_suppressions(findings, suppressions, path="app/routers/reports.py", enabled_codes=ALL)

    assert result.kept == [findings[5]]
    assert [(f.line, s.line) for f, s in result.used] == [(10, 9), (11, 11), (16, 16), (17, 16), (18, 16)]
    assert [(p.line, p.message) for p in result.problems] == [
        (11, "Suppression of `TL202` matches no finding on this line or its endpoint, so remove `TL202` from the comment."),
    ]


def test_apply_requires_reason_but_still_hides():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore[TL201]\n")

    result = apply_suppressions([finding("TL201", 1)], suppressions, path="a.py", enabled_codes=ALL)

    assert result.kept == []
    [problem] = result.problems
    assert problem.code == "TL903"
    assert problem.path == "a.py"
    assert (problem.line, problem.column, problem.end_column) == (1, 8, 8 + len("# tenantlint: ignore[TL201]"))
    assert problem.message == "Suppression of `TL201` gives no reason, so add one after the `]`."


def test_apply_unknown_code():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore[TL999, TL201] typo\n")

    result = apply_suppressions([finding("TL201", 1)], suppressions, path="a.py", enabled_codes=ALL)

    assert result.kept == []
    assert [p.message for p in result.problems] == [
        "Suppression names unknown rule code `TL999`, so remove it or use a code that `tenantlint rules` lists.",
    ]


def test_apply_unused_only_for_enabled_codes():
    suppressions = parse_suppressions("def f():  # tenantlint: ignore[TL101, TL201] public\n    pass\n")
    enabled = frozenset({"TL201", "TL202", "TL903"})

    result = apply_suppressions([], suppressions, path="a.py", enabled_codes=enabled)

    assert [p.message for p in result.problems] == [
        "Suppression of `TL201` matches no finding on this line or its endpoint, so remove `TL201` from the comment.",
    ]


def test_apply_without_tl903_enabled_reports_nothing():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore[TL999]\n")

    result = apply_suppressions([], suppressions, path="a.py", enabled_codes=frozenset({"TL201"}))

    assert result.problems == []


def test_apply_never_hides_tl903():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore[TL903] try to hide\n")
    tl903 = finding("TL903", 1)

    result = apply_suppressions([tl903], suppressions, path="a.py", enabled_codes=ALL)

    assert result.kept == [tl903]
    assert [p.message for p in result.problems] == [
        "`TL903` cannot be suppressed by a comment, so remove it and fix the comment"
        " or disable the rule with `--ignore TL903`.",
    ]


def test_apply_comment_without_codes():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore because\n")

    result = apply_suppressions([finding("TL201", 1)], suppressions, path="a.py", enabled_codes=ALL)

    assert len(result.kept) == 1
    assert [p.message for p in result.problems] == [
        "Suppression comment names no rule code, so list the codes to hide, as in `# tenantlint: ignore[TL201] reason`.",
    ]


def test_apply_other_line_does_not_hide():
    suppressions = parse_suppressions("x = 1  # tenantlint: ignore[TL201] wrong line\ny = 2\n")

    result = apply_suppressions([finding("TL201", 2)], suppressions, path="a.py", enabled_codes=ALL)

    assert len(result.kept) == 1
    assert result.used == []
    assert len(result.problems) == 1


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(["#", " ", "\n", "\r", "'", '"', "(", ")", "[", "]", ",", "x", "\t", "\\", "tenantlint: ignore", "TL101"])))
def test_parse_never_raises(pieces: list[str]):
    source = "".join(pieces)

    for suppression in parse_suppressions(source):
        assert suppression.line >= 1
        assert suppression.column >= 1
        assert suppression.reason == suppression.reason.strip()
