"""Project analysis: the route table across files, the facts it gives each file, and TL901.

A run first checks every file on its own, and each result carries the
module's route summary. `analyze_project` then builds the route table from
those summaries, loading modules that the run does not include from the
project root, read-only. It gives each file its route facts: full routes,
the conflicts of TL401 and TL402, and a tenant dependency inherited
through `include_router` or a parent router. A file whose findings depend on those
facts is checked again with them; in every other file only the findings'
`full_route` is filled in. The first pass therefore costs nothing extra
when no finding depends on the table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from tenantlint import bindings as b
from tenantlint import project_index
from tenantlint.findings import Finding
from tenantlint.model import build_module_model, is_tenant_dependency
from tenantlint.routes import Registration, RouteTable, Source, SummaryIndex, build_route_table
from tenantlint.scope import ROUTE, EndpointRef, classify, parse_selector
from tenantlint.summary import EndpointSummary, ModuleSummary, endpoint_keys, summarize

if TYPE_CHECKING:
    from tenantlint.api import FileResult
    from tenantlint.config import Config
    from tenantlint.context import FileContext
    from tenantlint.model import Endpoint, ModuleModel

ROUTE_CODES = frozenset({"TL401", "TL402"})


@dataclass(frozen=True)
class ConflictNote:
    """An earlier route that hides an endpoint, as a message shows it."""

    code: str
    method: str
    full_route: str
    earlier_route: str
    function: str
    location: str
    same_endpoint: bool


@dataclass(frozen=True)
class EndpointFacts:
    """The route table's facts about one endpoint.

    `full_route` is the path of the endpoint's first route as the first
    application that mounts it serves it, or None when no application does
    or a prefix cannot be resolved. `full_routes` lists every `METHOD /path`
    it is served under. `inherited` says where the tenant dependency comes
    from when every application that mounts the endpoint attaches it through
    an `include_router` call or a router's `dependencies=`.
    """

    full_route: str | None
    full_routes: tuple[str, ...] = ()
    mounted: bool = False
    inherited: str | None = None
    conflicts: tuple[ConflictNote, ...] = ()


@dataclass(frozen=True)
class FileFacts:
    """The route facts of one file's endpoints, by endpoint key.

    `complete` is True when the table was built from the whole project, so
    that an endpoint without a conflict really has none.
    """

    endpoints: Mapping[str, EndpointFacts] = field(default_factory=dict)
    complete: bool = False


def analyze_project(
    config: Config,
    cwd: Path,
    files: list[FileResult],
    *,
    covers_root: bool,
    fix: bool = False,
    unsafe: bool = False,
) -> list[Finding]:
    """Resolve routes across FILES, update each result in place, and return the project findings."""
    resolve_routes(config, cwd, files, covers_root=covers_root, fix=fix, unsafe=unsafe)
    if not covers_root or "TL901" not in config.enabled_codes():
        return []
    from tenantlint.rules.stale_scope_entry import check_project

    return check_project(config, cwd, endpoint_refs(files))


def resolve_routes(
    config: Config,
    cwd: Path,
    files: list[FileResult],
    *,
    covers_root: bool,
    fix: bool = False,
    unsafe: bool = False,
) -> RouteTable:
    """Build the route table and give every result its facts, checking files again where they matter."""
    summaries = [result.summary for result in files if result.summary is not None]
    extra = [] if covers_root or not has_route_selectors(config) else discover_apps(config, cwd, files)
    index = SummaryIndex([*summaries, *extra], ModuleLoader(config, summaries))
    table = build_route_table(index)
    facts = file_facts(table, summaries, config, cwd, complete=covers_root)
    for position, result in enumerate(files):
        own = facts.get(result.summary.path) if result.summary is not None else None
        if own is None:
            continue
        if needs_recheck(result, own, config):
            files[position] = recheck(result, own, config, fix=fix, unsafe=unsafe)
        else:
            fill_full_routes(result, own)
        files[position].routes = own
    return table


def has_route_selectors(config: Config) -> bool:
    texts = [text for _priority, selectors in config.scope for text in selectors]
    texts.extend(text for text, _reason in config.exempt)
    return any(parse_selector(text).kind == ROUTE for text in texts)


# Loading modules outside the run ------------------------------------------------------------


class ModuleLoader:
    """Find a module by dotted name under the project root or a run file's package root, and summarise it."""

    def __init__(self, config: Config, summaries: list[ModuleSummary]) -> None:
        self.config = config
        root = Path(os.path.abspath(config.root))
        bases = [root, *(_package_base(summary) for summary in summaries)]
        self.bases = list(dict.fromkeys(base for base in bases if base is not None))

    def locate(self, module: str) -> str | None:
        if module.startswith(".") or project_index.is_library_module(module):
            return None
        for base in self.bases:
            path = project_index.module_file(base, module)
            if path is not None:
                return str(path)
        return None

    def load(self, path: str) -> ModuleSummary | None:
        return summarize_path(Path(path), self.config)


def _package_base(summary: ModuleSummary) -> Path | None:
    """Return the folder that contains the top-level package of SUMMARY's module."""
    path = Path(summary.path)
    if summary.module == str(path):
        return None
    depth = summary.module.count(".") + (1 if path.name == "__init__.py" else 0)
    return path.parents[depth] if depth < len(path.parents) else None


def summarize_path(path: Path, config: Config) -> ModuleSummary | None:
    """Read, parse and summarise PATH; return None when it cannot be read or parsed."""
    try:
        model = build_module_model(path.read_bytes(), path, config)
    except (OSError, cst.ParserSyntaxError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        # A module that cannot be parsed is reported as TL902 when a run
        # includes it; for route resolution it is only a missing link.
        return None
    return summarize(model, config)


def discover_apps(config: Config, cwd: Path, files: list[FileResult]) -> list[ModuleSummary]:
    """Summarise the project files outside the run that construct a FastAPI application."""
    from tenantlint.discovery import DiscoveryError, discover

    in_run = {Path(result.path) for result in files}
    try:
        candidates = list(discover([str(config.root)], config, cwd, []))
    except DiscoveryError:
        return []
    found = []
    for path in candidates:
        if path in in_run or not _mentions_app(path):
            continue
        summary = summarize_path(path, config)
        if summary is not None:
            found.append(summary)
    return found


def _mentions_app(path: Path) -> bool:
    try:
        return b"FastAPI" in path.read_bytes()
    except OSError:
        return False


# Facts ---------------------------------------------------------------------------------------


def file_facts(
    table: RouteTable,
    summaries: list[ModuleSummary],
    config: Config,
    cwd: Path,
    *,
    complete: bool,
) -> dict[str, FileFacts]:
    """Return the facts of every summarised file, by the file's path."""
    by_endpoint: dict[tuple[str, str], list[Registration]] = {}
    for registration in table.registrations:
        by_endpoint.setdefault((registration.path, registration.key), []).append(registration)
    conflicts: dict[tuple[str, str], list[ConflictNote]] = {}
    for conflict in table.conflicts:
        later, earlier = conflict.later, conflict.earlier
        note = ConflictNote(
            code=conflict.code,
            method=conflict.method,
            full_route=later.full_route or "",
            earlier_route=earlier.full_route or "",
            function=earlier.function,
            location=f"{_display(earlier.path, cwd)}:{earlier.line}",
            same_endpoint=(earlier.path, earlier.key) == (later.path, later.key),
        )
        conflicts.setdefault((later.path, later.key), []).append(note)

    result = {}
    for summary in summaries:
        endpoints = {}
        for endpoint in summary.endpoints:
            registrations = by_endpoint.get((summary.path, endpoint.key), [])
            notes = tuple(conflicts.get((summary.path, endpoint.key), ()))
            endpoints[endpoint.key] = endpoint_facts(endpoint, registrations, notes, config, cwd)
        result[summary.path] = FileFacts(endpoints, complete)
    return result


def endpoint_facts(
    endpoint: EndpointSummary,
    registrations: list[Registration],
    conflicts: tuple[ConflictNote, ...],
    config: Config,
    cwd: Path,
) -> EndpointFacts:
    first_line = endpoint.routes[0].line if endpoint.routes else None
    preferred = [r for r in registrations if r.route_line == first_line] or registrations
    served = [r for r in registrations if r.full_route is not None]
    inherited = [_tenant_source(r.sources, config) for r in registrations]
    return EndpointFacts(
        full_route=preferred[0].full_route if preferred else None,
        full_routes=tuple(dict.fromkeys(f"{m} {r.full_route}" for r in served for m in r.methods)),
        mounted=bool(registrations),
        inherited=_describe(inherited[0], cwd) if inherited and all(inherited) else None,
        conflicts=conflicts,
    )


def _tenant_source(sources: tuple[Source, ...], config: Config) -> Source | None:
    for source in sources:
        bindings = b.Bindings(source.module)
        if any(is_tenant_dependency(name, bindings, config) for name in source.dependencies):
            return source
    return None


def _describe(source: Source | None, cwd: Path) -> str | None:
    if source is None:
        return None
    where = f"{_display(source.path, cwd)}:{source.line}"
    if source.kind == "include":
        return f"the `include_router` call at {where}"
    return f"the router `{source.name}` at {where}"


def _display(path: str, cwd: Path) -> str:
    from tenantlint.discovery import relative_display_path

    return relative_display_path(Path(path), cwd)


def endpoint_refs(files: list[FileResult]) -> list[EndpointRef]:
    """Return a scope reference for every endpoint of the run, with its full route."""
    refs = []
    for result in files:
        summary = result.summary
        if summary is None:
            continue
        facts = result.routes.endpoints if result.routes is not None else {}
        for endpoint in summary.endpoints:
            own = facts.get(endpoint.key)
            refs.append(_ref(summary, endpoint, own.full_route if own is not None else None))
    return refs


def _ref(summary: ModuleSummary, endpoint: EndpointSummary, full_route: str | None) -> EndpointRef:
    return EndpointRef(Path(summary.path).resolve(), endpoint.function, endpoint.methods, endpoint.path, full_route)


# Checking files again ------------------------------------------------------------------------


def needs_recheck(result: FileResult, facts: FileFacts, config: Config) -> bool:
    """Return whether the file's findings can change once the rules see FACTS."""
    summary = result.summary
    assert summary is not None
    codes = config.enabled_codes()
    if facts.complete and any(code.encode() in (result.original or b"") for code in ROUTE_CODES & codes):
        return True
    route_selectors = has_route_selectors(config)
    for endpoint in summary.endpoints:
        own = facts.endpoints.get(endpoint.key)
        if own is None:
            continue
        if any(note.code in codes for note in own.conflicts) or (own.inherited and "TL103" in codes):
            return True
        if route_selectors and own.full_route is not None and _classification_changes(summary, endpoint, own, config):
            return True
    return False


def _classification_changes(summary: ModuleSummary, endpoint: EndpointSummary, facts: EndpointFacts, config: Config) -> bool:
    before = classify(config, _ref(summary, endpoint, None))
    after = classify(config, _ref(summary, endpoint, facts.full_route))
    return before != after


def recheck(result: FileResult, facts: FileFacts, config: Config, *, fix: bool, unsafe: bool) -> FileResult:
    """Check or fix the file's original bytes again, with FACTS visible to the rules."""
    from tenantlint.api import check_file, fix_file

    data = result.original or b""
    if fix:
        return fix_file(result.path, result.display, data, config, unsafe, routes=facts)
    return check_file(result.path, result.display, data, config, routes=facts)


def fill_full_routes(result: FileResult, facts: FileFacts) -> None:
    """Set `full_route` on the findings of RESULT's endpoints."""
    def filled(finding: Finding) -> Finding:
        key = finding.extra.get("endpoint_key")
        own = facts.endpoints.get(key) if key is not None else None
        if own is None or own.full_route is None or finding.full_route is not None:
            return finding
        return replace(finding, full_route=own.full_route)

    result.findings = [filled(finding) for finding in result.findings]
    result.suppressed = [(filled(finding), suppression) for finding, suppression in result.suppressed]


# Findings that the route facts add to a file ------------------------------------------------


def conflicts(ctx: FileContext, code: str) -> Iterator[tuple[Endpoint, ConflictNote]]:
    """Yield each in-scope endpoint of the file with its first conflict of rule CODE."""
    for endpoint in ctx.in_scope():
        facts = ctx.route_facts(endpoint)
        notes = [note for note in facts.conflicts if note.code == code] if facts is not None else []
        if notes:
            yield endpoint, notes[0]


def suppression_codes(codes: frozenset[str], routes: FileFacts | None) -> frozenset[str]:
    """Return the codes whose unused suppressions a file check may report.

    Without a complete route table, the absence of a TL401 or TL402 finding
    proves nothing, so suppressions of those codes are not called unused.
    """
    if routes is not None and routes.complete:
        return codes
    return codes - ROUTE_CODES


def route_findings(model: ModuleModel, display: str, config: Config, codes: frozenset[str], findings: list[Finding]) -> list[Finding]:
    """Return FINDINGS adjusted by the active route facts: see `apply_route_facts`."""
    from tenantlint.context import FileContext

    ctx = FileContext(model, config, display)
    return apply_route_facts(ctx, codes, findings)


def apply_route_facts(ctx: FileContext, codes: frozenset[str], findings: list[Finding]) -> list[Finding]:
    """Turn TL101 into TL103 where the tenant dependency is inherited, and add TL401 and TL402."""
    if ctx.routes is None:
        return findings
    from tenantlint.rules import load_rule

    adjusted = []
    for finding in findings:
        replacement = _inherited_finding(ctx, finding, codes) if finding.code == "TL101" else finding
        if replacement is not None:
            adjusted.append(replacement)
    for code in sorted(ROUTE_CODES & codes):
        adjusted.extend(load_rule(code).check(ctx))
    return adjusted


def _inherited_finding(ctx: FileContext, finding: Finding, codes: frozenset[str]) -> Finding | None:
    """Return TL103 in place of TL101 when the tenant arrives through `dependencies=`, else FINDING.

    Returns None when TL103 is not enabled, because TL101 does not report
    an endpoint whose tenant dependency is attached through `dependencies=`.
    """
    endpoint: Any = finding.extra.get("endpoint")
    facts = ctx.route_facts(endpoint) if endpoint is not None else None
    if facts is None or facts.inherited is None or "blocked" in finding.extra:
        return finding
    if "TL103" not in codes:
        return None
    config = ctx.config
    parameter = f"{config.parameter}: {config.parameter_annotation} = Depends({config.dependency})"
    message = (
        f"The tenant dependency reaches `{endpoint.name}` only through `dependencies=[...]` on {facts.inherited}, "
        f"so the handler cannot scope or log by tenant; add `{parameter}`."
    )
    return replace(finding, code="TL103", message=message)
