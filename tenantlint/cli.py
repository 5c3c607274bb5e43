"""Command line: click commands, streams and exit codes; the work happens in `tenantlint.runner`."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from tenantlint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
RECURSION_LIMIT = 10_000
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit")
REPORT_FORMATS = ("text", "json", "markdown", "html")


class UsageProblem(click.ClickException):
    """An error in the user's input, reported in one line with exit status 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"tenantlint: error: {self.format_message()}", err=True)


def _common_options(function: Callable) -> Callable:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file to use instead of searching upward."),
        click.option("--select", help="Comma-separated rule codes or prefixes to run (replaces the config's `select`)."),
        click.option("--ignore", help="Comma-separated rule codes or prefixes to skip (replaces the config's `ignore`)."),
        click.option("--output", "output_file", type=click.Path(path_type=Path, dir_okay=False), help="Write the machine-format output to this file instead of stdout."),
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Colour in text output."),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only: no code frames, no summary."),
        click.option("--no-cache", is_flag=True, help="Analyse every file again instead of reusing cached results."),
        click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Folder of the result cache (default: .tenantlint_cache in the project root)."),
        click.option("--changed-since", metavar="REF", help="Check only files changed since this git revision, plus files whose routes they affect."),
        click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: decide from the number of files and CPUs)."),
        click.option("--debug", is_flag=True, help="Show tracebacks for internal errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _check_options(function: Callable) -> Callable:
    options = [
        click.option("--format", "output_format", type=click.Choice(CHECK_FORMATS), default="text", show_default=True, help="Output format."),
        click.option("--exit-zero", is_flag=True, help="Exit with status 0 even when enforced findings remain."),
        click.option("--statistics", is_flag=True, help="Print counts per rule and per priority."),
        click.option("--show-fixes", is_flag=True, help="Say for each finding whether and how `fix` repairs it."),
        click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Hide the findings recorded in this baseline file."),
        click.option("--write-baseline", "write_baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Record the current findings in this baseline file."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _guard(function: Callable) -> Callable:
    """Turn unexpected exceptions into one line and exit status 2, unless --debug is given."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("tenantlint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of stdout went away (`tenantlint rules | head`). Point stdout at
            # /dev/null so the interpreter's final flush cannot raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as error:  # noqa: BLE001 - the one place internal errors become exit status 2
            if kwargs.get("debug"):
                raise
            click.echo(f"tenantlint: internal error: {type(error).__name__}: {error} (run with --debug for a traceback)", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper


def _normalise(options: dict[str, Any]) -> dict[str, Any]:
    """Accept rule codes in any case (`--select tl1`), as `explain` does."""
    for name in ("select", "ignore"):
        if options.get(name):
            options[name] = options[name].upper()
    return options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tenantlint")
def main() -> None:
    """Check and fix tenant isolation in multi-tenant FastAPI services."""
    # libcst's visitors recurse once per nesting level of the code; deeply
    # nested expressions need more than Python's default of 1,000 frames.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    # A terminal or pipe that cannot encode a character (PYTHONIOENCODING=ascii)
    # gets an escape sequence instead of ending the run with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@main.command()
@_common_options
@_check_options
@_guard
def check(**options: Any) -> None:
    """Report findings; never writes source files.

    Exit status: 0 no enforced finding, 1 enforced findings, 2 usage,
    configuration or internal error.
    """
    from tenantlint import runner

    sys.exit(runner.run_check(runner.Options.from_click(_normalise(options), command="check")))


@main.command()
@_common_options
@_check_options
@click.option("--diff", is_flag=True, help="Print the unified diff that `fix` would apply and write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (they change the API, such as TL102).")
@_guard
def fix(**options: Any) -> None:
    """Apply the safe fixes in place, then report what is left.

    Exit status: 0 nothing enforced left, 1 enforced findings remain,
    2 error. With --diff: 0 no change, 1 changes pending, 2 error.
    """
    from tenantlint import runner

    sys.exit(runner.run_fix(runner.Options.from_click(_normalise(options), command="fix")))


@main.command()
@_common_options
@click.option("--format", "output_format", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Output format.")
@_guard
def report(**options: Any) -> None:
    """Print the endpoint inventory with tenant-isolation status and coverage per priority."""
    from tenantlint import runner

    sys.exit(runner.run_report(runner.Options.from_click(_normalise(options), command="report")))


@main.command()
@click.argument("code")
@_guard
def explain(code: str) -> None:
    """Explain what rule CODE finds, why it matters and how to fix it."""
    from tenantlint.rules import ALL_CODES, rule_info

    normalised = code.strip().upper()
    if normalised not in ALL_CODES:
        raise UsageProblem(f"unknown rule code `{code}`; run `tenantlint rules` for the list")
    info = rule_info(normalised)
    click.echo(f"{info.code} ({info.name}): {info.summary}\n")
    click.echo(info.explanation)


@main.command(name="rules")
@_guard
def list_rules() -> None:
    """List every rule code with a one-line summary."""
    from tenantlint.rules import ALL_CODES, rule_info

    for code in ALL_CODES:
        info = rule_info(code)
        click.echo(f"{info.code}  {info.name:<26} {info.summary}")


@main.command()
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="Folder of the result cache.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file whose project root holds the cache.")
@_guard
def clean(cache_dir: Path | None, config_file: Path | None, debug: bool) -> None:
    """Remove the result cache."""
    from tenantlint import runner

    try:
        removed = runner.clean_cache(cache_dir, config_file)
    except (ValueError, OSError) as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"Removed {removed}." if removed else "No cache to remove.", err=True)
