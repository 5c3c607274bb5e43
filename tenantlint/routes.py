"""Route resolution across modules: full routes, mount chains and conflicts between routes.

Starting from every `FastAPI()` application, the table follows
`include_router` calls through the modules' imports and applies prefixes
the way FastAPI does. A route declared on a router gets the router's
`prefix=`, and `parent.include_router(child, prefix=p)` serves the child's
routes as `parent.prefix + p + route.path`. Routes are numbered in
registration order, which is the order in which Starlette tries them: the
parent's routes and `include_router` calls in source order, each include
expanding to the child's routes at that point.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from tenantlint.summary import LOCALS, EndpointSummary, IncludeSummary, ModuleSummary, RouteSummary

# Starlette's path parameter syntax and convertor patterns, from routing.py and
# convertors.py of Starlette 1.10.
PARAMETER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?\}")
CONVERTORS = {
    "str": "[^/]+",
    "path": ".*",
    "int": "[0-9]+",
    "float": r"[0-9]+(\.[0-9]+)?",
    "uuid": "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
}
# For each convertor, the convertors whose every value it also matches.
WIDER_THAN = {
    "str": frozenset({"str", "int", "float", "uuid"}),
    "float": frozenset({"float", "int"}),
    "int": frozenset({"int"}),
    "uuid": frozenset({"uuid"}),
    "path": frozenset(CONVERTORS),
}
MAX_REFERENCE_DEPTH = 16

# Paths ---------------------------------------------------------------------------------


def join(*parts: str | None) -> str | None:
    """Concatenate prefixes and a path as FastAPI does, or return None when a part is unknown."""
    if any(part is None for part in parts):
        return None
    return "".join(part for part in parts if part)


def normalize(path: str) -> str:
    """Replace parameter names by their convertor, so `/a/{x}` and `/a/{y:str}` compare equal."""
    return PARAMETER.sub(lambda match: "{:" + _convertor(match) + "}", path)


def has_parameter(path: str) -> bool:
    return PARAMETER.search(path) is not None


def captures(earlier: str, later: str) -> bool:
    """Return whether every request path that LATER matches is also matched by EARLIER."""
    return _captures(earlier.split("/"), later.split("/"))


def _convertor(match: re.Match[str]) -> str:
    return (match.group(2) or ":str")[1:]


def _whole_parameter(segment: str) -> str | None:
    """Return the convertor when SEGMENT is exactly one parameter, else None."""
    match = PARAMETER.fullmatch(segment)
    return _convertor(match) if match else None


def _captures(earlier: list[str], later: list[str]) -> bool:
    if not earlier:
        return not later

    head = earlier[0]
    if _whole_parameter(head) == "path":
        # `.*` spans slashes, so it may take one or more of LATER's segments.
        return any(_captures(earlier[1:], later[count:]) for count in range(1, len(later) + 1))

    if not later or not _segment_captures(head, later[0]):
        return False
    return _captures(earlier[1:], later[1:])


def _segment_captures(earlier: str, later: str) -> bool:
    if not has_parameter(later):
        return _segment_regex(earlier).fullmatch(later) is not None
    if normalize(earlier) == normalize(later):
        return True

    wide, narrow = _whole_parameter(earlier), _whole_parameter(later)
    if wide is None or wide not in WIDER_THAN:
        return False
    if narrow is None:
        # A segment mixing text and parameters is non-empty and has no slash.
        return wide == "str"
    return narrow in WIDER_THAN[wide] and narrow != "path"


def _segment_regex(segment: str) -> re.Pattern[str]:
    parts, position = [], 0
    for match in PARAMETER.finditer(segment):
        parts.append(re.escape(segment[position : match.start()]))
        convertor = _convertor(match)
        parts.append("[^/]*" if convertor == "path" else CONVERTORS.get(convertor, "[^/]+"))
        position = match.end()
    parts.append(re.escape(segment[position:]))
    return re.compile("".join(parts))


# Records -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RouterId:
    """A router by the module that constructs it and its name there."""

    module: str
    name: str


@dataclass(frozen=True)
class Source:
    """A `dependencies=[...]` list on the way from an application to a route."""

    kind: str  # "include" or "router"
    path: str
    line: int
    name: str
    module: str
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Registration:
    """One route of one endpoint, as one application serves it."""

    app: RouterId
    module: str
    path: str
    key: str
    function: str
    line: int
    route_line: int
    methods: tuple[str, ...]
    route: str | None
    full_route: str | None
    order: int
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Conflict:
    """An endpoint that an earlier registration makes unreachable for METHOD."""

    code: str  # "TL401" (same path) or "TL402" (captured by a path parameter)
    method: str
    later: Registration
    earlier: Registration


@dataclass(frozen=True)
class _Item:
    """A route or an `include_router` call on one router, with its position."""

    module: str
    line: int
    summary: ModuleSummary
    endpoint: EndpointSummary | None = None
    route: RouteSummary | None = None
    include: IncludeSummary | None = None
    child: RouterId | None = None


# Module index --------------------------------------------------------------------------


class ModuleSource(Protocol):
    """Where a SummaryIndex finds the modules that the run does not include."""

    def locate(self, module: str) -> str | None:
        """Return the file that defines MODULE, or None."""

    def load(self, path: str) -> ModuleSummary | None:
        """Return the summary of the file PATH, or None when it cannot be read or parsed."""


class SummaryIndex:
    """Module summaries by dotted name: the run's own, plus modules that SOURCE finds on demand.

    A file is summarised once even when it is reached under two names, as
    happens with a namespace package: its summary names the module after
    the folders that have an `__init__.py`, while imports use the full name.
    """

    def __init__(self, summaries: Iterable[ModuleSummary], source: ModuleSource) -> None:
        self.source = source
        self.modules: dict[str, ModuleSummary | None] = {}
        self.by_file: dict[str, ModuleSummary] = {}
        self.found: list[ModuleSummary] = []
        for summary in summaries:
            # NOTE: two files with the same module name (two projects in one
            # run) share one entry, and the first one found wins.
            self._add(summary.module, summary)

    def _add(self, module: str, summary: ModuleSummary | None) -> None:
        if summary is not None:
            file = os.path.realpath(summary.path)
            if file in self.by_file:
                summary = self.by_file[file]
            else:
                self.by_file[file] = summary
                self.found.append(summary)
                self.modules.setdefault(summary.module, summary)
        self.modules.setdefault(module, summary)

    def get(self, module: str) -> ModuleSummary | None:
        if module not in self.modules:
            path = self.source.locate(module)
            known = self.by_file.get(os.path.realpath(path)) if path is not None else None
            self._add(module, known or (self.source.load(path) if path is not None else None))
        return self.modules[module]

    def known(self) -> list[ModuleSummary]:
        """Return every summary found so far, in the order found."""
        return list(self.found)

    def resolve(self, reference: str | None, depth: int = 0) -> RouterId | None:
        """Return the router that REFERENCE names, following re-exports and factories."""
        if reference is None or depth > MAX_REFERENCE_DEPTH:
            return None
        factory = reference.endswith("()")
        parts = reference.removesuffix("()").split(".")
        for split in range(len(parts) - 1, 0, -1):
            summary = self.get(".".join(parts[:split]))
            if summary is not None:
                return self._resolve_in(summary, parts[split:], factory, depth)
        return None

    def _resolve_in(self, summary: ModuleSummary, rest: list[str], factory: bool, depth: int) -> RouterId | None:
        name = ".".join(rest)
        if factory:
            local = summary.factory(name)
            if local is not None:
                return RouterId(summary.module, local)
        elif summary.router(name) is not None:
            return RouterId(summary.module, name)

        target = summary.imported(rest[0])
        if target is None or LOCALS in rest:
            return None
        forwarded = ".".join([target, *rest[1:]]) + ("()" if factory else "")
        return self.resolve(forwarded, depth + 1)


# Table ---------------------------------------------------------------------------------


@dataclass
class RouteTable:
    """Every route that an application serves, in registration order, and the conflicts among them."""

    registrations: list[Registration] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    apps: list[RouterId] = field(default_factory=list)


def build_route_table(index: SummaryIndex) -> RouteTable:
    """Resolve every known module's routers and includes, then expand each application."""
    items = _collect_items(index)
    table = RouteTable()
    mounted = {item.child for entries in items.values() for item in entries if item.include is not None and item.include.mount}
    table.apps = sorted(
        RouterId(summary.module, router.name)
        for summary in index.known()
        for router in summary.routers
        if router.is_app and RouterId(summary.module, router.name) not in mounted
    )
    for app in table.apps:
        expansion = _Expansion(index, items, app)
        expansion.expand(app, "", (), (app,))
        table.registrations.extend(expansion.registrations)
        table.conflicts.extend(find_conflicts(expansion.registrations))
    return table


def _collect_items(index: SummaryIndex) -> dict[RouterId, list[_Item]]:
    """Return the routes and includes registered on each router, from every module reachable."""
    items: dict[RouterId, list[_Item]] = {}
    position = 0
    # Resolving references loads modules, which appends to `index.found`.
    while position < len(index.found):
        summary = index.found[position]
        position += 1
        for router, item in _module_items(index, summary):
            items.setdefault(router, []).append(item)
    for router, entries in items.items():
        entries.sort(key=lambda item: (item.module != router.module, item.module, item.line))
    return items


def _module_items(index: SummaryIndex, summary: ModuleSummary) -> Iterator[tuple[RouterId, _Item]]:
    for endpoint in summary.endpoints:
        for route in endpoint.routes:
            router = index.resolve(route.router)
            if router is not None:
                yield router, _Item(summary.module, route.line, summary, endpoint=endpoint, route=route)
    for include in summary.includes:
        parent = index.resolve(include.parent)
        if parent is not None:
            child = index.resolve(include.child)
            yield parent, _Item(summary.module, include.line, summary, include=include, child=child)


class _Expansion:
    """The routes of one application, numbered in registration order."""

    def __init__(self, index: SummaryIndex, items: dict[RouterId, list[_Item]], app: RouterId) -> None:
        self.index = index
        self.items = items
        self.app = app
        self.registrations: list[Registration] = []

    def expand(self, router_id: RouterId, prefix: str | None, sources: tuple[Source, ...], stack: tuple[RouterId, ...]) -> None:
        """Add the routes of ROUTER_ID under PREFIX.

        A route added to a router after the router was included still
        counts, because FastAPI 0.165 includes a router by reference.
        NOTE: older FastAPI releases copied the routes when
        `include_router` ran, so they do not serve such a route.
        """
        summary = self.index.get(router_id.module)
        router = summary.router(router_id.name) if summary is not None else None
        if summary is None or router is None:
            return
        own = join(prefix, router.prefix)
        if router.dependencies:
            sources = (*sources, Source("router", summary.path, router.line, router.name, summary.module, router.dependencies))
        for item in self.items.get(router_id, ()):
            if item.route is not None:
                self.add_route(item, own, sources)
            elif item.child is not None and item.child not in stack:
                self.add_include(item, own, sources, stack)

    def add_route(self, item: _Item, prefix: str | None, sources: tuple[Source, ...]) -> None:
        route, endpoint = item.route, item.endpoint
        assert route is not None and endpoint is not None
        registration = Registration(
            app=self.app,
            module=item.module,
            path=item.summary.path,
            key=endpoint.key,
            function=endpoint.function,
            line=endpoint.line,
            route_line=route.line,
            methods=route.methods,
            route=route.path,
            full_route=join(prefix, route.path),
            order=len(self.registrations),
            sources=sources,
        )
        self.registrations.append(registration)

    def add_include(self, item: _Item, prefix: str | None, sources: tuple[Source, ...], stack: tuple[RouterId, ...]) -> None:
        include, child = item.include, item.child
        assert include is not None and child is not None
        if include.mount:
            # A mounted application runs its own dependencies only.
            # NOTE: Starlette's Mount also captures every later route under
            # its path, which the conflict rules do not report.
            sources = ()
        if include.dependencies:
            source = Source("include", item.summary.path, include.line, "include_router", item.module, include.dependencies)
            sources = (*sources, source)
        self.expand(child, join(prefix, include.prefix), sources, (*stack, child))


# Conflicts -----------------------------------------------------------------------------


def find_conflicts(registrations: list[Registration]) -> list[Conflict]:
    """Return each later registration that an earlier one of the same application hides."""
    conflicts = []
    first: dict[tuple[str, str], Registration] = {}
    with_parameters: dict[str, list[Registration]] = {}
    for registration in registrations:
        if registration.full_route is None:
            continue
        for method in registration.methods:
            conflict = _conflict(registration, method, first, with_parameters.get(method, []))
            if conflict is not None:
                conflicts.append(conflict)
                continue
            first[(method, normalize(registration.full_route))] = registration
            if has_parameter(registration.full_route):
                with_parameters.setdefault(method, []).append(registration)
    return conflicts


def _conflict(
    registration: Registration,
    method: str,
    first: dict[tuple[str, str], Registration],
    candidates: list[Registration],
) -> Conflict | None:
    assert registration.full_route is not None
    same = first.get((method, normalize(registration.full_route)))
    if same is not None:
        return Conflict("TL401", method, registration, same)
    for earlier in candidates:
        assert earlier.full_route is not None
        if captures(earlier.full_route, registration.full_route):
            return Conflict("TL402", method, registration, earlier)
    return None
