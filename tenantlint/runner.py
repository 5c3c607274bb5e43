"""One run of `check`, `fix` or `report`: configuration, files, project rules, baseline and output.

The CLI turns options into an `Options` record and calls one `run_*`
function, which returns the exit status. Results go to stdout, people's
messages to stderr.
"""

from __future__ import annotations

import difflib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tenantlint import __version__
from tenantlint.api import FileResult
from tenantlint.findings import FileError, Finding

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Options:
    command: str
    paths: tuple[str, ...] = ()
    config_file: Path | None = None
    select: str | None = None
    ignore: str | None = None
    output_format: str = "text"
    output_file: Path | None = None
    color: str = "auto"
    quiet: bool = False
    no_cache: bool = False
    cache_dir: Path | None = None
    changed_since: str | None = None
    jobs: int = 0
    debug: bool = False
    exit_zero: bool = False
    statistics: bool = False
    show_fixes: bool = False
    baseline_file: Path | None = None
    write_baseline_file: Path | None = None
    diff: bool = False
    unsafe_fixes: bool = False

    @classmethod
    def from_click(cls, values: dict[str, Any], command: str) -> Options:
        known = {name for name in cls.__dataclass_fields__}
        data = {key: value for key, value in values.items() if key in known}
        data["paths"] = tuple(values.get("paths") or ())
        return cls(command=command, **data)


class RunError(Exception):
    """A problem that stops the run with exit status 2; `str()` is one line."""


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    project_findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.files for f in result.findings] + self.project_findings

    @property
    def errors(self) -> list[FileError]:
        return [error for result in self.files for error in result.errors]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def load(options: Options):
    from tenantlint.config import ConfigError, load_config, with_overrides

    cwd = Path.cwd()
    try:
        loaded = load_config(options.config_file, cwd)
        config = loaded.config
        if options.select is not None or options.ignore is not None:
            config = with_overrides(config, select=options.select, ignore=options.ignore)
    except ConfigError as error:
        raise RunError(str(error)) from None
    for warning in loaded.warnings:
        _stderr(f"tenantlint: warning: {warning}")
    return config, cwd


def collect(options: Options, *, fix: bool) -> tuple[Any, Path, RunResult]:
    """Analyse (and with FIX, fix in memory) every candidate file."""
    from tenantlint.discovery import DiscoveryError
    from tenantlint.parallel import process_all

    config, cwd = load(options)
    started = time.perf_counter()
    result = RunResult()
    try:
        from tenantlint.api import iter_files

        unreadable: list[tuple[str, str]] = []
        files = list(iter_files(list(options.paths), config, cwd, result.warnings, unreadable))
        if options.changed_since:
            files = changed_files(files, options.changed_since, cwd)
    except DiscoveryError as error:
        raise RunError(str(error)) from None
    discovery_warnings = list(result.warnings)
    for warning in discovery_warnings:
        _stderr(f"tenantlint: warning: {warning}")
    from tenantlint.output.progress import progress_bar

    show_bar = fix and not options.quiet and not options.diff
    with progress_bar(len(files), show_bar) as advance:
        result.files = process_all(files, config, options, fix=fix, advance=advance, warnings=result.warnings)
    for warning in result.warnings[len(discovery_warnings):]:
        _stderr(f"tenantlint: warning: {warning}")
    for display, message in unreadable:
        result.files.append(FileResult(cwd / display, display, errors=[FileError(display, message)]))
    result.project_findings = project_findings(options, config, cwd, result, fix=fix)
    result.elapsed = time.perf_counter() - started
    return config, cwd, result


def changed_files(files: list[tuple[Path, str]], ref: str, cwd: Path) -> list[tuple[Path, str]]:
    """Keep the files changed since git revision REF, plus the files that mount routers from them.

    A file that calls `include_router` and names a changed module's stem
    also changes the full routes of that module's endpoints, so it is kept.
    """
    import subprocess

    def git(*args: str) -> list[str]:
        try:
            completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
        except FileNotFoundError:
            raise RunError("--changed-since needs git, which is not installed") from None
        except subprocess.CalledProcessError as error:
            detail = (error.stderr or "").strip().splitlines()
            raise RunError(f"--changed-since {ref}: git failed: {detail[-1] if detail else error}") from None
        return [line for line in completed.stdout.splitlines() if line]

    top = Path(git("rev-parse", "--show-toplevel")[0])
    names = git("diff", "--name-only", "--diff-filter=ACMRT", ref, "--") + git("ls-files", "--others", "--exclude-standard")
    changed = {Path(os.path.abspath(top / name)) for name in names if name.endswith(".py")}
    stems = {path.stem for path in changed}
    kept = []
    for path, display in files:
        if Path(os.path.abspath(path)) in changed or _mounts_any(path, stems):
            kept.append((path, display))
    return kept


def _mounts_any(path: Path, stems: set[str]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if b"include_router" not in data:
        return False
    return any(stem.encode() in data for stem in stems if stem != "__init__")


def project_findings(options: Options, config, cwd: Path, result: RunResult, *, fix: bool = False) -> list[Finding]:
    """Resolve routes across files, check again the files that depend on them, and run the project rules.

    Updates `result.files` in place. A run limited by `--changed-since`
    does not cover the project even when its paths do.
    """
    covers_root = _covers_root(options, config, cwd) and not options.changed_since
    if not covers_root and not any(file_result.summary is not None for file_result in result.files):
        return []  # nothing was parsed, so there is no route to resolve (and libcst need not load)
    from tenantlint.project import analyze_project

    return analyze_project(config, cwd, result.files, covers_root=covers_root, fix=fix, unsafe=options.unsafe_fixes)


def _covers_root(options: Options, config, cwd: Path) -> bool:
    """Return whether the PATH arguments include the whole project, so that an unmatched selector is really stale."""
    root = Path(os.path.abspath(config.root))
    for text in options.paths or (".",):
        path = Path(os.path.abspath(cwd / text))
        if path == root or path in root.parents:
            return True
    return False


def validate(options: Options) -> None:
    """Reject option values that would do something other than what the user meant."""
    if any(path == "" for path in options.paths):
        raise RunError("an empty PATH argument was given; name a file or folder, or none for the current folder")
    if options.changed_since is not None and (not options.changed_since or options.changed_since.startswith("-")):
        raise RunError(f"--changed-since needs a git revision, not {options.changed_since!r}")
    if options.diff and options.output_format != "text":
        raise RunError("--diff prints a unified diff, so --format cannot be used with it")
    for option, target in (("--output", options.output_file), ("--write-baseline", options.write_baseline_file)):
        if target is not None and target.suffix in (".py", ".pyi"):
            raise RunError(f"{option} {target} names a Python source file; tenantlint never overwrites source files this way")


def _emit_safely(options: Options, result: RunResult, findings: list[Finding], cwd: Path, fixed: int = 0) -> None:
    """Print the results; a reader that closes stdout early (`| head`) does not change the exit status."""
    try:
        _emit(options, result, findings, cwd, fixed)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run_check(options: Options) -> int:
    # SARIF carries the fix of each fixable finding, so the fixes are computed in memory (never written).
    with_fixes = options.output_format == "sarif"
    try:
        validate(options)
        config, cwd, result = collect(options, fix=with_fixes)
        if with_fixes:
            _restore_unfixed(result)
        findings = _apply_baseline(options, config, result.findings, result)
        _emit_safely(options, result, findings, cwd)
    except RunError as error:
        _stderr(f"tenantlint: error: {error}")
        return EXIT_ERROR
    return _exit_status(options, findings, result.errors)


def _restore_unfixed(result: RunResult) -> None:
    """Report the findings as they are before fixing, as `check` does."""
    for file_result in result.files:
        if file_result.changed:
            file_result.findings = file_result.findings_before_fix


def run_fix(options: Options) -> int:
    try:
        validate(options)
        config, cwd, result = collect(options, fix=True)
    except RunError as error:
        _stderr(f"tenantlint: error: {error}")
        return EXIT_ERROR
    if options.diff:
        try:
            return _print_diff(result)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_FINDINGS
    written = _write_fixed(result)
    try:
        findings = _apply_baseline(options, config, result.findings, result)
        _emit_safely(options, result, findings, cwd, fixed=written)
    except RunError as error:
        _stderr(f"tenantlint: error: {error}")
        return EXIT_ERROR
    return _exit_status(options, findings, result.errors)


def run_report(options: Options) -> int:
    try:
        from tenantlint.report.inventory import render_report
    except ImportError:
        _stderr("tenantlint: error: `report` is not available in this build")
        return EXIT_ERROR
    try:
        config, cwd, result = collect(options, fix=False)
    except RunError as error:
        _stderr(f"tenantlint: error: {error}")
        return EXIT_ERROR
    color = False
    if options.output_format == "text" and options.output_file is None:
        from tenantlint.output.text import make_console

        color = make_console(sys.stdout, options.color).color_system is not None
    text = render_report(options.output_format, config, cwd, result, color=color)
    _write_output(options, text)
    return EXIT_ERROR if result.errors else EXIT_OK


def _exit_status(options: Options, findings: list[Finding], errors: list[FileError]) -> int:
    if errors:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.enforced for f in findings) else EXIT_OK


def _apply_baseline(options: Options, config: Any, findings: list[Finding], result: RunResult) -> list[Finding]:
    """Hide the findings a baseline records, and write a new baseline when asked.

    Entries for files or rules that the run did not check are neither
    reported as stale nor dropped when the baseline is rewritten.
    """
    from tenantlint.baseline import BaselineError, load_baseline, write_baseline

    everything = findings
    checked = [file_result.display for file_result in result.files] + [f.path for f in findings]
    codes = config.enabled_codes()
    if options.baseline_file is not None:
        try:
            outcome = load_baseline(options.baseline_file).apply(findings, checked_paths=checked, checked_codes=codes)
        except BaselineError as error:
            raise RunError(str(error)) from None
        if outcome.hidden and not options.quiet and options.output_format == "text":
            _stderr(f"{outcome.hidden} finding(s) hidden by the baseline {options.baseline_file}.")
        for entry in outcome.stale:
            _stderr(f"tenantlint: note: baseline entry no longer matches anything: {entry.describe()}")
        findings = outcome.new
    if options.write_baseline_file is not None:
        target = options.write_baseline_file
        try:
            keep = load_baseline(target).unchecked_entries(checked, codes) if target.exists() else []
            count = write_baseline(target, everything, keep)
        except BaselineError as error:
            raise RunError(str(error)) from None
        _stderr(f"Wrote {count} finding(s) to the baseline {target}.")
    return findings


# Output ------------------------------------------------------------------------------


def _emit(options: Options, result: RunResult, findings: list[Finding], cwd: Path, fixed: int = 0) -> None:
    for error in result.errors:
        _stderr(f"{error.path}: error: {error.message}")
    fmt = options.output_format
    if fmt == "text":
        _emit_text(options, result, findings, fixed)
        return
    _write_output(options, _render_machine(fmt, findings, result, cwd))
    if options.statistics:
        from tenantlint.output.text import make_console, write_statistics

        write_statistics(findings, make_console(sys.stderr, options.color))


def _render_machine(fmt: str, findings: list[Finding], result: RunResult, cwd: Path) -> str:
    if fmt == "json":
        from tenantlint.output.json_format import render_json

        return render_json(findings)
    if fmt == "sarif":
        from tenantlint.output.sarif import render_sarif

        fixes = {r.display: (_text(r.original), _text(r.fixed)) for r in result.files if r.changed}
        return render_sarif(findings, tool_version=__version__, fixes=fixes, cwd=cwd)
    if fmt == "github":
        from tenantlint.output.github import render_github

        return render_github(findings)
    from tenantlint.output.junit import render_junit

    return render_junit(findings, checked_files=[r.display for r in result.files])


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _write_output(options: Options, text: str) -> None:
    if options.output_file is not None:
        try:
            _atomic_write(options.output_file, text.encode("utf-8"))
        except OSError as error:
            raise RunError(f"cannot write the output file {options.output_file}: {error.strerror or error}") from None
        return
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    sys.stdout.flush()


def _emit_text(options: Options, result: RunResult, findings: list[Finding], fixed: int) -> None:
    import io

    from tenantlint.output.text import make_console, write_findings, write_statistics, write_summary

    buffer = io.StringIO() if options.output_file is not None else None
    out = make_console(buffer, "never") if buffer is not None else make_console(sys.stdout, options.color)
    err = make_console(sys.stderr, options.color)
    # After `fix`, the frames show the code as written to disk.
    sources = {r.display: (r.fixed if r.changed and not r.errors and options.command == "fix" else r.original) for r in result.files}
    write_findings(
        findings,
        console=out,
        source_lines=lambda path: _lines(sources.get(path)),
        show_source=not options.quiet,
        show_fixes=options.show_fixes,
    )
    if options.statistics:
        write_statistics(findings, out)
    if buffer is not None:
        _write_output(options, buffer.getvalue())
    if not options.quiet:
        for note in (note for r in result.files for note in r.notes):
            _stderr(f"note: {note}")
        files = sum(1 for r in result.files)
        write_summary(findings, console=err, fixed=fixed, files=files, errors=len(result.errors), elapsed=result.elapsed)


def _lines(data: bytes | None) -> list[str] | None:
    """Split source into lines the way Python counts them (not at form feeds or other separators)."""
    if data is None:
        return None
    text = data.decode(_source_encoding(data), errors="replace")
    return [line.rstrip("\r\n") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


# Writing fixes -----------------------------------------------------------------------


def _print_diff(result: RunResult) -> int:
    """Print the unified diff of every changed file, in that file's own encoding, so that `patch` applies it."""
    changed = [r for r in result.files if r.changed]
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    for file_result in changed:
        diff = _unified_diff(file_result)
        if out is None:
            sys.stdout.write(diff.decode("utf-8", errors="replace"))
        else:
            out.write(diff)
    if out is not None:
        out.flush()
    for error in result.errors:
        _stderr(f"{error.path}: error: {error.message}")
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if changed else EXIT_OK


def _source_encoding(data: bytes) -> str:
    """Return the encoding a Python source file declares (PEP 263), UTF-8 when it declares none or an unknown one."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _unified_diff(file_result: FileResult) -> bytes:
    """Return the diff of one file as bytes: headers in UTF-8, lines in the file's encoding."""
    original, fixed = file_result.original or b"", file_result.fixed or b""
    encoding = _source_encoding(original)
    before = _source_lines(original.decode(encoding, errors="surrogateescape"))
    after = _source_lines(fixed.decode(encoding, errors="surrogateescape"))
    lines = difflib.unified_diff(before, after, f"a/{file_result.display}", f"b/{file_result.display}")
    chunks = []
    for index, line in enumerate(lines):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        chunks.append(line.encode("utf-8" if index < 2 else encoding, errors="surrogateescape"))
    return b"".join(chunks)


def _source_lines(text: str) -> list[str]:
    """Split TEXT at line breaks only, keeping them; `str.splitlines` also splits at form feeds and U+2028."""
    import io

    return io.StringIO(text, newline="").readlines()


def _write_fixed(result: RunResult) -> int:
    """Write every changed file atomically; return the number of findings fixed.

    A file that changed or disappeared since it was read, or that cannot be
    written, keeps its bytes and gets an error naming it.
    """
    fixed = 0
    for file_result in result.files:
        if not file_result.changed:
            continue
        problem = _write_one(file_result)
        if problem is not None:
            file_result.errors.append(FileError(file_result.display, f"cannot be written: {problem}"))
            # The file on disk still has every finding that the fix would have removed.
            file_result.findings = file_result.findings_before_fix
            continue
        fixed += file_result.fixes_applied
    return fixed


def _write_one(file_result: FileResult) -> str | None:
    """Write one fixed file; return why it was left unchanged, or None when it was written."""
    try:
        current = file_result.path.read_bytes()
    except FileNotFoundError:
        return "the file was deleted after it was read"
    except OSError as error:
        return f"the file cannot be read again: {error.strerror or error}"
    if current != file_result.original:
        return "the file changed after it was read, so it was left unchanged; run `tenantlint fix` again"
    try:
        _atomic_write(file_result.path, file_result.fixed or b"")
    except OSError as error:
        return f"{error.strerror or error}; the file was left unchanged"
    return None


def _atomic_write(path: Path, data: bytes) -> None:
    """Write DATA to PATH through a temporary file in the same folder, keeping PATH's mode and owner.

    A symbolic link is followed, so that the link stays and its target gets
    the new bytes. A file without write permission raises PermissionError. A
    failure leaves PATH as it was and removes the temporary file.
    """
    import errno
    import tempfile

    target = Path(os.path.realpath(path))
    try:
        status: os.stat_result | None = target.stat()
    except FileNotFoundError:
        status = None
    if status is not None and (not os.access(target, os.W_OK) or not status.st_mode & 0o222):
        # The rename below would succeed in a writable folder, but a read-only file says "do not change me",
        # also to root, for whom os.access always allows writing.
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    if status is not None and status.st_nlink > 1:
        # A rename would split the hard link, leaving the other names with the old bytes.
        raise OSError(errno.EMLINK, "the file has other hard links, which a rename would leave unchanged", str(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tenantlint", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if status is not None:
            _copy_owner_and_mode(status, temporary)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _copy_owner_and_mode(status: os.stat_result, temporary: str) -> None:
    try:
        os.chown(temporary, status.st_uid, status.st_gid)
    except PermissionError:
        pass  # only root may give a file away; any other user keeps the file as its own
    os.chmod(temporary, status.st_mode & 0o7777)


def clean_cache(cache_dir: Path | None, config_file: Path | None) -> str | None:
    from tenantlint.cache import clear_cache, default_cache_dir
    from tenantlint.config import ConfigError, load_config

    if cache_dir is None:
        try:
            root = load_config(config_file, Path.cwd()).config.root
        except ConfigError as error:
            _stderr(f"tenantlint: error: {error}")
            raise SystemExit(EXIT_ERROR) from None
        cache_dir = default_cache_dir(Path(root))
    return str(cache_dir) if clear_cache(cache_dir) else None
