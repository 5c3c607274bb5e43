"""Process the candidate files: pre-filter, result cache, then analysis in this process or a pool.

Results come back in the order of the files given, whatever the number of
workers, so output is deterministic.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tenantlint import __version__
from tenantlint.api import FileResult, check_file, fix_file
from tenantlint.findings import FileError

# Below this many files to analyse, starting worker processes costs more than it saves.
POOL_THRESHOLD = 24
MAX_WORKERS = 8


@dataclass(frozen=True)
class Work:
    index: int
    path: Path
    display: str
    data: bytes


def process_all(
    files: list[tuple[Path, str]],
    config: Any,
    options: Any,
    *,
    fix: bool,
    advance: Callable[[int], None] | None = None,
    warnings: list[str] | None = None,
) -> list[FileResult]:
    """Return one FileResult per file, in the order of FILES.

    ADVANCE is called with the number of files done as they finish;
    WARNINGS receives the cache's warnings (an unwritable cache folder).
    """
    from tenantlint.prefilter import might_matter

    cache = _open_cache(config, options)
    unsafe = bool(getattr(options, "unsafe_fixes", False))
    results: list[FileResult | None] = [None] * len(files)
    work: list[Work] = []
    for index, (path, display) in enumerate(files):
        try:
            data = path.read_bytes()
        except OSError as error:
            results[index] = FileResult(path, display, errors=[FileError(display, f"cannot be read: {error.strerror or error}")])
            continue
        if not might_matter(data, config.dependency, config.parameter):
            results[index] = FileResult(path, display, original=data)
            continue
        cached = _from_cache(cache, path, display, data, fix, unsafe)
        if cached is not None:
            results[index] = cached
            continue
        work.append(Work(index, path, display, data))
    if advance is not None:
        advance(len(files) - len(work))
    debug = bool(getattr(options, "debug", False))
    outcomes = _analyse(work, config, fix, unsafe, _workers(options, len(work)), advance, debug)
    for item, (result, stamps) in zip(work, outcomes):
        results[item.index] = result
        if cache is not None and not fix:
            _store(cache, item, result, stamps)
    if cache is not None and warnings is not None:
        warnings.extend(cache.warnings)
    return [result for result in results if result is not None]


def _open_cache(config: Any, options: Any):
    if getattr(options, "no_cache", False):
        return None
    from tenantlint.cache import ResultCache, default_cache_dir

    directory = getattr(options, "cache_dir", None) or default_cache_dir(Path(config.root))
    return ResultCache(Path(directory), _tool_fingerprint(), config.digest)


def _tool_fingerprint() -> str:
    """Return the version plus a digest of the package's files, so an edited checkout never reads stale entries."""
    import hashlib

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        status = path.stat()
        digest.update(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _from_cache(cache, path: Path, display: str, data: bytes, fix: bool, unsafe: bool) -> FileResult | None:
    """Return the cached result of a file, or None when there is none or it is out of date."""
    from tenantlint.project_index import stamps_current
    from tenantlint.results import result_from_payload

    if cache is None:
        return None
    payload = cache.get(str(path), data)
    if payload is None or not stamps_current(payload.get("consulted", [])):
        return None
    result = result_from_payload(path, display, data, payload)
    if fix and any(f.fixable or (unsafe and f.unsafe_fixable) for f in result.findings):
        return None  # a fix needs the syntax tree
    return result


def _store(cache, item: Work, result: FileResult, stamps: list) -> None:
    from tenantlint.results import result_payload

    if not result.errors:
        cache.put(str(item.path), item.data, result_payload(result, stamps))


def _workers(options: Any, count: int) -> int:
    jobs = int(getattr(options, "jobs", 0) or 0)
    if jobs:
        return max(1, jobs)
    if count < POOL_THRESHOLD or os.environ.get("PRE_COMMIT"):
        return 1  # pre-commit runs hooks in parallel itself
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def _analyse_one(item: Work, config: Any, fix: bool, unsafe: bool, debug: bool = False) -> tuple[FileResult, list]:
    """Check or fix one file. An unexpected failure becomes that file's error, unless DEBUG requests the traceback."""
    from tenantlint import project_index
    from tenantlint.results import lean_result

    try:
        with project_index.recording() as consulted:
            if fix:
                result = fix_file(item.path, item.display, item.data, config, unsafe)
            else:
                result = check_file(item.path, item.display, item.data, config)
    except Exception as error:  # noqa: BLE001 - one file's failure must not end the run
        if debug:
            raise
        message = f"internal error while analysing the file ({type(error).__name__}: {error}); run with --debug for a traceback"
        return FileResult(item.path, item.display, errors=[FileError(item.display, message)], original=item.data), []
    stamps = sorted(project_index.stamp(path) for path in consulted)
    return lean_result(result), stamps


def _analyse_star(arguments: tuple[Work, Any, bool, bool, bool]) -> tuple[FileResult, list]:
    return _analyse_one(*arguments)


def _analyse(work: list[Work], config: Any, fix: bool, unsafe: bool, workers: int, advance, debug: bool = False):
    """Yield (result, consulted stamps) for each work item, in order."""
    if workers <= 1 or len(work) < 2:
        for item in work:
            yield _analyse_one(item, config, fix, unsafe, debug)
            if advance is not None:
                advance(1)
        return
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    chunk = max(1, len(work) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        arguments = [(item, config, fix, unsafe, debug) for item in work]
        for outcome in pool.map(_analyse_star, arguments, chunksize=chunk):
            yield outcome
            if advance is not None:
                advance(1)
