"""Process the candidate files, in order, one result per file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tenantlint.api import FileResult, process


def process_all(files: list[tuple[Path, str]], config: Any, options: Any, *, fix: bool) -> list[FileResult]:
    """Return one FileResult per file, in the order of FILES."""
    unsafe = bool(getattr(options, "unsafe_fixes", False))
    return [process(path, display, config, fix=fix, unsafe=unsafe) for path, display in files]
