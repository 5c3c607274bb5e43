"""Decide from raw bytes whether a file is worth parsing.

Parsing with libcst dominates the cost of a run, and most files in a
FastAPI code base (models, services, utilities, tests) hold no endpoint.
`might_matter` looks for the few tokens that any endpoint, router or
tenant dependency needs, before any decoding or parsing, and errs on the
side of True: a False result for a file with an endpoint would hide
findings, while a True result for a file without one costs only a parse.

Only `re` is imported here because the module sits on the start-up path of
every run.
"""

from __future__ import annotations

import re

_BOM = b"\xef\xbb\xbf"

# Method names of FastAPI's route decorators, which `APIRouter` and `FastAPI`
# share, plus `route`, which both inherit from Starlette.
_METHODS = rb"(?:get|post|put|patch|delete|head|options|trace|api_route|websocket|route)"

# Whitespace or a backslash line continuation, which Python allows between
# a name, the dot and the attribute.
_GAP = rb"[\s\\]*"

# A decorator whose expression reaches `.<method>` before any colon. Every
# `def` and `class` line ends with a colon, so a match cannot run from a
# decorator into the body of the function it decorates. A `[...]` or `(...)`
# receiver with newlines inside still matches.
_DECORATOR = re.compile(rb"@[^:@]*?\." + _GAP + _METHODS + rb"\b")

# A route registered without decorator syntax: `router.get("/x")(handler)`.
# The arguments may nest parentheses two levels deep, enough for
# `dependencies=[Depends(get_db)]` and `Depends(Limiter(10))`.
# NOTE: deeper nesting defeats this pattern; such a file is still found when
# it names `APIRouter`, `FastAPI` or the tenant dependency.
_ARGUMENTS = rb"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
_CALL_THEN_APPLY = re.compile(rb"\." + _GAP + _METHODS + _GAP + _ARGUMENTS + _GAP + rb"\(")

# Names that mark a router or an application wherever they appear.
_ROUTER_NAMES = (b"APIRouter", b"FastAPI")

# Calls that mount a router or register a route without a decorator. The
# substring `_route`, common to all of them, is tested first so that most
# files pay for one substring search instead of five.
_REGISTRATION_HINT = b"_route"
_REGISTRATIONS = (
    b"include_router",
    b"add_api_route",
    b"add_api_websocket_route",
    b"add_websocket_route",
    b"add_route",
)

# A PEP 263 coding declaration: a comment on line 1 or 2 that contains
# `coding:` or `coding=`.
_CODING = re.compile(rb"\A(?:[^\r\n]*(?:\r\n?|\n))?[ \t\f]*#[^\r\n]*?coding[:=]")


def might_matter(data: bytes, dependency: str, parameter: str) -> bool:
    """Return False only when `data` can hold no endpoint, router or dependency use.

    `dependency` is the configured tenant dependency; a dotted value counts
    by its last component, the name a module would use. `parameter` is
    accepted so that callers pass the whole tenant configuration, but it
    never makes a file matter on its own: a handler parameter sits inside an
    endpoint, which already needs a route decorator or registration.

    Files that the byte search cannot judge return True, so that the parser
    reads them and reports their problems: bytes that are not valid UTF-8, a
    NUL byte, a UTF-8 BOM, or a coding declaration.

    NOTE: a file with a syntax error but none of these tokens returns False,
    so `TL902` is reported only for files that might hold endpoints.
    """
    del parameter

    if _is_not_plain_utf8(data):
        return True

    if any(name in data for name in _ROUTER_NAMES):
        return True

    if _REGISTRATION_HINT in data and any(call in data for call in _REGISTRATIONS):
        return True

    name = dependency.rpartition(".")[2].encode("utf-8")
    if name and name in data:
        return True

    if b"@" in data and _DECORATOR.search(data):
        return True

    return _CALL_THEN_APPLY.search(data) is not None


def _is_not_plain_utf8(data: bytes) -> bool:
    if b"\0" in data or data.startswith(_BOM):
        return True

    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return True

    return _CODING.match(data) is not None
