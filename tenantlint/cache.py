"""Per-file result cache, so that a warm run parses only files that changed.

Each entry is one JSON file named by a sha256 key over the tool version,
the configuration digest, the file's path and its bytes, so a change of any
of them misses. The path is part of the key because the same bytes can
yield different results at two paths: scope and exempt selectors match
file globs.

Entries are written to a temporary file in the cache directory and moved
into place with `os.replace`, so a concurrent run reads either a whole
entry or none. A corrupt or unreadable entry is a miss. A cache directory
that cannot be written disables caching for the rest of the run and adds
one warning to `ResultCache.warnings`, so a broken cache slows a run down
but never fails it.

NOTE: entries are never evicted. Each edit of a file adds one, until
`tenantlint clean` removes the whole cache.

The module sits on the start-up path of every run, so it imports only
hashlib, json and os, besides pathlib and typing, which every run loads
anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

DEFAULT_DIRECTORY_NAME = ".tenantlint_cache"

# Marks the folder as a cache for backup and archiving tools, as described
# at https://bford.info/cachedir/. The signature line is fixed by that
# convention; `clear_cache` also relies on it before deleting anything.
CACHEDIR_TAG_NAME = "CACHEDIR.TAG"
CACHEDIR_TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by tenantlint.\n"
    b"# For information about cache directory tags, see:\n"
    b"#\thttps://bford.info/cachedir/\n"
)

_ENTRY_SUFFIX = ".json"


def default_cache_dir(project_root: Path) -> Path:
    """Return the cache directory a run uses unless `--cache-dir` names one."""
    return project_root / DEFAULT_DIRECTORY_NAME


class ResultCache:
    """JSON payloads of per-file analysis, keyed by content, path, version and configuration.

    `hits` and `misses` count `get` calls for statistics. `warnings`
    contains at most one message, added when the cache was disabled for
    this run.
    """

    def __init__(self, directory: Path, tool_version: str, config_digest: str) -> None:
        self.directory = Path(directory)
        self.warnings: list[str] = []
        self.hits = 0
        self.misses = 0
        self._salt = f"tenantlint-cache\0{tool_version}\0{config_digest}\0".encode("utf-8")
        self._enabled = True
        self._prepared = False

    @property
    def enabled(self) -> bool:
        return self._enabled

    def key(self, path: str, data: bytes) -> str:
        """Return the hex sha256 that names the entry for `data` at `path`."""
        digest = hashlib.sha256(self._salt)
        digest.update(path.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, path: str, data: bytes) -> dict[str, Any] | None:
        """Return the payload stored for `data` at `path`, or None on a miss."""
        payload = self._read(path, data) if self._enabled else None
        if payload is None:
            self.misses += 1
        else:
            self.hits += 1
        return payload

    def put(self, path: str, data: bytes, payload: dict[str, Any]) -> None:
        """Store `payload` for `data` at `path`.

        A failed write disables the cache for the rest of the run instead of
        raising. A payload that is not JSON-serializable raises TypeError,
        because that is a bug in the caller.
        """
        if not self._enabled or not self._prepare():
            return

        key = self.key(path, data)
        entry = {"path": path, "payload": payload}
        # ASCII output keeps paths with surrogate escapes (undecodable file
        # names) encodable.
        text = json.dumps(entry, separators=(",", ":"))
        try:
            self._write_atomically(key, text.encode("ascii"))
        except OSError as error:
            self._disable(f"an entry could not be written ({error})")

    def _read(self, path: str, data: bytes) -> dict[str, Any] | None:
        entry_path = self.directory / (self.key(path, data) + _ENTRY_SUFFIX)
        try:
            entry = json.loads(entry_path.read_bytes())
        except (OSError, ValueError):
            # A missing, unreadable, truncated or otherwise corrupt entry is
            # a miss; the next `put` overwrites it.
            return None

        if not isinstance(entry, dict) or entry.get("path") != path:
            return None

        payload = entry.get("payload")
        return payload if isinstance(payload, dict) else None

    def _prepare(self) -> bool:
        if self._prepared:
            return True

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_if_missing(self.directory / ".gitignore", b"*\n")
            _write_if_missing(self.directory / CACHEDIR_TAG_NAME, CACHEDIR_TAG)
        except OSError as error:
            self._disable(f"the folder could not be created ({error})")
            return False

        self._prepared = True
        return True

    def _write_atomically(self, key: str, content: bytes) -> None:
        # The random part keeps two processes, or two threads of one, that
        # write the same key at once from sharing a temporary file.
        temporary = self.directory / f".{key}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            temporary.write_bytes(content)
            os.replace(temporary, self.directory / (key + _ENTRY_SUFFIX))
        except OSError:
            _remove_quietly(temporary)
            raise

    def _disable(self, reason: str) -> None:
        self._enabled = False
        self.warnings.append(
            f"Result cache in `{self.directory}` is disabled for this run because {reason}. "
            "Pass `--cache-dir` with a writable folder, or `--no-cache`."
        )


def clear_cache(directory: Path) -> bool:
    """Delete the cache directory; return False when there was none.

    Raises ValueError, and deletes nothing, when `directory` exists but
    contains no tenantlint `CACHEDIR.TAG`, so a mistyped `--cache-dir` cannot remove
    a project folder. Raises OSError when a file cannot be removed.
    """
    directory = Path(directory)
    if not directory.exists():
        return False

    if not _is_cache_directory(directory):
        raise ValueError(
            f"`{directory}` is not a tenantlint cache because it contains no "
            f"`{CACHEDIR_TAG_NAME}`, so nothing was deleted. Check `--cache-dir`."
        )

    # Imported here because only `tenantlint clean` needs it.
    import shutil

    shutil.rmtree(directory)
    return True


def _is_cache_directory(directory: Path) -> bool:
    try:
        tag = (directory / CACHEDIR_TAG_NAME).read_bytes()
    except OSError:
        return False

    # Other tools (Cargo, for one) write the same signature line, so the
    # tag must also name tenantlint before anything is deleted.
    return tag.startswith(CACHEDIR_TAG.split(b"\n", 1)[0]) and b"tenantlint" in tag


def _write_if_missing(path: Path, content: bytes) -> None:
    try:
        with open(path, "xb") as handle:
            handle.write(content)
    except FileExistsError:
        pass


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
