"""The test run uses the declared dependencies, not whatever the machine carries."""

from __future__ import annotations

import sys
from importlib.metadata import version

import libcst


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def test_libcst_is_recent_enough():
    assert _version_tuple(version("libcst")) >= (1, 8)


def test_libcst_comes_from_this_environment():
    assert libcst.__file__.startswith(sys.prefix)
