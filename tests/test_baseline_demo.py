"""Baseline files on a copy of the demo application: moved code, new, extra, renamed and removed endpoints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_tenantlint

BASELINE = "tenantlint-baseline.json"
ROUTERS = Path("app/api/routers")
STALE_NOTE = "baseline entry no longer matches"

# Lines inserted above endpoints, each anchored on bytes that occur once in the file:
# a new import, comments and blank lines.
UNRELATED_EDITS = [
    ("alerts.py", b"import logging\n", b"import os\n"),
    ("alerts.py", b'@router.post("/{alert_id}/acknowledge"', b"# Acknowledged alerts stay listed for 30 days.\n\n\n"),
    ("metrics.py", b"from typing import Annotated\n", b"from datetime import datetime\n"),
    ("metrics.py", b'@router.get("/system-load"', b"\n\n# Sampled every 10 s by the host agent.\n# The threshold is shared with the pager.\n"),
    ("trades.py", b'@router.get("/trades", response_model=list[Trade])', b"# Trades are immutable once filled; see the cancel route for open orders.\n"),
    ("regime.py", b'@router.get("/regime/current"', b"\n\n\n"),
]

NEW_ENDPOINT = b'''

@router.get("/{alert_id}/history", response_model=list[Alert])
async def get_alert_history(alert_id: str) -> list[Alert]:
    """Every state change of one alert."""
    logger.info(f"History of alert {alert_id}")
    return alert_service.history(alert_id)
'''


def check_json(demo: Path, *args: str):
    """Run `check --format json` in DEMO; return the exit status, the findings and stderr."""
    result = run_tenantlint(["check", "--format", "json", *args], demo)
    return result.exit_code, result.json(), result.stderr


def insert_before(path: Path, anchor: bytes, text: bytes) -> None:
    content = path.read_bytes()
    assert content.count(anchor) == 1, f"{anchor!r} is not unique in {path}"
    path.write_bytes(content.replace(anchor, text + anchor))


def entries(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["entries"]


@pytest.fixture(scope="module")
def recorded_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the demo with a baseline of all its findings, recorded once per module."""
    copy = tmp_path_factory.mktemp("recorded") / "demo"
    shutil.copytree(FIXTURES / "demo", copy, ignore=shutil.ignore_patterns(".tenantlint_cache", "__pycache__"))
    result = run_tenantlint(["check", "--quiet", "--exit-zero", "--write-baseline", BASELINE], copy)
    assert result.exit_code == 0, result.stderr
    return copy


@pytest.fixture
def demo(recorded_demo: Path, tmp_path: Path) -> Path:
    """Return this test's own copy of the recorded demo, result cache included."""
    return Path(shutil.copytree(recorded_demo, tmp_path / "demo"))


def test_baseline_counts_every_demo_finding(demo: Path):
    status, findings, _ = check_json(demo)

    recorded = entries(demo / BASELINE)

    assert status == 1
    assert sum(entry["count"] for entry in recorded) == len(findings)
    assert {(f["code"], f["path"], f["function"]) for f in findings} == {
        (entry["code"], entry["path"], entry["function"]) for entry in recorded
    }
    assert all("line" not in entry for entry in recorded)


def test_baseline_hides_every_demo_finding(demo: Path):
    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    assert status == 0
    assert findings == []
    assert STALE_NOTE not in stderr


def test_inserted_lines_keep_baseline_matching(demo: Path):
    _, before, _ = check_json(demo)
    for name, anchor, text in UNRELATED_EDITS:
        insert_before(demo / ROUTERS / name, anchor, text)

    _, after, _ = check_json(demo)
    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    edited = {(ROUTERS / name).as_posix() for name, _, _ in UNRELATED_EDITS}
    moved = {f["path"] for f in after if f not in before}
    assert moved == edited
    assert len(after) == len(before)
    assert status == 0
    assert findings == []
    assert STALE_NOTE not in stderr


def test_new_endpoint_is_only_finding(demo: Path):
    alerts = demo / ROUTERS / "alerts.py"
    for name, anchor, text in UNRELATED_EDITS:
        insert_before(demo / ROUTERS / name, anchor, text)
    alerts.write_bytes(alerts.read_bytes() + NEW_ENDPOINT)

    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    assert status == 1
    assert [(f["code"], f["path"], f["function"], f["route"]) for f in findings] == [
        ("TL101", "app/api/routers/alerts.py", "get_alert_history", "GET /{alert_id}/history"),
        ("TL201", "app/api/routers/alerts.py", "get_alert_history", "GET /{alert_id}/history"),
    ]
    assert all(f["severity"] == "error" for f in findings)
    assert STALE_NOTE not in stderr


def test_extra_log_call_exceeds_count(demo: Path):
    alerts = demo / ROUTERS / "alerts.py"
    added = b'    logger.info("Alert %s stored", alert.alert_id)\n'
    # The anchor is the `return` of `create_alert`, after its recorded log call.
    insert_before(alerts, b"    return alert\n\n\n@router.post(\"/{alert_id}/acknowledge\"", added)
    added_line = alerts.read_bytes().splitlines(keepends=True).index(added) + 1

    status, findings, _ = check_json(demo, "--baseline", BASELINE)

    assert status == 1
    assert [(f["code"], f["function"], f["line"]) for f in findings] == [("TL201", "create_alert", added_line)]


def test_renamed_endpoint_is_new_and_stale(demo: Path):
    regime = demo / ROUTERS / "regime.py"
    content = regime.read_bytes()
    regime.write_bytes(content.replace(b"def list_regime_transitions(", b"def list_regime_changes("))

    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    # regime.py is P2, which `enforce` leaves out, so its findings are warnings.
    assert status == 0
    assert sorted((f["code"], f["function"]) for f in findings) == [("TL101", "list_regime_changes"), ("TL201", "list_regime_changes")]
    stale = [line for line in stderr.splitlines() if STALE_NOTE in line]
    assert len(stale) == 2
    assert all("list_regime_transitions" in line for line in stale)


def remove_pnl_snapshot(demo: Path) -> None:
    metrics = demo / ROUTERS / "metrics.py"
    content = metrics.read_bytes()
    start = content.index(b'\n\n\n@router.get("/pnl"')
    metrics.write_bytes(content[:start] + b"\n")


def test_removed_endpoint_reported_stale(demo: Path):
    remove_pnl_snapshot(demo)

    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    assert status == 0
    assert findings == []
    stale = [line for line in stderr.splitlines() if STALE_NOTE in line]
    assert len(stale) == 2
    assert any("TL101" in line and "get_pnl_snapshot" in line for line in stale)
    assert any("TL201" in line and "get_pnl_snapshot" in line for line in stale)


def test_rewritten_baseline_drops_removed_endpoint(demo: Path):
    before = entries(demo / BASELINE)
    size_before = (demo / BASELINE).stat().st_size
    remove_pnl_snapshot(demo)

    rewrite = run_tenantlint(["check", "--quiet", "--baseline", BASELINE, "--write-baseline", BASELINE], demo)
    status, findings, stderr = check_json(demo, "--baseline", BASELINE)

    assert rewrite.exit_code == 0, rewrite.stderr
    assert entries(demo / BASELINE) == [entry for entry in before if entry["function"] != "get_pnl_snapshot"]
    assert (demo / BASELINE).stat().st_size < size_before
    assert status == 0
    assert findings == []
    assert STALE_NOTE not in stderr


def test_plain_write_matches_rewrite(demo: Path):
    remove_pnl_snapshot(demo)

    run_tenantlint(["check", "--quiet", "--baseline", BASELINE, "--write-baseline", BASELINE], demo)
    fresh = run_tenantlint(["check", "--quiet", "--exit-zero", "--write-baseline", "fresh.json"], demo)

    assert fresh.exit_code == 0
    assert (demo / "fresh.json").read_bytes() == (demo / BASELINE).read_bytes()


def test_baseline_works_from_subfolder(demo: Path):
    result = run_tenantlint(["check", "--format", "json", "--baseline", f"../{BASELINE}"], demo / "app")

    assert result.exit_code == 0, result.stderr
    assert result.json() == []
    assert STALE_NOTE not in result.stderr


def test_partial_rewrite_keeps_unchecked_entries(demo: Path):
    baseline = demo / "partial.json"
    run_tenantlint(["check", "--write-baseline", str(baseline)], demo)
    full = json.loads(baseline.read_text())["entries"]

    by_rule = run_tenantlint(["check", "--select", "TL1", "--baseline", str(baseline), "--write-baseline", str(baseline)], demo)
    by_file = run_tenantlint(
        ["check", "app/api/routers/alerts.py", "--baseline", str(baseline), "--write-baseline", str(baseline)], demo
    )
    everything = run_tenantlint(["check", "--baseline", str(baseline)], demo)

    assert json.loads(baseline.read_text())["entries"] == full
    assert "no longer matches" not in by_rule.stderr
    assert "no longer matches" not in by_file.stderr
    assert everything.exit_code == 0
