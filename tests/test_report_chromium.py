"""The HTML report in a real browser: headless Chromium renders it, runs its sorting script and dumps the DOM.

The page's Content-Security-Policy names the script by its sha256 hash, so
a sorted DOM also proves that the hash is right. The test is skipped only
when no Chromium binary is installed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tenantlint

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TIMEOUT_SECONDS = 120

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    run = run_tenantlint(["report", "--no-cache", "--format", "html", "--output", str(page), "."], FIXTURES / "isolation")
    assert run.exit_code == 0, run.stderr
    return page


def dump_dom(page: Path, query: str, profile: Path) -> str:
    """Return the DOM of PAGE after its scripts ran, as Chromium serialises it."""
    completed = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri() + query],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    return completed.stdout


def row_functions(dom: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r'<tr data-function="([^"]*)"', dom)]


def cell_texts(dom: str, column: int) -> list[str]:
    body = dom.split("<tbody>", 2)[2]
    rows = re.findall(r"<tr data-function=[^>]*>(.*?)</tr>", body, re.S)
    return [html.unescape(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column]) for row in rows]


def test_rows_are_in_the_dom(report_page, tmp_path):
    dom = dump_dom(report_page, "", tmp_path)

    assert len(row_functions(dom)) == 13
    assert "get_cache_metrics" in row_functions(dom)
    assert 'data-sorted-by' not in dom.split("<table id=\"inventory\"", 1)[1].split(">", 1)[0]


def test_sort_parameter_sorts_by_function(report_page, tmp_path):
    dom = dump_dom(report_page, "?sort=function", tmp_path)

    assert 'id="inventory" data-sorted-by="function" data-sort-order="asc"' in dom
    assert row_functions(dom) == sorted(row_functions(dom))
    assert 'data-key="function" data-type="text" aria-sort="ascending"' in dom


def test_sort_parameter_sorts_numbers_descending(report_page, tmp_path):
    dom = dump_dom(report_page, "?sort=line&order=desc", tmp_path)

    lines = [int(text) for text in cell_texts(dom, 1)]
    assert lines == sorted(lines, reverse=True)
    assert 'data-sort-order="desc"' in dom


def test_unknown_sort_key_leaves_order(report_page, tmp_path):
    unsorted = dump_dom(report_page, "", tmp_path / "first")
    dom = dump_dom(report_page, "?sort=nonexistent", tmp_path / "second")

    assert row_functions(dom) == row_functions(unsorted)
    assert "data-sorted-by" not in dom.split('<table id="inventory"', 1)[1].split(">", 1)[0]
