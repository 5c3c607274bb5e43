"""GitHub workflow-command output: one annotation per finding, escaped as GitHub expects."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tenantlint.findings import WARNING, Finding
from tenantlint.output.github import render_github

COMMAND = re.compile(r"^::(?P<command>error|warning) (?P<properties>[^:]*)::(?P<message>.*)$")


ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def unescape(value: str) -> str:
    return re.sub("%25|%0D|%0A|%3A|%2C", lambda match: ESCAPES[match[0]], value)


def parse(output: str) -> list[tuple[str, dict[str, str], str]]:
    assert output.endswith("\n")
    commands = []
    for line in output[:-1].split("\n"):
        match = COMMAND.match(line)
        assert match is not None, line
        pairs = [pair.split("=", 1) for pair in match["properties"].split(",")]
        properties = {name: unescape(value) for name, value in pairs}
        commands.append((match["command"], properties, unescape(match["message"])))
    return commands


def test_error_and_warning_fields():
    findings = [
        Finding("TL201", "app/routers/billing.py", 14, 9, "Log message lacks the prefix.", severity=WARNING),
        Finding("TL101", "app/routers/billing.py", 12, 1, "Endpoint `list` lacks the tenant.", end_line=12, end_column=18),
    ]

    commands = parse(render_github(findings))

    assert commands == [
        (
            "error",
            {"file": "app/routers/billing.py", "line": "12", "col": "1", "endLine": "12", "endColumn": "18", "title": "TL101"},
            "Endpoint `list` lacks the tenant.",
        ),
        ("warning", {"file": "app/routers/billing.py", "line": "14", "col": "9", "title": "TL201"}, "Log message lacks the prefix."),
    ]


def test_escaping_of_data_and_properties():
    finding = Finding(
        "TL202", "odd,dir/a:b%20c.py", 3, 4, "Prefix `[Tenant: {x}]` is 100% wrong,\r\nsee line 2: fix it %0A."
    )

    output = render_github([finding])

    assert output == (
        "::error file=odd%2Cdir/a%3Ab%2520c.py,line=3,col=4,title=TL202"
        "::Prefix `[Tenant: {x}]` is 100%25 wrong,%0D%0Asee line 2: fix it %250A.\n"
    )
    assert parse(output)[0][1]["file"] == "odd,dir/a:b%20c.py"
    assert parse(output)[0][2] == finding.message


def test_lone_surrogate_in_path_is_writable():
    finding = Finding("TL902", "app/bad\udcffname.py", 1, 1, "File could not be decoded.")

    output = render_github([finding])

    assert output.encode("utf-8") == b"::error file=app/bad?name.py,line=1,col=1,title=TL902::File could not be decoded.\n"


def test_no_findings_renders_nothing():
    assert render_github([]) == ""


@settings(max_examples=300, deadline=None)
@given(path=st.text(st.characters(exclude_categories=["Cs"]), min_size=1), message=st.text(st.characters(exclude_categories=["Cs"])))
def test_any_text_round_trips(path: str, message: str):
    finding = Finding("TL201", path, 7, 3, message, severity=WARNING)

    [(command, properties, parsed_message)] = parse(render_github([finding]))

    assert command == "warning"
    assert properties == {"file": path, "line": "7", "col": "3", "title": "TL201"}
    assert parsed_message == message
