"""Tests for the per-file result cache."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from tenantlint.cache import (
    CACHEDIR_TAG,
    CACHEDIR_TAG_NAME,
    ResultCache,
    clear_cache,
    default_cache_dir,
)

VERSION = "1.2.3"
DIGEST = "c0ffee"
PATH = "app/api/routers/items.py"
SOURCE = b'@router.get("/items")\ndef items(tenant_id: str = Depends(get_current_tenant_id)):\n    pass\n'
PAYLOAD = {"findings": [{"code": "TL201", "line": 3, "message": "caf\u00e9"}], "endpoints": 1}


def make_cache(directory: Path, version: str = VERSION, digest: str = DIGEST) -> ResultCache:
    return ResultCache(directory, version, digest)


def entry_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json"))


def test_put_then_get_hits(tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "cache")

    cache.put(PATH, SOURCE, PAYLOAD)

    assert cache.get(PATH, SOURCE) == PAYLOAD
    assert cache.hits == 1
    assert cache.misses == 0
    assert cache.warnings == []


def test_entry_survives_new_instance(tmp_path: Path) -> None:
    make_cache(tmp_path).put(PATH, SOURCE, PAYLOAD)

    later_run = make_cache(tmp_path)

    assert later_run.get(PATH, SOURCE) == PAYLOAD


def test_empty_cache_misses(tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "absent")

    assert cache.get(PATH, SOURCE) is None
    assert cache.misses == 1
    assert not (tmp_path / "absent").exists()


def test_content_change_misses(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)

    assert cache.get(PATH, SOURCE + b"\n") is None
    assert cache.get(PATH, SOURCE.replace(b"\n", b"\r\n")) is None


def test_version_change_misses(tmp_path: Path) -> None:
    make_cache(tmp_path).put(PATH, SOURCE, PAYLOAD)

    assert make_cache(tmp_path, version="1.2.4").get(PATH, SOURCE) is None


def test_config_change_misses(tmp_path: Path) -> None:
    make_cache(tmp_path).put(PATH, SOURCE, PAYLOAD)

    assert make_cache(tmp_path, digest="decaf").get(PATH, SOURCE) is None


def test_path_change_misses(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)

    assert cache.get("app/api/routers/other.py", SOURCE) is None


def test_key_separates_fields(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)

    assert cache.key("a", b"bc") != cache.key("ab", b"c")
    assert make_cache(tmp_path, "1", "23").key(PATH, SOURCE) != make_cache(
        tmp_path, "12", "3"
    ).key(PATH, SOURCE)


def test_put_overwrites_entry(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)

    cache.put(PATH, SOURCE, {"findings": []})

    assert cache.get(PATH, SOURCE) == {"findings": []}
    assert len(entry_files(tmp_path)) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"path": "app/api/routers/items.py", "payload": {"findings": [',
        b"\xff\xfe not json",
        b"[]",
        b'{"path": "app/api/routers/items.py", "payload": []}',
        b'{"path": "app/other.py", "payload": {"findings": []}}',
    ],
    ids=["empty", "truncated", "not utf-8", "list", "payload not object", "other path"],
)
def test_corrupt_entry_misses(tmp_path: Path, content: bytes) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)
    (entry,) = entry_files(tmp_path)
    entry.write_bytes(content)

    assert cache.get(PATH, SOURCE) is None
    assert cache.warnings == []

    cache.put(PATH, SOURCE, PAYLOAD)
    assert cache.get(PATH, SOURCE) == PAYLOAD


def test_unreadable_entry_misses(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)
    (entry,) = entry_files(tmp_path)
    entry.unlink()
    entry.mkdir()

    assert cache.get(PATH, SOURCE) is None
    assert cache.warnings == []


def test_marker_files_created(tmp_path: Path) -> None:
    directory = tmp_path / "nested" / "cache"

    make_cache(directory).put(PATH, SOURCE, PAYLOAD)

    assert (directory / ".gitignore").read_bytes() == b"*\n"
    assert (directory / CACHEDIR_TAG_NAME).read_bytes() == CACHEDIR_TAG
    assert CACHEDIR_TAG.startswith(b"Signature: 8a477f597d28d172789f06886806bc55")


def test_marker_files_kept(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes(b"*\n!keep\n")

    make_cache(tmp_path).put(PATH, SOURCE, PAYLOAD)

    assert (tmp_path / ".gitignore").read_bytes() == b"*\n!keep\n"


def test_directory_under_file_disables(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"a file, not a folder\n")
    cache = make_cache(blocker / "cache")

    cache.put(PATH, SOURCE, PAYLOAD)
    cache.put("app/other.py", SOURCE, PAYLOAD)

    assert cache.enabled is False
    assert len(cache.warnings) == 1
    assert str(blocker / "cache") in cache.warnings[0]
    assert "--no-cache" in cache.warnings[0]
    assert cache.get(PATH, SOURCE) is None
    assert blocker.read_bytes() == b"a file, not a folder\n"


def test_directory_is_file_disables(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_bytes(b"")
    cache = make_cache(blocker)

    cache.put(PATH, SOURCE, PAYLOAD)

    assert cache.enabled is False
    assert len(cache.warnings) == 1


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes to read-only folders, so the permission bits cannot block it",
)
def test_read_only_directory_disables(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    make_cache(directory).put(PATH, SOURCE, PAYLOAD)
    directory.chmod(0o555)
    try:
        cache = make_cache(directory)
        cache.put("app/other.py", SOURCE, PAYLOAD)

        assert cache.enabled is False
        assert len(cache.warnings) == 1
        assert cache.get(PATH, SOURCE) is None
    finally:
        directory.chmod(0o755)


def test_failed_write_leaves_no_temporary(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, PAYLOAD)
    # A folder where the entry should go makes `os.replace` fail after
    # the temporary file was written.
    target = tmp_path / (cache.key("app/other.py", SOURCE) + ".json")
    target.mkdir()
    (target / "occupied").write_bytes(b"")

    cache.put("app/other.py", SOURCE, PAYLOAD)

    assert cache.enabled is False
    assert len(cache.warnings) == 1
    assert list(tmp_path.glob(".*.tmp")) == []


def _write_repeatedly(directory: str, writer: int, rounds: int, start: Event) -> None:
    cache = ResultCache(Path(directory), VERSION, DIGEST)
    start.wait()
    for round_number in range(rounds):
        payload = {"writer": writer, "round": round_number, "blob": "x" * 200_000}
        cache.put(PATH, SOURCE, payload)
    if cache.warnings:
        raise RuntimeError(cache.warnings[0])


def test_concurrent_writers_never_expose_partial_entry(tmp_path: Path) -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs the fork start method")
    context = multiprocessing.get_context("fork")
    cache = make_cache(tmp_path)
    cache.put(PATH, SOURCE, {"writer": -1, "round": 0, "blob": "x" * 200_000})
    start = context.Event()
    writers = [
        context.Process(target=_write_repeatedly, args=(str(tmp_path), writer, 150, start))
        for writer in range(2)
    ]
    for process in writers:
        process.start()

    start.set()
    seen = [cache.get(PATH, SOURCE)]
    while any(process.is_alive() for process in writers):
        seen.append(cache.get(PATH, SOURCE))
    for process in writers:
        process.join()

    assert [process.exitcode for process in writers] == [0, 0]
    assert all(payload is not None for payload in seen)
    assert all(len(payload["blob"]) == 200_000 for payload in seen)
    assert cache.get(PATH, SOURCE)["round"] == 149
    assert len(entry_files(tmp_path)) == 1
    assert list(tmp_path.glob(".*.tmp")) == []


def test_clear_removes_directory(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    make_cache(directory).put(PATH, SOURCE, PAYLOAD)
    (directory / f".{'0' * 64}.1.abcd.tmp").write_bytes(b"left by a killed run")

    assert clear_cache(directory) is True
    assert not directory.exists()
    assert make_cache(directory).get(PATH, SOURCE) is None


def test_clear_missing_directory(tmp_path: Path) -> None:
    assert clear_cache(tmp_path / "never-created") is False


def test_clear_rejects_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_bytes(b"print('keep me')\n")

    with pytest.raises(ValueError, match="not a tenantlint cache"):
        clear_cache(tmp_path)

    assert (tmp_path / "main.py").read_bytes() == b"print('keep me')\n"


def test_default_directory_under_root(tmp_path: Path) -> None:
    assert default_cache_dir(tmp_path) == tmp_path / ".tenantlint_cache"


def test_undecodable_path_round_trips(tmp_path: Path) -> None:
    path = os.fsdecode(b"app/routers/caf\xe9.py")
    cache = make_cache(tmp_path)

    cache.put(path, SOURCE, PAYLOAD)

    assert cache.get(path, SOURCE) == PAYLOAD
    assert cache.warnings == []


def test_unserializable_payload_raises(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)

    with pytest.raises(TypeError):
        cache.put(PATH, SOURCE, {"lines": {1, 2}})

    assert cache.enabled is True
    assert entry_files(tmp_path) == []


def test_clear_rejects_other_tools_tag(tmp_path: Path) -> None:
    tag = b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n"
    (tmp_path / CACHEDIR_TAG_NAME).write_bytes(tag)

    with pytest.raises(ValueError, match="not a tenantlint cache"):
        clear_cache(tmp_path)

    assert (tmp_path / CACHEDIR_TAG_NAME).read_bytes() == tag
