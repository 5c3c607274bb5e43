"""A progress bar on stderr for long `fix` runs, shown only on a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

# Runs over fewer files finish before a bar would be useful.
MINIMUM_FILES = 200


@contextmanager
def progress_bar(total: int, enabled: bool, description: str = "Fixing") -> Iterator[Callable[[int], None] | None]:
    """Yield a function that advances the bar by N files, or None when no bar is shown."""
    if not enabled or total < MINIMUM_FILES or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=None) as progress:
        task = progress.add_task(description, total=total)
        yield lambda count: progress.advance(task, count)
