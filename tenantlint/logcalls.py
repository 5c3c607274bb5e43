"""Log calls inside endpoints and how their messages render.

A log call is recognised by how its receiver is bound (a `logging.getLogger`
result, the `logging` module, loguru's `logger`, a structlog logger, or a
configured name), never by the receiver's name alone.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import libcst as cst

from tenantlint import bindings as b

LEVEL_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "trace", "success", "msg"}
)
STRUCTLOG_ASYNC = frozenset(f"a{name}" for name in ("debug", "info", "warning", "error", "exception", "critical", "msg"))
# Keyword arguments that the standard library consumes itself; they never feed the message template.
STDLIB_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "extra"})


@dataclass(frozen=True)
class LogCall:
    """One call that emits a log record."""

    node: cst.Call
    line: int
    column: int
    library: str  # "stdlib", "loguru" or "structlog"
    method: str
    message_index: int | None  # position in node.args of the message, None when absent
    tenant_bound: bool = False  # structlog logger bound with the tenant key

    @property
    def message(self) -> cst.BaseExpression | None:
        return None if self.message_index is None else self.node.args[self.message_index].value

    def format_args(self) -> list[cst.Arg]:
        """Arguments that the logging library substitutes into the message."""
        if self.message_index is None:
            return []
        rest = list(self.node.args[self.message_index + 1 :])
        if self.library == "stdlib":
            return [arg for arg in rest if arg.keyword is None and arg.star != "**"]
        if self.library == "loguru":
            return rest  # loguru formats with every positional and keyword argument, `**` ones included
        return []


class _LogCallFinder(cst.CSTVisitor):
    def __init__(self, bindings: b.Bindings, positions) -> None:
        self.bindings = bindings
        self.positions = positions
        self.local_loggers: dict[str, str] = {}
        self.tenant_bound: set[str] = set()
        self.calls: list[LogCall] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        library = b.logger_library(node.value, self.bindings)
        if library is None and isinstance(node.value, cst.Call):
            library = self._bound_logger(node.value)
        if library is None:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.local_loggers[target.target.value] = library
                if _binds_tenant(node.value):
                    self.tenant_bound.add(target.target.value)

    def _bound_logger(self, call: cst.Call) -> str | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("bind", "getChild", "opt", "new"):
            return b.expression_logger(func.value, self.bindings, self.local_loggers)
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in LEVEL_METHODS and method not in STRUCTLOG_ASYNC and method != "log":
            return
        library = b.expression_logger(func.value, self.bindings, self.local_loggers)
        if library is None:
            library = self._configured(func.value)
        if library is None:
            return
        index = _message_index(node, method, library)
        if index is None:
            return
        line, column = self.positions.get(node, (0, 0))
        bound = isinstance(func.value, cst.Name) and func.value.value in self.tenant_bound
        self.calls.append(LogCall(node, line, column, library, method, index, bound))

    def _configured(self, receiver: cst.BaseExpression) -> str | None:
        names = self.bindings.configured_loggers
        text = b.dotted(receiver)
        qualified = self.bindings.qualify(receiver) if text else None
        return names.get(text) or (names.get(qualified) if qualified else None)


def _binds_tenant(call: cst.BaseExpression) -> bool:
    if not isinstance(call, cst.Call):
        return False
    return any(arg.keyword is not None and "tenant" in arg.keyword.value for arg in call.args)


def _message_index(call: cst.Call, method: str, library: str) -> int | None:
    """Return the index of the message argument, or None when the call has none."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value in ("msg", "message", "event"):
            return index
    positional = [i for i, arg in enumerate(call.args) if arg.keyword is None and not arg.star]
    wanted = 1 if method == "log" else 0
    if len(positional) > wanted and call.args[positional[wanted]].star == "":
        return positional[wanted]
    return None


def find_log_calls(function: cst.FunctionDef, bindings: b.Bindings, positions) -> list[LogCall]:
    """Return the log calls in FUNCTION's body, nested blocks and closures included."""
    finder = _LogCallFinder(bindings, positions)
    function.body.visit(finder)
    return finder.calls


# Message rendering ------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A value substituted into a message, by its source code."""

    code: str


PRINTF = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conversion>[diouxXeEfFgGcrsab%])"
)


def code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def eager_pieces(expression: cst.BaseExpression) -> list | None:
    """Render a message expression evaluated before the logging call, or None when unknown."""
    if isinstance(expression, cst.SimpleString):
        value = expression.evaluated_value
        return [value] if isinstance(value, str) else None
    if isinstance(expression, cst.FormattedString):
        return _fstring_pieces(expression)
    if isinstance(expression, cst.ConcatenatedString):
        left, right = eager_pieces(expression.left), eager_pieces(expression.right)
        return None if left is None or right is None else [*left, *right]
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
        if expression.func.attr.value == "format":
            template = eager_pieces(expression.func.value)
            if template is not None:
                return format_pieces(template, expression.args)
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Add):
        left, right = eager_pieces(expression.left), eager_pieces(expression.right)
        return None if left is None or right is None else [*left, *right]
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Modulo):
        template = eager_pieces(expression.left)
        if template is not None:
            right = expression.right
            if isinstance(right, cst.Tuple):
                return printf_pieces(template, [e.value for e in right.elements])
            return printf_pieces(template, [right])
    return [Slot(code_of(expression))]


def _fstring_pieces(node: cst.FormattedString) -> list | None:
    pieces: list = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            pieces.append(part.value.replace("{{", "{").replace("}}", "}"))
        elif isinstance(part, cst.FormattedStringExpression):
            pieces.append(Slot(code_of(part.expression)))
        else:
            return None
    return pieces


def printf_pieces(pieces: list, values: list[cst.BaseExpression], open_ended: bool = False) -> list | None:
    """Apply `%` formatting to the text pieces with VALUES as positional arguments.

    With OPEN_ENDED (the call also passes `*args`), placeholders beyond VALUES
    take unknown values instead of making the message unreadable.
    """
    queue = list(values)
    out: list = []
    for piece in pieces:
        if isinstance(piece, Slot):
            out.append(piece)
            continue
        position = 0
        for match in PRINTF.finditer(piece):
            out.append(piece[position : match.start()])
            position = match.end()
            if match.group("conversion") == "%":
                out.append("%")
                continue
            if match.group("key") is not None or "*" in (match.group("width") or "") + (match.group("precision") or ""):
                return None
            if not queue:
                if not open_ended:
                    return None
                out.append(Slot("*args"))
                continue
            out.append(Slot(code_of(queue.pop(0))))
        out.append(piece[position:])
    return out


def format_pieces(pieces: list, args) -> list | None:
    """Apply `str.format` to the text pieces with ARGS (libcst Args)."""
    positional = [arg.value for arg in args if arg.keyword is None and not arg.star]
    keywords = {arg.keyword.value: arg.value for arg in args if arg.keyword is not None}
    counter = 0
    out: list = []
    for piece in pieces:
        if isinstance(piece, Slot):
            out.append(piece)
            continue
        try:
            parsed = list(string.Formatter().parse(piece))
        except ValueError:
            return None
        for literal, field_name, _spec, _conversion in parsed:
            out.append(literal)
            if field_name is None:
                continue
            name = re.split(r"[.\[]", field_name, maxsplit=1)[0]
            if name == "":
                value = positional[counter] if counter < len(positional) else None
                counter += 1
            elif name.isdigit():
                index = int(name)
                value = positional[index] if index < len(positional) else None
            else:
                value = keywords.get(name)
            if value is None:
                return None
            out.append(Slot(code_of(value)))
    return out


def rendered_pieces(call: LogCall) -> list | None:
    """Return the message as the log record will carry it: text and substituted values."""
    message = call.message
    if message is None:
        return None
    pieces = eager_pieces(message)
    if pieces is None:
        return None
    format_args = call.format_args()
    if call.library == "stdlib" and format_args:
        starred = any(arg.star for arg in format_args)
        pieces = printf_pieces(pieces, [arg.value for arg in format_args if not arg.star], open_ended=starred)
    elif call.library == "loguru" and format_args:
        pieces = format_pieces(pieces, format_args)
    return None if pieces is None else _merge(pieces)


def _merge(pieces: list) -> list:
    merged: list = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    return merged


def normalise_code(code: str) -> str:
    return re.sub(r"\s+", "", code)


def prefix_status(call: LogCall, tenant_expression: str, log_prefix: str, parameter: str, structlog_style: str = "key") -> str:
    """Return "ok", "missing" or "malformed" for one log call.

    A structlog event in the "key" style needs the tenant as a bound or
    passed key rather than a message prefix.
    """
    if call.library == "structlog" and structlog_style == "key":
        return _structlog_status(call, parameter)
    pieces = rendered_pieces(call)
    if pieces is None:
        return "missing"
    before, _, after = log_prefix.partition("{tenant_id}")
    if _starts_with_prefix(pieces, before, tenant_expression, after):
        return "ok"
    text = "".join(piece if isinstance(piece, str) else "{" + piece.code + "}" for piece in pieces)
    static = before.strip()
    if re.match(r"\s*[\[(<{]?\s*tenant(?:[\s_-]*id)?\b", text, re.IGNORECASE) or (static and static in text):
        return "malformed"
    return "missing"


def _starts_with_prefix(pieces: list, before: str, tenant: str, after: str) -> bool:
    if len(pieces) < 2 or not isinstance(pieces[0], str) or not isinstance(pieces[1], Slot):
        return before == "" and bool(pieces) and isinstance(pieces[0], Slot) and _same(pieces[0], tenant)
    if pieces[0] != before or not _same(pieces[1], tenant):
        return False
    rest = pieces[2] if len(pieces) > 2 and isinstance(pieces[2], str) else ""
    return rest.startswith(after)


def _same(slot: Slot, tenant: str) -> bool:
    return normalise_code(slot.code) == normalise_code(tenant)


def _structlog_status(call: LogCall, parameter: str) -> str:
    if call.tenant_bound:
        return "ok"
    keywords = {arg.keyword.value for arg in call.node.args if arg.keyword is not None}
    return "ok" if parameter in keywords else "missing"
