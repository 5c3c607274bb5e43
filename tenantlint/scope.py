"""Scope and exempt selectors, and the classification of endpoints by them.

A selector is one of three forms:

- a file glob such as `**/routers/alerts.py`, matched against the file's
  path relative to the configuration root, or against its absolute path for
  a file outside that root;
- `GLOB::function`, the file glob plus an `fnmatch` pattern for the
  function name;
- a route `METHOD /path`, matched segment by segment against the declared
  route and the full route of the endpoint.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenantlint.config import Config

FILE = "file"
FUNCTION = "function"
ROUTE = "route"

ANY_METHOD = "*"
HTTP_METHODS = frozenset(
    {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "WEBSOCKET"}
)

_FUNCTION_PATTERN = re.compile(r"[\w.*?\[\]!]+")
_PARAMETER = re.compile(r"\{[^{}/]*\}")
# Starlette's convertors. A segment without a convertor uses `str`.
_CONVERTOR_PATTERNS = {
    "str": "[^/]+",
    "int": "[0-9]+",
    "float": r"[0-9]+(?:\.[0-9]+)?",
    "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "path": ".*",
}


@dataclass(frozen=True)
class EndpointRef:
    """The facts about one endpoint that selectors match against."""

    path: Path
    function: str
    methods: tuple[str, ...]
    route: str | None
    full_route: str | None


@dataclass(frozen=True)
class Classification:
    """The priority, scope and exemption of one endpoint.

    `priority` is None when no scope table exists, and for an endpoint that
    no scope selector matches (then `in_scope` is False). `overlapping`
    lists every priority whose selectors matched, highest first.
    """

    priority: str | None
    in_scope: bool
    enforced: bool
    exempt_reason: str | None
    overlapping: tuple[str, ...]


@dataclass(frozen=True)
class FileGlob:
    """A file glob: `**` as a whole segment matches any number of folders
    (none included), `*` and `?` never match `/`, `[...]` is a character
    class (`[!...]` negated). A trailing `/` is dropped, a leading `./` too.
    """

    pattern: str
    regex: re.Pattern[str] = field(compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> FileGlob:
        """Compile TEXT, or raise ValueError with a one-line reason if it is invalid."""
        pattern = _normalize_glob(text)
        try:
            return cls(pattern, re.compile(_glob_to_regex(pattern)))
        except re.error as error:
            raise ValueError(f"invalid glob: {error}") from None

    def matches(self, path: Path, root: Path) -> bool:
        """Return whether PATH (absolute) matches, relative to ROOT when below it."""
        return any(self.regex.fullmatch(text) for text in _glob_subjects(path, root, self.pattern))


@dataclass(frozen=True)
class Selector:
    """One parsed scope or exempt entry.

    `kind` is FILE, FUNCTION or ROUTE. File and function selectors carry
    `glob`, and function selectors also `function`, an fnmatch pattern.
    Route selectors carry `method` (upper case, or ANY_METHOD) and `route`.
    """

    text: str
    kind: str
    glob: FileGlob | None = None
    function: str | None = None
    method: str | None = None
    route: str | None = None


def parse_selector(text: str) -> Selector:
    """Parse a selector, or raise ValueError with a one-line reason if it is invalid."""
    return _parse_selector_cached(text)


@functools.lru_cache(maxsize=4096)
def _parse_selector_cached(text: str) -> Selector:
    stripped = text.strip()
    if not stripped:
        raise ValueError("a selector must not be empty")

    if "::" in stripped:
        return _parse_function_selector(text, stripped)

    words = stripped.split(maxsplit=1)
    if len(words) == 2 and _is_method(words[0]):
        return _parse_route_selector(text, words[0], words[1])

    if len(words) == 2 and words[1].startswith("/"):
        raise ValueError(
            f'"{words[0]}" is not an HTTP method; expected "METHOD /path" or a file glob'
        )

    return Selector(text, FILE, glob=FileGlob.parse(stripped))


def _parse_function_selector(text: str, stripped: str) -> Selector:
    glob_text, _, function = stripped.partition("::")
    if "::" in function:
        raise ValueError('a selector may contain "::" only once, as in "GLOB::function"')

    if not glob_text.strip():
        raise ValueError('the file glob before "::" is empty')

    if not _FUNCTION_PATTERN.fullmatch(function):
        raise ValueError(
            f'the function pattern "{function}" after "::" must be a name or an fnmatch pattern'
        )

    return Selector(text, FUNCTION, glob=FileGlob.parse(glob_text.strip()), function=function)


def _is_method(token: str) -> bool:
    return token.upper() in HTTP_METHODS or token.upper() in ("*", "ANY")


def _parse_route_selector(text: str, method: str, route: str) -> Selector:
    normalized = method.upper()
    if normalized == "ANY":
        normalized = ANY_METHOD

    if not route.startswith("/"):
        raise ValueError(f'the route "{route}" must start with "/"')

    if any(char.isspace() or char in "?#" for char in route):
        raise ValueError(f'the route "{route}" must be a path without spaces, query or fragment')

    if _has_unbalanced_braces(route):
        raise ValueError(f'the route "{route}" has an unbalanced "{{" or "}}"')

    return Selector(text, ROUTE, method=normalized, route=route)


def _has_unbalanced_braces(route: str) -> bool:
    without_parameters = _PARAMETER.sub("", route)
    return "{" in without_parameters or "}" in without_parameters


def selector_matches(selector: Selector, ref: EndpointRef, root: Path, exact: bool = False) -> bool:
    """Return whether SELECTOR selects the endpoint REF, with file globs relative to ROOT.

    With EXACT, a route selector must name the endpoint's route segment for
    segment: a `{param}` of the route matches only a `{...}` of the selector.
    Exemptions are matched this way, because a wildcard match there would
    silently exempt every one-segment route with a parameter.
    """
    if selector.kind == ROUTE:
        return _route_selector_matches(selector, ref, exact)

    assert selector.glob is not None
    if not selector.glob.matches(ref.path, root):
        return False

    if selector.kind == FILE:
        return True

    assert selector.function is not None
    return any(fnmatchcase(name, selector.function) for name in _function_names(ref.function))


def _function_names(function: str) -> tuple[str, ...]:
    # A method "Class.method" is selected by its qualified name and by its own name.
    if "." in function:
        return (function, function.rsplit(".", 1)[1])
    return (function,)


def classify(config: Config, ref: EndpointRef) -> Classification:
    """Return the priority, scope, enforcement and exemption of the endpoint REF."""
    exempt_reason = _exempt_reason(config, ref)
    if not config.scope:
        return Classification(None, True, True, exempt_reason, ())

    overlapping = tuple(
        priority
        for priority, selectors in config.scope
        if any(selector_matches(parse_selector(text), ref, config.root) for text in selectors)
    )
    if not overlapping:
        return Classification(None, False, False, exempt_reason, ())

    priority = overlapping[0]
    enforced = config.enforce is None or priority in config.enforce
    return Classification(priority, True, enforced, exempt_reason, overlapping)


def _exempt_reason(config: Config, ref: EndpointRef) -> str | None:
    for text, reason in config.exempt:
        if selector_matches(parse_selector(text), ref, config.root, exact=True):
            return reason
    return None


def unmatched_selectors(config: Config, refs: Iterable[EndpointRef]) -> list[tuple[str, str]]:
    """Return `(table, selector)` for every scope or exempt entry that matches no endpoint.

    `table` is "scope" or "exempt". A selector listed twice is returned once
    per table, in configuration order.
    """
    endpoints = list(refs)
    unmatched: list[tuple[str, str]] = []
    for entry in _configured_selectors(config):
        if entry in unmatched:
            continue

        selector = parse_selector(entry[1])
        exact = entry[0] == "exempt"
        if not any(selector_matches(selector, ref, config.root, exact) for ref in endpoints):
            unmatched.append(entry)
    return unmatched


def _configured_selectors(config: Config) -> Iterator[tuple[str, str]]:
    for _priority, selectors in config.scope:
        for text in selectors:
            yield ("scope", text)
    for text, _reason in config.exempt:
        yield ("exempt", text)


# Routes


def _route_selector_matches(selector: Selector, ref: EndpointRef, exact: bool = False) -> bool:
    assert selector.route is not None
    if selector.method != ANY_METHOD and selector.method not in ref.methods:
        return False

    selector_segments = _split_route(selector.route)
    routes = {route for route in (ref.route, ref.full_route) if route is not None}
    if exact:
        return any(_same_route(selector_segments, _split_route(route)) for route in routes)
    return any(_segments_match(selector_segments, _split_route(route)) for route in routes)


def _same_route(selector_segments: tuple[str, ...], route_segments: tuple[str, ...]) -> bool:
    """Return whether the selector names the route itself: literal segments equal, parameters for parameters."""
    if len(selector_segments) != len(route_segments):
        return False
    for selected, segment in zip(selector_segments, route_segments):
        if "{" in selected or "{" in segment:
            if _PARAMETER.sub("{}", selected) != _PARAMETER.sub("{}", segment):
                return False
        elif selected != segment:
            return False
    return True


def _split_route(route: str) -> tuple[str, ...]:
    # FastAPI serves an empty path as "/", and "/a" and "/a/" as two routes,
    # so the empty segment after a trailing slash is kept.
    return tuple((route or "/").split("/"))


def _segments_match(selector_segments: tuple[str, ...], route_segments: tuple[str, ...]) -> bool:
    """Return whether the selector's segments match the endpoint route's segments.

    A whole `{name:path}` segment of the endpoint captures one or more
    selector segments, as Starlette's `path` convertor captures slashes.
    """
    if not route_segments:
        return not selector_segments

    head, rest = route_segments[0], route_segments[1:]
    if _is_path_parameter(head):
        counts = range(1, len(selector_segments) + 1)
        return any(_segments_match(selector_segments[count:], rest) for count in counts)

    if not selector_segments or not _segment_matches(selector_segments[0], head):
        return False
    return _segments_match(selector_segments[1:], rest)


def _is_path_parameter(segment: str) -> bool:
    return bool(re.fullmatch(r"\{[^{}/]*:\s*path\s*\}", segment))


def _segment_matches(selector_segment: str, route_segment: str) -> bool:
    # A `{param}` in the selector stands for a parameter, so it selects only
    # a parameter in the same place of the endpoint's route.
    if "{" in selector_segment:
        return _PARAMETER.sub("{}", selector_segment) == _PARAMETER.sub("{}", route_segment)
    return _route_segment_regex(route_segment).fullmatch(selector_segment) is not None


@functools.lru_cache(maxsize=4096)
def _route_segment_regex(segment: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(segment):
        parts.append(re.escape(segment[position : match.start()]))
        parts.append(_parameter_regex(match.group()))
        position = match.end()
    parts.append(re.escape(segment[position:]))
    return re.compile("".join(parts))


def _parameter_regex(parameter: str) -> str:
    _name, _, convertor = parameter[1:-1].partition(":")
    convertor = convertor.strip() or "str"
    if convertor == "path":
        # NOTE: a `path` parameter inside a longer segment matches only within
        # that segment; a whole-segment `{name:path}` spans slashes.
        return "[^/]*"
    return _CONVERTOR_PATTERNS.get(convertor, "[^/]+")


# File globs


def _normalize_glob(text: str) -> str:
    pattern = text.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if len(pattern) > 1:
        pattern = pattern.rstrip("/")

    if not pattern:
        raise ValueError("a file glob must not be empty")

    if "\x00" in pattern:
        raise ValueError("a file glob must not contain a NUL character")
    return pattern


def _glob_to_regex(pattern: str) -> str:
    segments = pattern.split("/")
    last = len(segments) - 1
    parts: list[str] = []
    for index, segment in enumerate(segments):
        if segment == "**":
            parts.append(_double_star_regex(index, last))
            continue

        parts.append(_segment_regex(segment, pattern))
        next_is_final_double_star = index + 1 == last and segments[last] == "**"
        if index < last and not next_is_final_double_star:
            parts.append("/")
    return "".join(parts)


def _double_star_regex(index: int, last: int) -> str:
    if index < last:
        # Any number of whole folders, none included.
        return "(?:.*/)?"
    if index == 0:
        return ".*"
    # A final `/**` selects the folder itself and everything below it.
    return "(?:/.*)?"


def _segment_regex(segment: str, pattern: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            class_regex, index = _character_class(segment, index, pattern)
            parts.append(class_regex)
            continue
        else:
            parts.append(re.escape(char))
        index += 1
    return "".join(parts)


def _character_class(segment: str, start: int, pattern: str) -> tuple[str, int]:
    """Translate the `[...]` class at START and return its regex and the index after it."""
    index = start + 1
    negated = index < len(segment) and segment[index] in "!^"
    if negated:
        index += 1

    body_start = index
    # A "]" right after the opening bracket is a literal member, as in fnmatch.
    if index < len(segment) and segment[index] == "]":
        index += 1
    while index < len(segment) and segment[index] != "]":
        index += 1
    if index >= len(segment):
        raise ValueError(f'the file glob "{pattern}" has a "[" without a closing "]"')

    body = re.sub(r"([\\\[\]^&~|])", r"\\\1", segment[body_start:index])
    # Segments are split at "/" first, so a class never contains "/".
    if negated:
        return f"[^/{body}]", index + 1
    return f"[{body}]", index + 1


def _glob_subjects(path: Path, root: Path, pattern: str) -> list[str]:
    """Return the path strings a glob is matched against, POSIX separators.

    The path relative to ROOT when it lies below it (lexically, else after
    resolving symbolic links), otherwise the absolute path. A glob that
    starts with "/" is matched against the absolute path only.
    """
    absolute = Path(os.path.abspath(path))
    if pattern.startswith("/"):
        return [absolute.as_posix()]

    relative = _relative_to(absolute, Path(os.path.abspath(root)))
    if relative is None:
        relative = _relative_to(_resolve(absolute), _resolve(root))
    if relative is None:
        return [absolute.as_posix()]
    return [relative]


def _relative_to(path: Path, root: Path) -> str | None:
    try:
        relative = path.relative_to(root)
    except ValueError:
        return None
    return relative.as_posix()


@functools.lru_cache(maxsize=4096)
def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        # Before Python 3.13, resolve() raises RuntimeError on a symbolic link loop.
        return Path(os.path.abspath(path))
