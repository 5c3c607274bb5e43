"""Hypothesis strategies that build runnable FastAPI router modules, and a harness that runs their handlers.

A generated module uses only the shapes tenantlint supports. Signatures mix
positional-only, keyword-only, `*args` and `**kwargs` parameters with
defaults, annotations and comments, on one line or one parameter per line.
Handlers are sync or async, with stacked decorators, and log through the
standard library or loguru in every message form the fix rewrites, inside
nested blocks and closures. Some endpoints already take the tenant and log
with the prefix. Every message renders without a logging error, so a test
can run the module before and after `fix` and compare the records.

`run_handlers` executes a module without FastAPI's request machinery: a
stand-in `fastapi` module records the decorated handlers, `app.deps`
returns `TENANT`, and each handler is called once with plain values.
"""

from __future__ import annotations

import asyncio
import builtins
import inspect
import logging
import types
from dataclasses import dataclass, replace
from typing import Any, Callable

import fastapi
from hypothesis import strategies as st

try:
    import loguru
except ImportError:  # loguru is optional: without it, modules log through the standard library only
    loguru = None
else:
    # The default sink prints every generated record to stderr, which only slows the run down.
    loguru.logger.remove()

HAS_LOGURU = loguru is not None
# A tenant identifier with the characters that `%` and `str.format` templates treat specially.
TENANT = "t-%{1}"
DEPENDENCY_MODULE = "app.deps"
STDLIB_LEVELS = ("debug", "info", "warning", "error", "critical")
LOGURU_LEVELS = ("trace", "debug", "info", "success", "warning", "error", "critical")
PARAMETER_NAMES = ("item_id", "page", "query", "limit", "flag", "sort_key", "offset", "token")
# Literal text of messages: `%`, braces, quotes, backslashes, control and non-ASCII characters.
TEXT_FRAGMENTS = (
    "listing",
    " items",
    "100%",
    " {x}",
    "{}",
    "}{",
    "%s",
    "%(key)s",
    "%%",
    "{{",
    " done",
    "it's",
    'say "hi"',
    "back\\slash",
    "café",
    "tab\there",
    "line\nbreak",
)


def value_of(name: str) -> str:
    """Return the value a handler receives for parameter NAME: text that looks like a template."""
    return f"<{name} %d {{0}}>"


# Message model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Literal text of a message, as it renders."""

    value: str


@dataclass(frozen=True)
class Value:
    """A value substituted into a message: its source and whether it is an `int`."""

    code: str
    is_int: bool = False


LOG_PREFIX = "[Tenant: {tenant_id}]"


def prefix_tokens(log_prefix: str) -> tuple[Text | Value, ...]:
    """Return the tokens of LOG_PREFIX (a `log-prefix` setting) followed by the space the fix adds."""
    before, _, after = log_prefix.partition("{tenant_id}")
    return (Text(before), Value("tenant_id"), Text(after + " "))


def rendered_prefix(log_prefix: str) -> str:
    """Return the text a record starts with under LOG_PREFIX when the tenant is `TENANT`."""
    return log_prefix.replace("{tenant_id}", TENANT) + " "


@dataclass(frozen=True)
class LogSpec:
    """One log call before rendering to source."""

    library: str  # "stdlib" or "loguru"
    method: str
    form: str
    tokens: tuple[Text | Value, ...]
    quote: str
    raw: bool
    use_log_method: bool
    extras: tuple[str, ...]
    pieces: int  # how many literals an implicit concatenation splits the template into
    named: bool  # `{name}` fields instead of `{}` for `str.format` and loguru templates
    plain_pieces: bool  # in an f-string message, pieces without values are plain literals
    layout: str  # "inline", "per-line", "per-line-trailing" or "leading-comma"
    comment_at: int | None  # index of the argument that has a comment after it


def _escape_body(text: str, quote: str, raw: bool = False) -> str:
    """Return TEXT as the body of a string literal delimited by QUOTE."""
    if raw:
        return text
    body = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return body.replace(quote[0], "\\" + quote[0])


def _literal(text: str, quote: str, fstring: bool = False, raw: bool = False) -> str:
    prefix = ("r" if raw else "") + ("f" if fstring else "")
    return prefix + quote + _escape_body(text, quote, raw) + quote


def raw_safe(text: str) -> bool:
    """Whether TEXT can be written inside a raw string literal with any quote."""
    return not any(c in text for c in "'\"\n\t") and not text.endswith("\\")


class _Template:
    """Render tokens into template source for one message form."""

    def __init__(self, spec: LogSpec) -> None:
        self.spec = spec
        self.arguments: list[str] = []
        self.counter = 0

    def placeholder(self, value: Value) -> str:
        if self.spec.form in ("printf", "percent_eager"):
            self.arguments.append(value.code)
            return "%d" if value.is_int else "%s"
        if self.spec.named:
            name = f"field{self.counter}"
            self.counter += 1
            self.arguments.append(f"{name}={value.code}")
            return "{" + name + "}"
        self.arguments.append(value.code)
        return "{}"

    def text(self, value: str, fstring: bool) -> str:
        if self.spec.form in ("printf", "percent_eager"):
            return value.replace("%", "%%")
        if fstring or self.spec.form in ("format_eager", "loguru_args"):
            return value.replace("{", "{{").replace("}", "}}")
        return value

    def group(self, tokens: tuple[Text | Value, ...]) -> str:
        """Return one literal for TOKENS; an f-string when the form puts values inline."""
        spec = self.spec
        has_values = any(isinstance(t, Value) for t in tokens)
        fstring = spec.form == "fstring" and (has_values or not spec.plain_pieces)
        if not fstring:
            body = "".join(self.text(t.value, False) if isinstance(t, Text) else self.placeholder(t) for t in tokens)
            return _literal(body, spec.quote, raw=spec.raw)
        parts = []
        for token in tokens:
            if isinstance(token, Text):
                parts.append(_escape_body(self.text(token.value, True), spec.quote, spec.raw))
            else:
                parts.append("{" + token.code + "}")
        return ("rf" if spec.raw else "f") + spec.quote + "".join(parts) + spec.quote

    def source(self) -> str:
        return " ".join(self.group(group) for group in _split(self.spec.tokens, self.spec.pieces))


def _split(tokens: tuple[Text | Value, ...], pieces: int) -> list[tuple[Text | Value, ...]]:
    """Split TOKENS into PIECES runs of nearly equal length, or fewer when there are fewer tokens."""
    pieces = max(1, min(pieces, len(tokens)))
    size, rest = divmod(len(tokens), pieces)
    groups, start = [], 0
    for index in range(pieces):
        end = start + size + (1 if index < rest else 0)
        groups.append(tokens[start:end])
        start = end
    return groups


def render_call(spec: LogSpec, receiver: str) -> str:
    """Return the source of the log call SPEC describes."""
    template = _Template(spec)
    if spec.form in ("plain", "fstring", "printf", "loguru_args"):
        arguments = [template.source(), *template.arguments]
    elif spec.form == "format_eager":
        body = template.source()
        arguments = [f"{body}.format({', '.join(template.arguments)})"]
    elif spec.form == "percent_eager":
        body = template.source()
        values = template.arguments
        right = values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"
        arguments = [f"{body} % {right}"]
    elif spec.form == "variable":
        arguments = ["label"]
    elif spec.form == "opaque":
        arguments = [spec.tokens[0].value]  # type: ignore[union-attr]
    else:  # "exception": the caught error is the message
        arguments = ["err"]
    method = spec.method
    if spec.use_log_method:
        level = f"logging.{spec.method.upper()}" if spec.library == "stdlib" else repr(spec.method.upper())
        arguments, method = [level, *arguments], "log"
    return _arrange(f"{receiver}.{method}(", [*arguments, *spec.extras], spec)


def _arrange(opening: str, arguments: list[str], spec: LogSpec) -> str:
    """Lay out a call's ARGUMENTS on one line or one per line, with a comment after argument `SPEC.comment_at`."""
    notes = ["  # log: about this argument" if index == spec.comment_at else "" for index in range(len(arguments))]
    if spec.layout == "inline":
        return opening + ", ".join(arguments) + ")"
    if spec.layout == "leading-comma":
        lines = [f"    {arguments[0]}{notes[0]}"]
        lines += [f"    , {argument}{note}" for argument, note in zip(arguments[1:], notes[1:])]
        return "\n".join([opening, *lines, ")"])
    lines = []
    for index, (argument, note) in enumerate(zip(arguments, notes)):
        comma = "," if index < len(arguments) - 1 or spec.layout == "per-line-trailing" else ""
        lines.append(f"    {argument}{comma}{note}")
    return "\n".join([opening, *lines, ")"])


# Strategies for log calls ---------------------------------------------------------------


def _text_tokens() -> st.SearchStrategy[Text]:
    return st.lists(st.sampled_from(TEXT_FRAGMENTS), min_size=1, max_size=3).map(lambda parts: Text("".join(parts)))


def _value_tokens(names: tuple[str, ...]) -> st.SearchStrategy[Value]:
    choices = [Value("count", is_int=True), Value("label"), *(Value(name) for name in names)]
    return st.sampled_from(choices)


@st.composite
def _tokens(draw, names: tuple[str, ...], values: bool, texts_only: bool) -> tuple[Text | Value, ...]:
    """Draw message tokens: with VALUES at least one substituted value, with TEXTS_ONLY none."""
    tokens: list[Text | Value] = draw(st.lists(st.one_of(_text_tokens(), _value_tokens(names)), min_size=1, max_size=4))
    if values and not any(isinstance(t, Value) for t in tokens):
        tokens.insert(draw(st.integers(0, len(tokens))), draw(_value_tokens(names)))
    if texts_only:
        tokens = [t for t in tokens if isinstance(t, Text)] or [draw(_text_tokens())]
    return tuple(tokens)


STDLIB_FORMS = ("plain", "fstring", "printf", "format_eager", "percent_eager", "opaque", "variable", "exception")
LOGURU_FORMS = ("plain", "fstring", "loguru_args", "format_eager", "percent_eager", "opaque", "variable", "exception")
# Eager messages whose text the check cannot work out from the source: values unpacked at run time.
OPAQUE_MESSAGES = ('"%s and %s" % pair', '"{} and {}".format(*pair)', '"{a} and {b}".format(**fields)', '"%(a)s" % fields')
STDLIB_EXTRAS = ("exc_info=False", "stacklevel=1", 'extra={"field": 1}')


@st.composite
def log_specs(draw, library: str, names: tuple[str, ...], prefix: tuple[Text | Value, ...]) -> LogSpec:
    """Draw one log call; with PREFIX tokens, its message already starts with them."""
    prefixed = bool(prefix)
    form = draw(st.sampled_from(STDLIB_FORMS if library == "stdlib" else LOGURU_FORMS))
    if prefixed and form in ("plain", "variable", "exception", "opaque"):
        form = "printf" if library == "stdlib" else "loguru_args"
    tokens: tuple[Text | Value, ...] = ()
    if form == "opaque":
        tokens = (Text(draw(st.sampled_from(OPAQUE_MESSAGES))),)
    elif form not in ("variable", "exception"):
        needs_values = form in ("printf", "percent_eager", "loguru_args", "format_eager") and not prefixed
        tokens = draw(_tokens(names, values=needs_values, texts_only=form == "plain"))
    if prefixed:
        tokens = (*prefix, *tokens)
    levels = STDLIB_LEVELS if library == "stdlib" else LOGURU_LEVELS
    method = "exception" if form == "exception" and draw(st.booleans()) else draw(st.sampled_from(levels))
    extras: tuple[str, ...] = ()
    if library == "stdlib" and draw(st.booleans()):
        extras = tuple(draw(st.lists(st.sampled_from(STDLIB_EXTRAS), max_size=2, unique=True)))
    texts = [t.value for t in tokens if isinstance(t, Text)] if form != "opaque" else ["\\"]
    raw_forms = ("plain", "fstring", "printf", "loguru_args")
    return LogSpec(
        library=library,
        method=method,
        form=form,
        tokens=tokens,
        quote=draw(st.sampled_from(['"', "'", '"""'])),
        raw=form in raw_forms and all(raw_safe(text) for text in texts) and draw(st.booleans()),
        use_log_method=method != "exception" and draw(st.integers(0, 4)) == 0,
        extras=extras,
        pieces=draw(st.sampled_from([1, 1, 2, 3])),
        named=form in ("loguru_args", "format_eager") and draw(st.booleans()),
        plain_pieces=draw(st.booleans()),
        layout=draw(st.sampled_from(["inline", "inline", "per-line", "per-line-trailing", "leading-comma"])),
        comment_at=draw(st.one_of(st.none(), st.integers(0, 3))),
    )


# Statements and nesting -----------------------------------------------------------------------

WRAPPERS = ("if", "else", "for", "while", "with", "try", "closure", "comprehension", "lambda")


def _indent(lines: list[str], depth: int = 1) -> list[str]:
    return [("    " * depth + line) if line else line for line in lines]


def _wrap(lines: list[str], wrapper: str, serial: int, expression: str | None) -> list[str]:
    """Wrap statement LINES in one nesting construct that runs them exactly once."""
    if wrapper == "if":
        return ["if count > 0:", *_indent(lines)]
    if wrapper == "else":
        return ["if count < 0:", "    pass", "else:", *_indent(lines)]
    if wrapper == "for":
        return ["for _ in range(1):", *_indent(lines)]
    if wrapper == "while":
        return ["while True:", *_indent(lines), "    break"]
    if wrapper == "with":
        return ["with contextlib.nullcontext():", *_indent(lines)]
    if wrapper == "try":
        return ["try:", *_indent(lines), "finally:", "    pass"]
    if wrapper == "closure":
        return [f"def inner_{serial}():", *_indent(lines), f"inner_{serial}()"]
    if wrapper == "comprehension" and expression is not None:
        return [f"[{expression} for _ in range(1)]"]
    if wrapper == "lambda" and expression is not None:
        return [f"(lambda: {expression})()"]
    return lines


@st.composite
def log_statements(draw, receivers: dict[str, str], names: tuple[str, ...], prefix: tuple[Text | Value, ...], serial: int) -> list[str]:
    """Draw the lines of one log call, possibly nested, inside a handler body."""
    library = draw(st.sampled_from(sorted(receivers)))
    spec = draw(log_specs(library, names, prefix))
    call = render_call(spec, receivers[library])
    if spec.form == "exception":
        error = _literal(draw(st.sampled_from(["boom %s {x}", "failed 100%", "plain"])), '"')
        lines = ["try:", f"    raise ValueError({error})", "except ValueError as err:", *_indent(call.split("\n"))]
        expression = None
    else:
        lines, expression = call.split("\n"), call if "\n" not in call else None
    for depth, wrapper in enumerate(draw(st.lists(st.sampled_from(WRAPPERS), max_size=2))):
        lines = _wrap(lines, wrapper, serial * 10 + depth, expression if len(lines) == 1 else None)
        expression = None
    return lines


# Signatures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a generated handler."""

    name: str
    kind: str  # "posonly", "normal", "vararg", "kwonly" or "varkw"
    annotation: str | None = None
    default: str | None = None

    def source(self) -> str:
        star = {"vararg": "*", "varkw": "**"}.get(self.kind, "")
        text = star + self.name
        if self.annotation is not None:
            text += f": {self.annotation}"
        if self.default is not None:
            text += f" = {self.default}" if self.annotation is not None else f"={self.default}"
        return text


@dataclass(frozen=True)
class Spelling:
    """How a module names FastAPI and the dependency module: `from` imports of names, or imports of the module."""

    fastapi: str  # "names" (`from fastapi import Depends`) or "module" (`import fastapi`)
    deps: str  # "names" (`from app.deps import ...`) or "module" (`from app import deps`)

    @property
    def depends(self) -> str:
        return "fastapi.Depends" if self.fastapi == "module" else "Depends"

    @property
    def router_class(self) -> str:
        return "fastapi.APIRouter" if self.fastapi == "module" else "APIRouter"

    @property
    def dependency(self) -> str:
        return "deps.get_current_tenant_id" if self.deps == "module" else "get_current_tenant_id"

    def tenant_parameter(self, style: str) -> ParamSpec:
        """Return the tenant parameter written in STYLE, "default" or "annotated"."""
        dependency = f"{self.depends}({self.dependency})"
        if style == "annotated":
            return ParamSpec("tenant_id", "kwonly", f"Annotated[str, {dependency}]")
        return ParamSpec("tenant_id", "normal", "str", dependency)


@st.composite
def _param(draw, name: str, kind: str, needs_default: bool, spelling: Spelling) -> ParamSpec:
    annotation = draw(st.sampled_from([None, "str", "int", "str | None"]))
    default = None
    if needs_default or draw(st.booleans()):
        default = draw(st.sampled_from(['"x"', "None", "0", f"{spelling.depends}(get_db)"]))
    return ParamSpec(name, kind, annotation, default)


@st.composite
def signatures(draw, migrated: str | None, spelling: Spelling) -> tuple[ParamSpec, ...]:
    """Draw a parameter list; MIGRATED ("default" or "annotated") adds the tenant parameter."""
    names = iter(draw(st.permutations(PARAMETER_NAMES)))
    params: list[ParamSpec] = []
    defaulted = False
    for kind, count in (("posonly", draw(st.integers(0, 2))), ("normal", draw(st.integers(0, 3)))):
        for _ in range(count):
            param = draw(_param(next(names), kind, defaulted, spelling))
            defaulted = defaulted or param.default is not None
            params.append(param)
    star = draw(st.sampled_from(["none", "args", "bare"]))
    kwonly = [draw(_param(next(names), "kwonly", False, spelling)) for _ in range(draw(st.integers(0, 2)))]
    if migrated == "annotated" or (migrated == "default" and draw(st.booleans())):
        tenant = replace(spelling.tenant_parameter(migrated), kind="kwonly")
        kwonly.insert(draw(st.integers(0, len(kwonly))), tenant)
    elif migrated == "default":
        params.append(spelling.tenant_parameter(migrated))
    if star == "args":
        params.append(ParamSpec("args", "vararg"))
    elif kwonly:
        params.append(ParamSpec("*", "bare"))
    params.extend(kwonly)
    if draw(st.booleans()):
        params.append(ParamSpec("kwargs", "varkw"))
    return tuple(params)


def _items(params: tuple[ParamSpec, ...]) -> list[str]:
    items = []
    for index, param in enumerate(params):
        items.append("*" if param.kind == "bare" else param.source())
        following = params[index + 1] if index + 1 < len(params) else None
        if param.kind == "posonly" and (following is None or following.kind != "posonly"):
            items.append("/")
    return items


@st.composite
def signature_sources(draw, name: str, params: tuple[ParamSpec, ...], is_async: bool, returns: str) -> list[str]:
    """Draw the `def` lines of a handler in one of the layouts people write."""
    items = _items(params)
    head = f"{'async ' if is_async else ''}def {name}("
    layout = draw(st.sampled_from(["one-line", "per-line", "aligned"])) if items else "one-line"
    if layout == "one-line":
        return [head + ", ".join(items) + f"){returns}:"]
    if layout == "aligned":
        pad = " " * len(head)
        lines = [head + items[0] + ("," if len(items) > 1 else "")]
        lines += [pad + item + ("," if index < len(items) - 2 else "") for index, item in enumerate(items[1:])]
        lines[-1] += f"){returns}:"
        return lines
    trailing = draw(st.booleans())
    lines = [head]
    for index, item in enumerate(items):
        if draw(st.integers(0, 4)) == 0:
            lines.append("    # about the next parameter")
        comma = "," if index < len(items) - 1 or trailing else ""
        comment = "  # why this parameter" if draw(st.integers(0, 3)) == 0 else ""
        lines.append(f"    {item}{comma}{comment}")
    lines.append(f"){returns}:")
    return lines


# Endpoints and modules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """A generated handler: its source lines and how the harness calls it."""

    lines: tuple[str, ...]
    uses_annotated: bool
    uses_depends: bool


@st.composite
def endpoints(draw, serial: int, receivers: dict[str, str], migrated: str | None, prefix: tuple[Text | Value, ...], router: str, spelling: Spelling) -> Endpoint:
    """Draw one handler with decorators, signature and a body of log calls."""
    name = f"endpoint_{serial}"
    params = draw(signatures(migrated, spelling))
    value_names = tuple(p.name for p in params if p.kind in ("posonly", "normal", "kwonly") and p.name != "tenant_id")
    path = f"/e{serial}" + "".join(f"/{{{n}}}" for n in value_names[:1])
    decorators = [f'@{router}.{draw(st.sampled_from(["get", "post", "put", "delete", "patch"]))}("{path}")']
    route_dependency = migrated is None and not prefix and draw(st.integers(0, 5)) == 0
    if route_dependency:
        decorators[0] = decorators[0][:-1] + f", dependencies=[{spelling.depends}({spelling.dependency})])"
    if draw(st.booleans()):
        decorators.insert(draw(st.integers(0, 1)), draw(st.sampled_from(["@traced", f'@{router}.get("/alias{serial}")'])))
    is_async = draw(st.booleans())
    returns = draw(st.sampled_from(["", " -> dict"]))
    header = draw(signature_sources(name, params, is_async, returns))
    body = ["count = 3", 'label = "label %s {x}"', "pair = (count, label)", 'fields = {"a": label, "b": count}']
    for index in range(draw(st.integers(1, 4))):
        body += draw(log_statements(receivers, value_names, prefix, serial * 10 + index))
    body.append('return {"ok": True}')
    lines = [*decorators, *header, *_indent(body)]
    uses_depends = route_dependency or migrated is not None or any("Depends(" in (p.default or "") + (p.annotation or "") for p in params)
    return Endpoint(tuple(lines), migrated == "annotated", uses_depends)


@dataclass(frozen=True)
class GeneratedModule:
    """A router module's source and what the harness and the properties need to know about it."""

    source: str
    compliant: bool
    loguru: bool


FASTAPI_IMPORTS = (
    "from fastapi import {names}",
    "from fastapi import ({names})",
    "from fastapi import (\n    {lines}\n)",
    "from fastapi import (\n    {lines},\n)",
    "from fastapi import (\n    {lines}  # web framework\n)",
)


@st.composite
def modules(draw, compliant: bool = False, log_prefix: str = LOG_PREFIX) -> GeneratedModule:
    """Draw a router module; with COMPLIANT, every endpoint already takes the tenant and logs with LOG_PREFIX."""
    use_loguru = HAS_LOGURU and draw(st.booleans())
    stdlib_name = draw(st.sampled_from(["logger", "log", "_logger"]))
    receivers = {"stdlib": stdlib_name}
    if use_loguru:
        receivers["loguru"] = "lg" if stdlib_name == "logger" else "logger"
    router = draw(st.sampled_from(["router", "api"]))
    spelling = Spelling(draw(st.sampled_from(["names", "names", "module"])), draw(st.sampled_from(["names", "names", "module"])))
    generated = []
    for serial in range(draw(st.integers(1, 3))):
        migrated = draw(st.sampled_from(["default", "annotated"])) if compliant else draw(st.sampled_from([None, None, "default", "annotated"]))
        prefixed = compliant or (migrated is not None and draw(st.booleans()))
        prefix = prefix_tokens(log_prefix) if prefixed else ()
        generated.append(draw(endpoints(serial, receivers, migrated, prefix, router, spelling)))
    header, get_db_imported = _module_header(draw, generated, receivers, use_loguru, spelling)
    body = [f"{stdlib_name} = logging.getLogger(__name__)", f"{router} = {spelling.router_class}()", "", "", "def traced(function):", "    return function"]
    if not get_db_imported:
        body += ["", "", "def get_db():", '    return "db"']
    parts = ["\n".join(header), "\n".join(body), *("\n".join(e.lines) for e in generated)]
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    source = "\n\n\n".join(parts) + "\n"
    return GeneratedModule(source.replace("\n", newline), compliant, use_loguru)


def _module_header(draw, generated: list[Endpoint], receivers: dict[str, str], use_loguru: bool, spelling: Spelling) -> tuple[list[str], bool]:
    """Draw the docstring and imports; return them and whether `get_db` comes from the dependency module."""
    header = []
    if draw(st.booleans()):
        header += ['"""Generated router."""', ""]
    if draw(st.booleans()):
        header.append("from __future__ import annotations")
    header += ["import contextlib", "import logging"]
    if any(e.uses_annotated for e in generated):
        header.append("from typing import Annotated")
    if spelling.fastapi == "module":
        header.append("import fastapi")
    else:
        names = ["APIRouter"]
        if any(e.uses_depends for e in generated) or draw(st.integers(0, 3)) == 0:
            names.append("Depends")
        template = draw(st.sampled_from(FASTAPI_IMPORTS))
        header.append(template.format(names=", ".join(names), lines=",\n    ".join(names)))
    if use_loguru:
        alias = receivers["loguru"]
        header.append("from loguru import logger" + (f" as {alias}" if alias != "logger" else ""))
    imports, get_db_imported = _dependency_imports(draw, generated, spelling)
    return header + imports, get_db_imported


def _dependency_imports(draw, generated: list[Endpoint], spelling: Spelling) -> tuple[list[str], bool]:
    referenced = any("get_current_tenant_id" in line for e in generated for line in e.lines)
    package, _, module = DEPENDENCY_MODULE.rpartition(".")
    if spelling.deps == "module":
        if referenced or draw(st.booleans()):
            return [f"from {package} import {module}"], False
        return [], False
    names = ["get_db"] if draw(st.booleans()) else []
    if referenced or draw(st.integers(0, 3)) == 0:
        names.append("get_current_tenant_id")
    if not names:
        return [], False
    template = draw(st.sampled_from(["from {module} import {names}", "from {module} import (\n    {lines},\n)"]))
    return [template.format(module=DEPENDENCY_MODULE, names=", ".join(names), lines=",\n    ".join(names))], "get_db" in names


# Running a module's handlers ------------------------------------------------------------------------


class _Router:
    """Stand-in for `fastapi.APIRouter` that records decorated handlers in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.handlers: list[Callable] = []

    def _route(self, *args: Any, **kwargs: Any) -> Callable:
        def register(function: Callable) -> Callable:
            if function not in self.handlers:
                self.handlers.append(function)
            return function

        return register

    get = post = put = delete = patch = api_route = _route


def _stand_ins() -> dict[str, types.ModuleType]:
    web = types.ModuleType("fastapi")
    web.APIRouter = _Router  # type: ignore[attr-defined]
    web.Depends = fastapi.Depends  # type: ignore[attr-defined]
    deps = types.ModuleType(DEPENDENCY_MODULE)
    deps.get_current_tenant_id = lambda: TENANT  # type: ignore[attr-defined]
    deps.get_db = lambda: "db"  # type: ignore[attr-defined]
    app = types.ModuleType("app")
    app.deps = deps  # type: ignore[attr-defined]
    return {"fastapi": web, DEPENDENCY_MODULE: deps, "app": app}


def _importer(stand_ins: dict[str, types.ModuleType]) -> Callable:
    real = builtins.__import__

    def import_(name: str, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 - mirrors __import__
        if level == 0 and name in stand_ins:
            return stand_ins[name] if fromlist or "." not in name else stand_ins[name.split(".")[0]]
        return real(name, globals, locals, fromlist, level)

    return import_


def _arguments(function: Callable) -> tuple[list[Any], dict[str, Any]]:
    """Return plain arguments for FUNCTION: `value_of` for request values, the dependency's result for `Depends`."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        default = parameter.default
        if parameter.name == "tenant_id":
            value = _stand_ins()[DEPENDENCY_MODULE].get_current_tenant_id()
        elif isinstance(default, fastapi.params.Depends):
            value = default.dependency()
        else:
            value = value_of(parameter.name)
        if parameter.kind == parameter.POSITIONAL_ONLY:
            positional.append(value)
        else:
            keywords[parameter.name] = value
    return positional, keywords


class _Records(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def run_handlers(source: str) -> list[str]:
    """Execute SOURCE, call each registered handler once, and return every log message in order."""
    namespace: dict[str, Any] = {"__name__": "generated_router"}
    namespace["__builtins__"] = {**vars(builtins), "__import__": _importer(_stand_ins())}
    messages: list[str] = []
    handler = _Records(messages)
    stdlib = logging.getLogger("generated_router")
    stdlib.addHandler(handler)
    stdlib.setLevel(logging.DEBUG)
    stdlib.propagate = False
    sink = loguru.logger.add(lambda message: messages.append(message.record["message"]), level=0) if HAS_LOGURU else None
    try:
        exec(compile(source, "generated_router.py", "exec", dont_inherit=True), namespace)  # noqa: S102 - the module is generated by these strategies
        routers = [value for value in namespace.values() if isinstance(value, _Router)]
        for function in (f for router in routers for f in router.handlers):
            positional, keywords = _arguments(function)
            result = function(*positional, **keywords)
            if inspect.iscoroutine(result):
                asyncio.run(result)
    finally:
        stdlib.removeHandler(handler)
        if sink is not None:
            loguru.logger.remove(sink)
    return messages
