"""The cheap position recorder agrees with libcst's PositionProvider on every fixture."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from tenantlint.positions import RECORDED, name_start, node_starts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCES = [
    path
    for path in sorted(FIXTURES.rglob("*.py"))
    if "15_unparsable" not in path.parts
]


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, RECORDED):
            self.nodes.append(node)
        return True


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(FIXTURES)))
def test_starts_match_position_provider(path):
    module = cst.parse_module(path.read_bytes())
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    starts = node_starts(module)
    collector = _Collect()
    module.visit(collector)

    for node in collector.nodes:
        position = expected[node].start
        assert starts[node] == (position.line, position.column + 1), type(node).__name__
        if isinstance(node, cst.FunctionDef):
            name = expected[node.name].start
            assert name_start(node, starts) == (name.line, name.column + 1)


def test_crlf_and_tabs_count_lines_once():
    module = cst.parse_module("x = 1\r\n\r\ndef f(\r\n\ta,\r\n):\r\n\treturn g(a)\r\n")
    starts = node_starts(module)
    function = module.body[1]

    assert starts[function] == (3, 1)
    assert starts[function.params.params[0]] == (4, 2)
