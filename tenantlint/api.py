"""Library API: check and fix files without the command line.

`check_file` and `fix_file` work on one file's bytes and return a
`FileResult`; `iter_files` turns PATH arguments into the files to analyse.
`tenantlint.parallel.process_all` runs them with the cache and worker pool.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tenantlint.config import Config
from tenantlint.findings import ERROR, FileError, Finding
from tenantlint.rules import RULE_MODULES

# Rules that read one file's model; the others need the whole project.
FILE_RULES = ("TL101", "TL102", "TL103", "TL104", "TL201", "TL202", "TL301")
FIXABLE_CODES = frozenset({"TL101", "TL103", "TL104", "TL201", "TL202", "TL102"})


@dataclass
class FileResult:
    """Findings, errors and fixed bytes of one file in one run."""

    path: Path
    display: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    original: bytes | None = None
    fixed: bytes | None = None
    fixes_applied: int = 0
    suppressed: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The module's route summary (`tenantlint.summary.ModuleSummary`), None
    # when the file was skipped or does not parse, and the route facts
    # (`tenantlint.project.FileFacts`) that project analysis attached.
    summary: Any = None
    routes: Any = None
    findings_before_fix: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def _rule_checks(codes: Iterable[str]) -> list[Callable]:
    checks = []
    for code in FILE_RULES:
        if code in codes:
            module = importlib.import_module(f"tenantlint.rules.{RULE_MODULES[code]}")
            check = getattr(module, "check", None)
            if check is not None:
                checks.append(check)
    return checks


def parse_failure(display: str, error: Exception, data: bytes) -> Finding:
    """Turn a decoding or parsing error into a TL902 finding naming the line."""
    from tenantlint.rules.unparsable_file import describe

    line, column, reason = describe(error, data)
    return Finding("TL902", display, line, column, f"File cannot be analysed: {reason}.", severity=ERROR)


def analyze(data: bytes, path: Path, display: str, config: Config, codes: frozenset[str]):
    """Return (model, findings) for one file; model is None when the file does not parse."""
    from tenantlint.context import FileContext
    from tenantlint.model import build_module_model

    try:
        model = build_module_model(data, path, config)
    except Exception as error:  # noqa: BLE001 - any parse or decode failure is this file's result
        if not _is_parse_error(error):
            raise
        return None, ([parse_failure(display, error, data)] if "TL902" in codes else [])
    ctx = FileContext(model, config, display)
    findings = [finding for check in _rule_checks(codes) for finding in check(ctx)]
    return model, findings


def _is_parse_error(error: Exception) -> bool:
    import libcst as cst

    return isinstance(error, (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError, LookupError, ValueError))


def _suppress(result: FileResult, data: bytes, findings: list[Finding], codes: frozenset[str]) -> list[Finding]:
    from tenantlint.suppressions import apply_suppressions, parse_suppressions

    if b"tenantlint:" not in data:
        return findings
    text = _decode(data)
    if text is None:
        return findings
    outcome = apply_suppressions(findings, parse_suppressions(text), path=result.display, enabled_codes=codes)
    result.suppressed = outcome.used
    return [*outcome.kept, *outcome.problems]


def _decode(data: bytes) -> str | None:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def check_file(path: Path, display: str, data: bytes, config: Config, routes: Any = None) -> FileResult:
    """Analyse one file's bytes and return its findings.

    ROUTES, the file's `tenantlint.project.FileFacts`, lets the rules see
    full routes and adds the findings that depend on them (TL401, TL402,
    and TL103 for a tenant dependency inherited through `include_router`).
    """
    from tenantlint import project
    from tenantlint.context import route_facts

    codes = config.enabled_codes()
    result = FileResult(path, display, original=data, routes=routes)
    with route_facts(routes):
        model, findings = analyze(data, path, display, config, codes)
        if model is not None:
            result.notes = _notes(display, model.endpoints)
            result.summary = project.summarize(model, config)
            findings = project.route_findings(model, display, config, codes, findings)
            from tenantlint.fixes.engine import plan_fixes

            findings = plan_fixes(model, [f for f in findings if f.code in FIXABLE_CODES], config).findings + [
                f for f in findings if f.code not in FIXABLE_CODES
            ]
    result.findings = _suppress(result, data, findings, project.suppression_codes(codes, routes))
    return result


def _notes(display: str, endpoints: list) -> list[str]:
    notes = []
    for endpoint in endpoints:
        if endpoint.defined_elsewhere:
            notes.append(
                f"{display}:{endpoint.line}: route `{endpoint.route_label}` is served by "
                f"`{endpoint.defined_elsewhere}`, which is defined in another module and checked there only "
                f"when that module registers it"
            )
    return notes


def fix_file(path: Path, display: str, data: bytes, config: Config, unsafe: bool = False, routes: Any = None) -> FileResult:
    """Return the file's findings after fixing, with `fixed` set when the fix changes it.

    The fixed code is parsed again and the rules run on it; when it does not
    parse or a fixed finding comes back, the file is left unchanged and the
    failure is reported as an error naming the code and the endpoint.
    ROUTES works as in `check_file`.
    """
    from tenantlint import project
    from tenantlint.config import with_overrides
    from tenantlint.context import route_facts
    from tenantlint.fixes.engine import apply_plan, plan_fixes

    codes = config.enabled_codes()
    result = FileResult(path, display, original=data, routes=routes)
    with route_facts(routes):
        model, findings = analyze(data, path, display, config, codes)
        if model is None:
            result.findings = findings
            return result
        result.summary = project.summarize(model, config)
        findings = project.route_findings(model, display, config, codes, findings)
        visible = _suppress(result, data, findings, project.suppression_codes(codes, routes))
        to_fix = [f for f in visible if f.code in FIXABLE_CODES]
        plan = plan_fixes(model, to_fix, config, unsafe)
        annotated = plan.findings + [f for f in visible if f.code not in FIXABLE_CODES]
        if plan.empty:
            result.findings = annotated
            return result
        if model.module.bytes != data:
            # libcst does not reproduce every file exactly (a form feed at the
            # start of a line is dropped), and a fix must change nothing else.
            reason = "libcst cannot reproduce this file byte for byte, so it was left unchanged"
            result.errors.append(FileError(display, reason))
            result.findings = annotated
            return result
        try:
            fixed = apply_plan(model, plan, config).bytes
        except UnicodeEncodeError as error:
            reason = f"the fixed code cannot be encoded as {error.encoding} ({error.reason}); the file was left unchanged"
            result.errors.append(FileError(display, reason))
            result.findings = annotated
            return result
        # Adding the tenant parameter can expose TL301 (the new parameter
        # reaches only the log calls the fix prefixed). That finding names the
        # data access left to scope, not a fault of the fix, so it does not
        # block the fix.
        verify_config = with_overrides(config, ignore=(*config.ignore, "TL301"))
        failure = _verify(data, fixed, path, display, verify_config, annotated, unsafe)
        if failure is not None:
            result.errors.append(FileError(display, failure))
            result.findings = annotated
            return result
        result.fixed = fixed
        result.findings_before_fix = annotated
        result.fixes_applied = sum(1 for f in annotated if f.fixable or (unsafe and f.unsafe_fixable))
        after = check_file(path, display, fixed, config, routes)
    result.findings = after.findings
    result.notes = after.notes
    # Lines and endpoint objects of the fixed code, which is what gets written.
    result.summary = after.summary
    return result


def _compile_regression(original: bytes, fixed: bytes, display: str) -> str | None:
    """Return why FIXED must not be written when CPython compiles ORIGINAL but not FIXED.

    libcst accepts some code CPython rejects (a repeated keyword argument).
    Code newer than this interpreter does not compile before the fix either,
    so it is not checked this way.
    """
    try:
        compile(original, display, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    try:
        compile(fixed, display, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        return f"the fixed code does not compile ({message})"
    return None


def _attempted(findings: list[Finding], unsafe: bool) -> str:
    """Name the fixes a run tried, as `TL201 in `list_carts``, for an error about their result."""
    fixes = sorted({(f.code, f.function) for f in findings if f.fixable or (unsafe and f.unsafe_fixable)}, key=str)
    parts = [f"{code} in `{function}`" if function else code for code, function in fixes]
    return ", ".join(parts) or "nothing"


def _verify(original: bytes, fixed: bytes, path: Path, display: str, config: Config, before: list[Finding], unsafe: bool) -> str | None:
    """Return why FIXED must not be written, or None when it is safe."""
    import libcst as cst

    try:
        cst.parse_module(fixed)
    except cst.ParserSyntaxError as error:
        return f"the fixed code does not parse ({error.message}) after fixing {_attempted(before, unsafe)}; the file was left unchanged"
    compile_failure = _compile_regression(original, fixed, display)
    if compile_failure is not None:
        return f"{compile_failure} after fixing {_attempted(before, unsafe)}; the file was left unchanged"
    codes = config.enabled_codes()
    _, after = analyze(fixed, path, display, config, codes)
    after = _suppress(FileResult(path, display), fixed, after, codes)
    left = Counter((f.code, f.function) for f in before if not (f.fixable or (unsafe and f.unsafe_fixable)))
    for finding in after:
        key = (finding.code, finding.function)
        if left[key] > 0:
            left[key] -= 1
            continue
        where = f" in `{finding.function}`" if finding.function else ""
        return f"{finding.code} fires{where} after the fix; the file was left unchanged"
    return None


def iter_files(
    paths: list[str], config: Config, cwd: Path, warnings: list[str], errors: list[tuple[str, str]] | None = None
) -> Iterator[tuple[Path, str]]:
    """Yield (absolute path, display path) for every candidate file, in sorted order."""
    from tenantlint.discovery import discover, relative_display_path

    for path in discover(paths, config, cwd, warnings, errors):
        yield path, relative_display_path(path, cwd)
