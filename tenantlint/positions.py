"""Line and column of the few node types that findings and summaries point at.

libcst's PositionProvider records a range for every node of the module,
which costs several times as much as generating the module's code. The
rules only need the start of a handful of node types, so this module runs
the same code generation and records starts for those types only, with the
same semantics: the syntactic start where libcst defines one (a `def`
keyword rather than the decorators above it), else the start of the node's
own code.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import libcst as cst
from libcst._nodes.internal import CodegenState

# Node types whose start position is recorded.
RECORDED = (
    cst.Decorator,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Call,
    cst.Param,
    cst.ImportAlias,
    cst.SimpleStatementLine,
    cst.BaseSmallStatement,
    cst.If,
)


@dataclass(frozen=False)
class _StartRecordingState(CodegenState):
    """Code generation that tracks the current line and column and records node starts."""

    starts: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    _stack: list[tuple[int, int]] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        normalised = value.replace("\r\n", "\n").replace("\r", "\n")
        self.line += normalised.count("\n")
        self.column = len(normalised) - normalised.rfind("\n") - 1

    def before_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, RECORDED):
            self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, RECORDED):
            start = self._stack.pop()
            self.starts.setdefault(node, start)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        yield
        if isinstance(node, RECORDED):
            if start_node is not None and start_node in self.starts:
                start = self.starts[start_node]
            self.starts[node] = start


def node_starts(module: cst.Module) -> dict[cst.CSTNode, tuple[int, int]]:
    """Return {node: (line, column)} for the recorded node types, both 1-based."""
    state = _StartRecordingState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return {node: (line, column + 1) for node, (line, column) in state.starts.items()}


def name_start(function: cst.FunctionDef, starts: dict[cst.CSTNode, tuple[int, int]]) -> tuple[int, int]:
    """Return where the name of FUNCTION starts, from where its `def` (or `async`) keyword starts."""
    line, column = starts.get(function, (1, 1))
    offset = len("def") + len(function.whitespace_after_def.value)
    if function.asynchronous is not None:
        offset += len("async") + len(function.asynchronous.whitespace_after.value)
    return line, column + offset
