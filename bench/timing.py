"""Run commands repeatedly and record wall time, exit status and peak RSS."""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Exit statuses that mean "ran and reported": linters exit 1 when they find
# something, which is what the benchmark corpora are for.
OK_STATUSES = (0, 1)

# An uncaught Python exception also exits with status 1, so a run whose
# stderr contains this line counts as failed whatever its status.
TRACEBACK = "Traceback (most recent call last):"


@dataclass(frozen=True)
class Command:
    """One benchmarked command line, run from `cwd`."""

    label: str
    argv: tuple[str, ...]
    cwd: Path
    env: tuple[tuple[str, str], ...] = ()

    def display(self) -> str:
        assignments = " ".join(f"{name}={value}" for name, value in self.env)
        words = " ".join(shlex.quote(word) for word in self.argv)
        return f"cd {shlex.quote(str(self.cwd))} && {assignments + ' ' if assignments else ''}{words}"


@dataclass
class Measurement:
    """Times in seconds and peak RSS in MiB of the runs of one command."""

    command: Command
    seconds: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    failure: str | None = None

    @property
    def median(self) -> float | None:
        if self.failure is not None or not self.seconds:
            return None
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class RunResult:
    """Outcome of one run of a command."""

    seconds: float
    status: int
    peak_rss_mib: float
    stderr_tail: str
    crashed: bool

    @property
    def failed(self) -> bool:
        return self.crashed or self.status not in OK_STATUSES


def run_once(command: Command) -> RunResult:
    """Run `command` with stdout discarded; read its own peak RSS with `os.wait4`."""
    env = dict(os.environ)
    env.update(command.env)
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command.argv, cwd=command.cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
        )
        _, wait_status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        # Popen skips its own wait once returncode is set.
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")

    # On Linux ru_maxrss is in KiB and covers the child and the descendants
    # it waited for.
    return RunResult(elapsed, process.returncode, usage.ru_maxrss / 1024, last_line(errors), TRACEBACK in errors)


def measure(commands: list[Command], runs: int, warmups: int) -> list[Measurement]:
    """Warm up every command, then run them in alternating rounds.

    Each round starts one command later than the previous one, so that no
    command always runs right after the same neighbour. A command that
    exits with a status outside OK_STATUSES, or prints a Python traceback, is
    marked failed with the last line of its stderr and not run again.
    """
    results = [Measurement(command) for command in commands]
    for _ in range(warmups):
        for result in results:
            _record(result, keep_time=False)

    for round_number in range(runs):
        shift = round_number % len(results) if results else 0
        for result in results[shift:] + results[:shift]:
            _record(result, keep_time=True)
    return results


def _record(result: Measurement, keep_time: bool) -> None:
    if result.failure is not None:
        return

    try:
        outcome = run_once(result.command)
    except OSError as error:
        result.failure = f"failed to start: {error}"
        return

    if outcome.failed:
        result.failure = f"failed (exit {outcome.status}): {outcome.stderr_tail or 'no stderr'}"
        return

    result.peak_rss_mib = max(result.peak_rss_mib, outcome.peak_rss_mib)
    if keep_time:
        result.seconds.append(outcome.seconds)


def last_line(text: str) -> str:
    """Return the last non-blank line of `text`, cut to 300 characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""

