"""Property tests of `fix` on generated router modules and on arbitrary Python.

The "ci" profile runs 30 fixed (derandomized) examples per test; the whole
file took 40 to 80 seconds on the development machine. For a longer
randomized search:

    HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest -q tests/test_properties.py
"""

from __future__ import annotations

import ast
import io
import os
import re
import textwrap
import tokenize
from collections import Counter
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import strategies
from tenantlint.api import FileResult, check_file, fix_file
from tenantlint.config import Config

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", derandomize=True, max_examples=30, deadline=None, suppress_health_check=_SLOW_DATA, database=None)
settings.register_profile("thorough", max_examples=1500, deadline=None, suppress_health_check=_SLOW_DATA)
# Applied per test rather than loaded, so that other test modules keep their own settings.
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXABLE_RULES = ("TL1", "TL2")
TENANT_IMPORTS = frozenset({"Depends", "get_current_tenant_id", "Annotated"})
LOG_METHODS = frozenset({*strategies.STDLIB_LEVELS, *strategies.LOGURU_LEVELS, "exception", "log"})


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """An empty project folder, so that no other module of this repository takes part."""
    return tmp_path_factory.mktemp("generated")


def _config(root: Path, **overrides) -> Config:
    return Config(dependency_module=strategies.DEPENDENCY_MODULE, root=root, **overrides)


def _fix(root: Path, data: bytes) -> FileResult:
    return fix_file(root / "router.py", "router.py", data, _config(root))


def _fixed_or_same(root: Path, source: str) -> bytes:
    """Return what `fix` writes for SOURCE; fail when the safety net rejects the fix."""
    data = source.encode("utf-8")
    result = _fix(root, data)
    assert [error.message for error in result.errors] == []
    return result.fixed if result.fixed is not None else data


# Generated routers ----------------------------------------------------------------------


@PROFILE
@given(strategies.modules())
def test_fix_output_parses_and_checks_clean(project, module):
    fixed = _fixed_or_same(project, module.source)

    cst.parse_module(fixed)
    compile(fixed, "router.py", "exec", dont_inherit=True)
    after = check_file(project / "router.py", "router.py", fixed, _config(project, select=FIXABLE_RULES))
    assert [(f.code, f.function, f.line) for f in after.findings if f.fixable] == []
    assert [(f.code, f.function, f.line, f.fix_note) for f in after.findings] == []


class _TenantParts(ast.NodeTransformer):
    """Remove what the fix may add: the tenant parameter, its imports and the arguments of log calls."""

    def visit_arguments(self, node: ast.arguments) -> ast.arguments:
        positional = [*node.posonlyargs, *node.args]
        defaults = [None] * (len(positional) - len(node.defaults)) + list(node.defaults)
        keep = [i for i, arg in enumerate(positional) if arg.arg != "tenant_id"]
        kept_defaults = [defaults[i] for i in keep if defaults[i] is not None]
        posonly = len(node.posonlyargs)
        node.posonlyargs = [positional[i] for i in keep if i < posonly]
        node.args = [positional[i] for i in keep if i >= posonly]
        node.defaults = kept_defaults
        pairs = [(arg, default) for arg, default in zip(node.kwonlyargs, node.kw_defaults) if arg.arg != "tenant_id"]
        node.kwonlyargs = [arg for arg, _ in pairs]
        node.kw_defaults = [default for _, default in pairs]
        return self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom | None:
        node.names = [alias for alias in node.names if alias.name not in TENANT_IMPORTS]
        return node if node.names else None

    def visit_Call(self, node: ast.Call) -> ast.Call:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS and isinstance(func.value, ast.Name):
            node.args, node.keywords = [], []
        return self.generic_visit(node)


def _shape(source: bytes) -> str:
    return ast.dump(_TenantParts().visit(ast.parse(source)))


@PROFILE
@given(strategies.modules())
def test_fix_changes_only_tenant_parts(project, module):
    fixed = _fixed_or_same(project, module.source)

    assert _shape(fixed) == _shape(module.source.encode("utf-8"))


@PROFILE
@given(strategies.modules())
def test_fix_keeps_every_message_after_prefix(project, module):
    before = strategies.run_handlers(module.source)
    fixed = _fixed_or_same(project, module.source)

    after = strategies.run_handlers(fixed.decode("utf-8"))
    prefix = strategies.rendered_prefix(strategies.LOG_PREFIX)
    expected = [message if message.startswith(prefix) else prefix + message for message in before]
    assert after == expected


# A prefix with printf and format placeholders of its own, written into templates by the "lazy" style.
ODD_PREFIX = "%s {0} <{tenant_id}> 100%"


@PROFILE
@given(strategies.modules(log_prefix=ODD_PREFIX))
def test_lazy_style_keeps_messages_with_odd_prefix(project, module):
    before = strategies.run_handlers(module.source)
    config = _config(project, log_prefix=ODD_PREFIX, log_style="lazy")
    result = fix_file(project / "router.py", "router.py", module.source.encode("utf-8"), config)
    assert [error.message for error in result.errors] == []
    fixed = result.fixed if result.fixed is not None else module.source.encode("utf-8")

    after = strategies.run_handlers(fixed.decode("utf-8"))
    prefix = strategies.rendered_prefix(ODD_PREFIX)
    expected = [message if message.startswith(prefix) else prefix + message for message in before]
    assert after == expected


@PROFILE
@given(strategies.modules())
def test_second_fix_changes_nothing(project, module):
    once = _fixed_or_same(project, module.source)

    again = _fix(project, once)
    assert [error.message for error in again.errors] == []
    assert again.fixed is None or again.fixed == once


@PROFILE
@given(strategies.modules(compliant=True))
def test_compliant_module_comes_back_unchanged(project, module):
    data = module.source.encode("utf-8")

    result = _fix(project, data)
    assert result.errors == []
    assert result.fixed is None or result.fixed == data
    assert [(f.code, f.function, f.line) for f in result.findings if f.code.startswith(FIXABLE_RULES)] == []


# Layout ------------------------------------------------------------------------------------

_LAYOUT_TOKENS = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER})


# Python 3.12 splits an f-string into several tokens; earlier versions make it one STRING.
_STRING_TOKENS = frozenset(getattr(tokenize, name) for name in ("STRING", "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name))


def _anchor(token: tokenize.TokenInfo | None) -> str:
    """Return what a comment is attached to; every string is alike, because the fix rewrites messages."""
    if token is None:
        return "<end>"
    return "<string>" if token.type in _STRING_TOKENS else token.string


def _comment_places(source: bytes) -> Counter:
    """Count every comment with the code it belongs to.

    A comment after code belongs to the token before it on its line, commas
    aside; a comment on a line of its own belongs to the token after it.
    Comments inside log calls, whose arguments the fix rewrites, count by
    their text only.
    """
    tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    code = [i for i, token in enumerate(tokens) if token.type not in _LAYOUT_TOKENS and token.string != ","]
    places: Counter = Counter()
    for index, token in enumerate(tokens):
        if token.type != tokenize.COMMENT:
            continue
        if token.string.startswith("# log:"):
            places[(token.string, "in a log call")] += 1
            continue
        before = next((tokens[i] for i in reversed(code) if i < index), None)
        if before is not None and before.end[0] == token.start[0]:
            places[(token.string, "after", _anchor(before))] += 1
        else:
            places[(token.string, "before", _anchor(next((tokens[i] for i in code if i > index), None)))] += 1
    return places


def _bracketed_lines(source: bytes) -> dict[str, list[str]]:
    """Return the lines of every top-level function header and `from` import, by name."""
    module = cst.parse_module(source)
    found: dict[str, list[str]] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            header = statement.with_changes(decorators=[], leading_lines=[], body=cst.SimpleStatementSuite([cst.Pass()]))
            found["def " + statement.name.value] = module.code_for_node(header).splitlines()
        elif isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.ImportFrom):
            line = module.code_for_node(statement.with_changes(leading_lines=[]))
            found.setdefault("from " + line.split()[1], line.splitlines())
    return found


def _layout(lines: list[str]) -> str:
    if len(lines) == 1:
        return "one line"
    if lines[0].endswith("(") and lines[-1].lstrip().startswith(")"):
        return "one item per line"
    return "aligned"


def _items(lines: list[str]) -> list[str]:
    """Return the item lines of a one-item-per-line list, without their comments."""
    middle = [line for line in lines[1:-1] if not line.lstrip().startswith("#")]
    return [re.sub(r"\s+#.*$", "", line) for line in middle]


def _indentation(lines: list[str]) -> set[str]:
    return {line[: len(line) - len(line.lstrip())] for line in lines}


@PROFILE
@given(strategies.modules())
def test_fix_keeps_comments_in_place(project, module):
    source = module.source.encode("utf-8")
    fixed = _fixed_or_same(project, module.source)

    assert _comment_places(fixed) == _comment_places(source)


@PROFILE
@given(strategies.modules())
def test_fix_keeps_list_layout(project, module):
    before = _bracketed_lines(module.source.encode("utf-8"))
    after = _bracketed_lines(_fixed_or_same(project, module.source))

    for name, old in before.items():
        new = after[name]
        if new == old:
            continue
        assert (name, _layout(new)) == (name, _layout(old))
        if _layout(old) == "one item per line":
            assert (name, new[0], new[-1]) == (name, old[0], old[-1])
            assert (name, len(_items(new))) == (name, len(_items(old)) + 1)
            assert (name, _indentation(_items(new))) == (name, _indentation(_items(old)))
            assert (name, _items(new)[-1].endswith(",")) == (name, _items(old)[-1].endswith(","))
        if _layout(old) == "aligned":
            assert (name, len(new)) == (name, len(old) + 1)
            assert (name, _indentation(new[1:])) == (name, _indentation(old[1:]))


# Arbitrary Python ---------------------------------------------------------------------------

ROUTER_HEADER = """\
import logging
from fastapi import APIRouter

logger = logging.getLogger(__name__)
router = APIRouter()


@router.get("/anything")
def anything():
"""


def _check_and_fix(root: Path, data: bytes) -> None:
    """Run `check` and `fix` on DATA; a fix that is offered must parse."""
    check_file(root / "router.py", "router.py", data, _config(root))
    result = _fix(root, data)
    if result.fixed is not None:
        cst.parse_module(result.fixed)
        compile(result.fixed, "router.py", "exec", dont_inherit=True)


@PROFILE
@given(hypothesmith.from_grammar())
def test_arbitrary_module_never_crashes(project, source):
    _check_and_fix(project, source.encode("utf-8"))


@PROFILE
@given(hypothesmith.from_grammar(start="eval_input"), st.sampled_from(["logger.info({})", 'logger.info("x %s", {})', "logger.log(10, {})"]))
def test_arbitrary_log_message_never_crashes(project, expression, call):
    source = ROUTER_HEADER + "    " + call.format(expression.strip()) + "\n"
    try:
        compile(source, "router.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        assume(False)

    _check_and_fix(project, source.encode("utf-8"))


@PROFILE
@given(hypothesmith.from_grammar(), st.booleans())
def test_arbitrary_endpoint_body_never_crashes(project, body, log_first):
    first = '    logger.info("start %s", 1)\n' if log_first else ""
    source = ROUTER_HEADER + first + textwrap.indent(body, "    ", lambda line: True) + "\n    logger.info('done')\n"
    try:
        compile(source, "router.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        assume(False)

    _check_and_fix(project, source.encode("utf-8"))
