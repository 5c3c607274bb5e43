"""Add the tenant prefix to a log call so the record renders as the old message with the prefix in front.

Where the logging library formats the message (the call has formatting
arguments), the prefix gets a placeholder and the tenant becomes the first
argument: splicing the tenant value into the template would let a `%` or `{`
in a tenant identifier break the record. Where nothing formats the message,
plain strings and f-strings become f-strings with the prefix in front.
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass

import libcst as cst

from tenantlint.fixes import commalist
from tenantlint.logcalls import PRINTF, LogCall, code_of, eager_pieces, prefix_status


class UnsafeFix(Exception):
    """A rewrite that cannot be proven exact, with the reason as its message."""


@dataclass(frozen=True)
class PrefixSettings:
    before: str  # prefix text before the tenant value, e.g. "[Tenant: "
    after: str  # prefix text after it, e.g. "]"
    parameter: str  # keyword name for libraries that take keyword fields
    log_style: str  # "auto", "fstring" or "lazy"
    structlog_style: str  # "key" or "prefix"
    log_prefix: str = "[Tenant: {tenant_id}]"  # the configured prefix, as the check reads it


def settings_from(log_prefix: str, parameter: str, log_style: str, structlog_style: str) -> PrefixSettings:
    before, _, after = log_prefix.partition("{tenant_id}")
    return PrefixSettings(before, after + " ", parameter, log_style, structlog_style, log_prefix)


# String literal handling -----------------------------------------------------


@dataclass(frozen=True)
class _Literal:
    prefix: str
    quote: str
    body: str

    @classmethod
    def parse(cls, value: str) -> _Literal:
        match = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")", value)
        assert match is not None
        prefix, quote = match.group(1), match.group(2)
        return cls(prefix, quote, value[len(prefix) + len(quote) : -len(quote)])

    @property
    def raw(self) -> bool:
        return "r" in self.prefix.lower()

    def render(self) -> str:
        return f"{self.prefix}{self.quote}{self.body}{self.quote}"


def _escape(text: str, quote: str, raw: bool, fstring: bool) -> str:
    """Return TEXT as source for the body of a string literal."""
    if fstring:
        text = text.replace("{", "{{").replace("}", "}}")
    if raw:
        if "\\" in text or quote[0] in text or "\n" in text:
            raise UnsafeFix("the prefix cannot be written inside a raw string")
        return text
    text = text.replace("\\", "\\\\").replace("\n", "\\n")
    return text.replace(quote[0], "\\" + quote[0])


def _prepend_to_simple(node: cst.SimpleString, text: str, fstring: bool) -> cst.SimpleString:
    literal = _Literal.parse(node.value)
    if "b" in literal.prefix.lower():
        raise UnsafeFix("the message is a bytes literal")
    body = _escape(text, literal.quote, literal.raw, fstring)
    return node.with_changes(value=_Literal(literal.prefix, literal.quote, body + literal.body).render())


def _prepend_to_fstring(node: cst.FormattedString, text: str) -> cst.FormattedString:
    quote = node.end
    body = _escape(text, quote, "r" in node.start.lower(), fstring=True)
    parts = list(node.parts)
    if parts and isinstance(parts[0], cst.FormattedStringText):
        parts[0] = parts[0].with_changes(value=body + parts[0].value)
    else:
        parts.insert(0, cst.FormattedStringText(body))
    return node.with_changes(parts=parts)


def prepend_literal(node: cst.BaseExpression, text: str) -> cst.BaseExpression:
    """Put TEXT in front of a string template without changing how it is evaluated."""
    if isinstance(node, cst.SimpleString):
        return _prepend_to_simple(node, text, fstring=False)
    if isinstance(node, cst.FormattedString):
        return _prepend_to_fstring(node, text)
    if isinstance(node, cst.ConcatenatedString):
        return node.with_changes(left=prepend_literal(node.left, text))
    raise UnsafeFix("the message template is not a string literal")


def _fstring_prefix(settings: PrefixSettings, tenant: str, quote: str, raw: bool) -> str:
    before = _escape(settings.before, quote, raw, fstring=True)
    after = _escape(settings.after, quote, raw, fstring=True)
    return f"{before}{{{tenant}}}{after}"


def _to_fstring(node: cst.SimpleString, settings: PrefixSettings, tenant: str) -> cst.FormattedString:
    literal = _Literal.parse(node.value)
    lowered = literal.prefix.lower()
    if "b" in lowered:
        raise UnsafeFix("the message is a bytes literal")
    if not literal.raw and re.search(r"(?<!\\)(\\\\)*\\N\{", literal.body):
        raise UnsafeFix("the message uses a `\\N{...}` escape, which an f-string would misread")
    body = literal.body.replace("{", "{{").replace("}", "}}")
    prefix = ("r" if literal.raw else "") + "f"
    source = f"{prefix}{literal.quote}{_fstring_prefix(settings, tenant, literal.quote, literal.raw)}{body}{literal.quote}"
    expression = cst.parse_expression(source)
    assert isinstance(expression, cst.FormattedString)
    return expression.with_changes(lpar=node.lpar, rpar=node.rpar)


def _first_quote(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.ConcatenatedString):
        node = node.left
    if isinstance(node, cst.SimpleString):
        return _Literal.parse(node.value).quote[0]
    if isinstance(node, cst.FormattedString):
        return node.end[0]
    return '"'


def _fstring_in_front(node: cst.ConcatenatedString, settings: PrefixSettings, tenant: str) -> cst.ConcatenatedString:
    quote = _first_quote(node)
    part = cst.parse_expression(f"f{quote}{_fstring_prefix(settings, tenant, quote, False)}{quote}")
    assert isinstance(part, cst.FormattedString)
    return cst.ConcatenatedString(
        left=part,
        right=node.with_changes(lpar=[], rpar=[]),
        whitespace_between=cst.SimpleWhitespace(" "),
        lpar=node.lpar,
        rpar=node.rpar,
    )


# Placeholders for library formatting ----------------------------------------------


def _printf_prefix(settings: PrefixSettings) -> str:
    return settings.before.replace("%", "%%") + "%s" + settings.after.replace("%", "%%")


def _brace_prefix(settings: PrefixSettings, field: str = "") -> str:
    def escape(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    return escape(settings.before) + "{" + field + "}" + escape(settings.after)


def _template_text(node: cst.BaseExpression) -> str:
    """Return the literal text of a template, with f-string values left out."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else ""
    if isinstance(node, cst.FormattedString):
        return "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText))
    if isinstance(node, cst.ConcatenatedString):
        return _template_text(node.left) + _template_text(node.right)
    return ""


def _brace_fields(text: str) -> list[str] | None:
    try:
        return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError:
        return None


def _parse_arg(code: str) -> cst.Arg:
    call = cst.parse_expression(f"f({code})")
    assert isinstance(call, cst.Call)
    return call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _insert_arg(call: cst.Call, index: int, arg: cst.Arg) -> cst.Call:
    args = commalist.insert(call.args, index, arg, call.whitespace_before_args)
    return call.with_changes(args=args)


def _replace_message(call: cst.Call, index: int, value: cst.BaseExpression) -> cst.Call:
    args = list(call.args)
    args[index] = args[index].with_changes(value=value)
    return call.with_changes(args=args)


def _first_keyword_index(call: cst.Call, start: int) -> int:
    for index in range(start, len(call.args)):
        if call.args[index].keyword is not None or call.args[index].star == "**":
            return index
    return len(call.args)


# Rewrites -----------------------------------------------------------------------


def rewrite_log_call(log: LogCall, node: cst.Call, tenant: str, settings: PrefixSettings) -> cst.Call:
    """Return NODE (the current version of LOG's call) with the tenant prefix added.

    Raise UnsafeFix when the rewrite cannot be made exactly, or when the check
    would not recognise the prefix in it, which would make the safety net
    reject every fix in the file.
    """
    rewritten = _rewrite(log, node, tenant, settings)
    if node is log.node:
        status = prefix_status(dataclasses.replace(log, node=rewritten), tenant, settings.log_prefix, settings.parameter, settings.structlog_style)
        if status != "ok":
            raise UnsafeFix("the check cannot read the prefix in the rewritten call, so the call is left as it is")
    return rewritten


def _rewrite(log: LogCall, node: cst.Call, tenant: str, settings: PrefixSettings) -> cst.Call:
    if log.library == "structlog" and settings.structlog_style == "key":
        return _add_structlog_key(node, tenant, settings)
    index = log.message_index
    assert index is not None
    message = node.args[index].value
    if log.format_args() and log.library != "structlog":
        return _with_placeholder(log, node, index, message, tenant, settings)
    return _eager(log, node, index, message, tenant, settings)


def _add_structlog_key(node: cst.Call, tenant: str, settings: PrefixSettings) -> cst.Call:
    if any(arg.star == "**" for arg in node.args):
        raise UnsafeFix("the call passes `**` keyword arguments that may already carry the tenant key")
    return _insert_arg(node, len(node.args), _parse_arg(f"{settings.parameter}={tenant}"))


def _with_placeholder(log: LogCall, node: cst.Call, index: int, message, tenant: str, settings: PrefixSettings) -> cst.Call:
    text = _template_text(message)
    if node.args[index].keyword is not None:
        raise UnsafeFix("the message is passed by keyword, so no argument can be added in front of the others")
    if any(arg.star == "*" for arg in node.args[index + 1 :]):
        # NOTE: the rewrite would render right, but the check cannot match the
        # placeholders to values it does not see, so it would still report the call.
        raise UnsafeFix("the call passes `*` arguments, so the check cannot confirm where the values go")
    if log.library == "stdlib":
        if any(match.group("key") is not None for match in PRINTF.finditer(text)):
            raise UnsafeFix("the message uses named `%(key)s` placeholders")
        updated = _replace_message(node, index, prepend_literal(message, _printf_prefix(settings)))
        return _insert_arg(updated, index + 1, _parse_arg(tenant))
    fields = _brace_fields(text)
    if fields is None or any(field[:1].isdigit() for field in fields):
        raise UnsafeFix("the message uses numbered `{0}` fields")
    positional = [arg for arg in node.args[index + 1 :] if arg.keyword is None]
    if positional:
        updated = _replace_message(node, index, prepend_literal(message, _brace_prefix(settings)))
        return _insert_arg(updated, index + 1, _parse_arg(tenant))
    return _loguru_keyword(node, index, message, tenant, settings)


def _loguru_keyword(node: cst.Call, index: int, message, tenant: str, settings: PrefixSettings) -> cst.Call:
    name = settings.parameter
    existing = next((arg for arg in node.args if arg.keyword is not None and arg.keyword.value == name), None)
    if existing is not None and re.sub(r"\s", "", code_of(existing.value)) != re.sub(r"\s", "", tenant):
        raise UnsafeFix(f"the call already passes `{name}=` with another value")
    if any(arg.star == "**" for arg in node.args) and existing is None:
        raise UnsafeFix("the call passes `**` keyword arguments that may already carry the tenant key")
    updated = _replace_message(node, index, prepend_literal(message, _brace_prefix(settings, name)))
    if existing is not None:
        return updated
    return _insert_arg(updated, _first_keyword_index(updated, index + 1), _parse_arg(f"{name}={tenant}"))


def _eager(log: LogCall, node: cst.Call, index: int, message, tenant: str, settings: PrefixSettings) -> cst.Call:
    lazy = settings.log_style == "lazy" and log.library in ("stdlib", "loguru")
    if isinstance(message, cst.SimpleString) and lazy:
        return _generic(log, node, index, message, tenant, settings, keep_template=True)
    if isinstance(message, cst.SimpleString):
        return _replace_message(node, index, _to_fstring(message, settings, tenant))
    if isinstance(message, cst.FormattedString):
        text = _fstring_prefix(settings, tenant, message.end, "r" in message.start.lower())
        parts = list(cst.parse_expression(f"f{message.end}{text}{message.end}").parts)  # type: ignore[attr-defined]
        return _replace_message(node, index, message.with_changes(parts=[*parts, *message.parts]))
    if isinstance(message, cst.ConcatenatedString):
        return _replace_message(node, index, _fstring_in_front(message, settings, tenant))
    formatted = _eager_format(message, tenant, settings)
    if formatted is None and _always_str(message) and eager_pieces(message) is not None:
        # The check renders `prefix + message` only when it can render the
        # message itself (not `"%s %s" % pair`, nor `.format(*values)`);
        # `_generic` covers the others in a form that it can read.
        formatted = _concatenate(message, tenant, settings)
    if formatted is not None:
        return _replace_message(node, index, formatted)
    return _generic(log, node, index, message, tenant, settings, keep_template=False)


def _always_str(message: cst.BaseExpression) -> bool:
    """Return whether MESSAGE evaluates to a `str`, because it is a `%` or `.format` applied to a string literal."""
    if isinstance(message, cst.BinaryOperation) and isinstance(message.operator, cst.Modulo):
        return isinstance(message.left, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
    if isinstance(message, cst.Call) and isinstance(message.func, cst.Attribute) and message.func.attr.value == "format":
        return isinstance(message.func.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
    return False


def _concatenate(message: cst.BaseExpression, tenant: str, settings: PrefixSettings) -> cst.BaseExpression:
    """Return `f"<prefix>" + message`, which renders exactly because MESSAGE is a `str`.

    `+` binds more loosely than `%` and calls, so MESSAGE needs no brackets.
    """
    prefix = cst.parse_expression(f'f"{_fstring_prefix(settings, tenant, chr(34), False)}"')
    return cst.BinaryOperation(prefix, cst.Add(), message.with_changes(lpar=[], rpar=[]) if not message.lpar else message)


def _eager_format(message, tenant: str, settings: PrefixSettings) -> cst.BaseExpression | None:
    """Rewrite `"...".format(...)` and `"..." % (...)` messages in place where that is exact."""
    if isinstance(message, cst.Call) and isinstance(message.func, cst.Attribute) and message.func.attr.value == "format":
        template = message.func.value
        fields = _brace_fields(_template_text(template))
        if not isinstance(template, (cst.SimpleString, cst.ConcatenatedString)) or fields is None:
            return None
        if any(arg.star for arg in message.args) or any(field[:1].isdigit() for field in fields):
            return None
        if all(field == "" for field in fields):
            func = message.func.with_changes(value=prepend_literal(template, _brace_prefix(settings)))
            return _insert_arg(message.with_changes(func=func), 0, _parse_arg(tenant))
        if all(field != "" for field in fields):
            if any(arg.keyword is not None and arg.keyword.value == settings.parameter for arg in message.args):
                return None
            func = message.func.with_changes(value=prepend_literal(template, _brace_prefix(settings, settings.parameter)))
            return _insert_arg(message.with_changes(func=func), 0, _parse_arg(f"{settings.parameter}={tenant}"))
        return None
    if isinstance(message, cst.BinaryOperation) and isinstance(message.operator, cst.Modulo):
        template, right = message.left, message.right
        if not isinstance(template, (cst.SimpleString, cst.ConcatenatedString)):
            return None
        if any(match.group("key") is not None for match in PRINTF.finditer(_template_text(template))):
            return None
        left = prepend_literal(template, _printf_prefix(settings))
        if isinstance(right, cst.Tuple) and right.elements and not any(isinstance(e, cst.StarredElement) for e in right.elements):
            return message.with_changes(left=left, right=_tuple_with_first(right, cst.parse_expression(tenant)))
        if isinstance(right, (cst.SimpleString, cst.FormattedString, cst.Integer, cst.Float)):
            pair = cst.parse_expression(f"({tenant}, {code_of(right)})")
            return message.with_changes(left=left, right=pair)
    return None


def _tuple_with_first(values: cst.Tuple, first: cst.BaseExpression) -> cst.Tuple:
    """Return the bracketed tuple VALUES with FIRST in front of its elements."""
    if not values.lpar:
        return values.with_changes(elements=commalist.insert(values.elements, 0, cst.Element(first)))
    innermost = values.lpar[-1]
    elements, opening = commalist.insert_below_opening(values.elements, 0, cst.Element(first), innermost.whitespace_after)
    lpar = [*values.lpar[:-1], innermost.with_changes(whitespace_after=opening)]
    return values.with_changes(elements=elements, lpar=lpar)


def _generic(log: LogCall, node: cst.Call, index: int, message, tenant: str, settings: PrefixSettings, keep_template: bool) -> cst.Call:
    """Pass the old message as an argument: `"[Tenant: %s] %s", tenant_id, message`.

    `%s` renders any object as `str()` does, which is what the library does
    with a message that has no arguments, so the record text is unchanged.
    """
    if node.args[index].keyword is not None:
        raise UnsafeFix("the message is passed by keyword, so no argument can be added in front of the others")
    if log.library == "loguru":
        if keep_template:
            text = _brace_prefix(settings) + (message.evaluated_value or "").replace("{", "{{").replace("}", "}}")
            return _insert_arg(_replace_message(node, index, _simple(text)), index + 1, _parse_arg(tenant))
        template = _brace_prefix(settings) + "{}"
    else:
        if keep_template:
            text = _printf_prefix(settings) + (message.evaluated_value or "").replace("%", "%%")
            return _insert_arg(_replace_message(node, index, _simple(text)), index + 1, _parse_arg(tenant))
        template = _printf_prefix(settings) + "%s"
    updated = _replace_message(node, index, _simple(template))
    updated = _insert_arg(updated, index + 1, cst.Arg(message))
    return _insert_arg(updated, index + 1, _parse_arg(tenant))


def _simple(text: str) -> cst.SimpleString:
    return cst.SimpleString('"' + _escape(text, '"', raw=False, fstring=False) + '"')


# Malformed prefixes ---------------------------------------------------------------

# A prefix written by hand with another case, spacing or punctuation, such as
# `[tenant: {tenant_id}]`, `Tenant {tenant_id}:` or `[TENANT={tenant_id}]`.
_MALFORMED_HEAD = re.compile(r"\A\s*[\[(<]?\s*tenant(?:[\s_-]*id)?\s*[:=]?\s*\Z", re.IGNORECASE)
_MALFORMED_TAIL = re.compile(r"\A\s*[\])>:]?")


def normalise_prefix(log: LogCall, node: cst.Call, tenant: str, settings: PrefixSettings) -> cst.Call:
    """Return NODE with a hand-written tenant prefix of an f-string message replaced by the configured one.

    Only an f-string whose text before the tenant value is a variant of
    "tenant:" is rewritten; anything else is left alone, with the reason.
    """
    index = log.message_index
    message = node.args[index].value if index is not None else None
    if not isinstance(message, cst.FormattedString) or len(message.parts) < 2:
        raise UnsafeFix("only an f-string that starts with the tenant value can have its prefix corrected")
    head, value = message.parts[0], message.parts[1]
    if not isinstance(head, cst.FormattedStringText) or not isinstance(value, cst.FormattedStringExpression):
        raise UnsafeFix("the message does not start with text followed by the tenant value")
    if re.sub(r"\s", "", code_of(value.expression)) != re.sub(r"\s", "", tenant):
        raise UnsafeFix(f"the prefix shows `{code_of(value.expression)}`, not the tenant `{tenant}`")
    if not _MALFORMED_HEAD.match(head.value):
        raise UnsafeFix("the text before the tenant value is not a recognisable tenant prefix")
    raw = "r" in message.start.lower()
    before = _escape(settings.before, message.end, raw, fstring=True)
    after = _escape(settings.after.rstrip(), message.end, raw, fstring=True)
    parts = list(message.parts)
    parts[0] = head.with_changes(value=before)
    rest = parts[2] if len(parts) > 2 and isinstance(parts[2], cst.FormattedStringText) else None
    tail = _MALFORMED_TAIL.sub("", rest.value, count=1) if rest is not None else ""
    spacer = " " if tail and not tail.startswith(" ") else ""
    if rest is not None:
        parts[2] = rest.with_changes(value=after + spacer + tail)
    else:
        parts.insert(2, cst.FormattedStringText(after))
    return _replace_message(node, index, message.with_changes(parts=parts))
