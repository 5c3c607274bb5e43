"""Turn the PATH arguments of a command into the Python files to analyse.

Folders are walked recursively. The walk skips tool and build folders by
name, what `.gitignore` files ignore (git semantics, through pathspec) and
what the configuration's `exclude` globs match. A file named explicitly is
only subject to `exclude`, because pre-commit passes every file by name. In
a folder named explicitly, the .gitignore patterns that ignore the folder
itself do not apply.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pathspec import GitIgnoreSpec

from tenantlint.scope import FileGlob

if TYPE_CHECKING:
    from tenantlint.config import Config

SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".pytest_cache",
        ".tenantlint_cache",
        "build",
        "dist",
        "site-packages",
    }
)


class DiscoveryError(Exception):
    """A PATH argument that does not exist, or an invalid `exclude` glob.

    `str()` is one line that names the path or the glob.
    """


def absolute_path(path: Path) -> Path:
    """Return PATH made absolute and normalised, without resolving symbolic links."""
    return Path(os.path.abspath(path))


def relative_display_path(path: Path, cwd: Path) -> str:
    """Return PATH relative to CWD when it lies below CWD, else absolute, with POSIX separators."""
    absolute = absolute_path(cwd / path)
    try:
        return absolute.relative_to(absolute_path(cwd)).as_posix()
    except ValueError:
        return absolute.as_posix()


def discover(
    paths: Sequence[str],
    config: Config,
    cwd: Path,
    warnings: list[str] | None = None,
    errors: list[tuple[str, str]] | None = None,
) -> Iterator[Path]:
    """Return the absolute paths of the Python files that PATHS name, sorted, each once.

    No PATH means CWD. A `.py` file named explicitly is kept unless `exclude`
    matches it or one of its folders. A folder is walked recursively. Two
    paths that resolve to the same file count once, and the path without a
    symbolic link is preferred. Raise DiscoveryError for a path that does not
    exist. Named files that are not Python are skipped with a message
    appended to WARNINGS. Folders that cannot be read are skipped and
    appended to ERRORS as (display path, reason), or to WARNINGS when no
    ERRORS list is given.
    """
    walker = _Walker(config, absolute_path(cwd), warnings if warnings is not None else [], errors)
    for text in paths or ["."]:
        walker.add(text)
    walker.walk_folders()
    return iter(walker.sorted_files())


@dataclass(frozen=True)
class _IgnoreFile:
    """The patterns of one `.gitignore` (or `.git/info/exclude`), relative to `base`."""

    base: Path
    spec: GitIgnoreSpec = field(compare=False)


@dataclass
class _Found:
    path: Path
    via_link: bool


class _Walker:
    """The state of one discovery: files found, folders visited, warnings."""

    def __init__(self, config: Config, cwd: Path, warnings: list[str], errors: list[tuple[str, str]] | None = None) -> None:
        self.cwd = cwd
        self.errors = errors
        self.root = absolute_path(cwd / config.root)
        self.excludes = _parse_excludes(config.exclude)
        self.warnings = warnings
        self.files: dict[Path, _Found] = {}
        self.visited: set[Path] = set()
        self.pending: list[tuple[Path, tuple[_IgnoreFile, ...]]] = []
        # Folders reached through a symbolic link wait until every real
        # folder is walked, so that a file is found under its real path first.
        self.deferred: list[tuple[Path, tuple[_IgnoreFile, ...]]] = []
        self.ignore_files: dict[Path, _IgnoreFile | None] = {}

    def add(self, text: str) -> None:
        """Add the file or folder named by one PATH argument."""
        path = absolute_path(self.cwd / text)
        if not path.exists():
            raise DiscoveryError(f"{text}: no such file or folder")

        if self._excluded_or_in_excluded_folder(path):
            return

        if path.is_dir():
            self._add_folder(path)
        elif path.is_file() and path.name.endswith(".py"):
            self._record(path, via_link=path.is_symlink())
        elif not path.name.endswith(".pyi"):
            reason = "skipped because it is not a regular .py file"
            self.warnings.append(f"{self._display(path)}: {reason}")

    def walk_folders(self) -> None:
        """Walk every added folder and the symbolic links to folders found on the way."""
        while self.pending or self.deferred:
            if not self.pending:
                self.pending.append(self.deferred.pop(0))

            folder, ignore_files = self.pending.pop()
            self._walk_one(folder, ignore_files)

    def sorted_files(self) -> list[Path]:
        return sorted((found.path for found in self.files.values()), key=lambda path: path.parts)

    def _add_folder(self, folder: Path) -> None:
        ignore_files = self._ancestor_ignore_files(folder)
        if folder != self._ignore_base(folder) and self._ignored(folder, True, ignore_files):
            # The folder was named explicitly, so the patterns that ignore it
            # or one of its parents do not apply inside it. The others still do.
            ignore_files = tuple(_without_patterns_ignoring(item, folder) for item in ignore_files)
        self.pending.append((folder, ignore_files))

    def _walk_one(self, folder: Path, ignore_files: tuple[_IgnoreFile, ...]) -> None:
        resolved = _resolve(folder)
        if resolved is None or resolved in self.visited:
            return
        self.visited.add(resolved)

        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            if self.errors is not None:
                self.errors.append((self._display(folder), f"folder cannot be read, so its files were not checked: {error.strerror}"))
            else:
                self.warnings.append(f"{self._display(folder)}: folder skipped: {error.strerror}")
            return

        own = self._ignore_file(folder)
        if own is not None:
            ignore_files = (*ignore_files, own)
        for entry in entries:
            self._visit(folder / entry.name, entry, ignore_files)

    def _visit(
        self, path: Path, entry: os.DirEntry[str], ignore_files: tuple[_IgnoreFile, ...]
    ) -> None:
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as error:
            # A symbolic link loop raises ELOOP here.
            if entry.name.endswith(".py"):
                self.warnings.append(f"{self._display(path)}: skipped: {error.strerror}")
            return

        if not is_dir and not is_file and entry.is_symlink() and entry.name.endswith(".py"):
            self.warnings.append(f"{self._display(path)}: skipped: broken symbolic link")
            return
        if is_dir and entry.name in SKIPPED_FOLDERS:
            return
        if not is_dir and not (is_file and entry.name.endswith(".py")):
            return
        if self._ignored(path, is_dir, ignore_files) or self._excluded(path):
            return

        if not is_dir:
            self._record(path, via_link=entry.is_symlink())
        elif entry.is_symlink():
            self.deferred.append((path, ignore_files))
        else:
            self.pending.append((path, ignore_files))

    def _record(self, path: Path, via_link: bool) -> None:
        resolved = _resolve(path) or path
        known = self.files.get(resolved)
        if known is None or (known.via_link and not via_link):
            self.files[resolved] = _Found(path, via_link)

    # Exclude globs

    def _excluded(self, path: Path) -> bool:
        return any(glob.matches(path, self.root) for glob in self.excludes)

    def _excluded_or_in_excluded_folder(self, path: Path) -> bool:
        if self._excluded(path):
            return True

        for parent in path.parents:
            # Stop at the root, or for a path outside it at the first folder
            # that also contains the root.
            if parent == self.root or parent in self.root.parents:
                return False
            if self._excluded(parent):
                return True
        return False

    # .gitignore

    def _ignored(self, path: Path, is_dir: bool, ignore_files: tuple[_IgnoreFile, ...]) -> bool:
        # The innermost .gitignore with a matching pattern decides, and in a
        # file the last matching pattern decides (check_file does that).
        for ignore_file in reversed(ignore_files):
            relative = path.relative_to(ignore_file.base).as_posix() + ("/" if is_dir else "")
            decision = ignore_file.spec.check_file(relative).include
            if decision is not None:
                return decision
        return False

    def _ignore_base(self, folder: Path) -> Path:
        """Return the repository root above FOLDER, whose .gitignore is the outermost.

        Outside a git repository, the configuration root is used instead when
        it contains FOLDER, so that a copied project keeps its .gitignore.
        """
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                return candidate
        if folder == self.root or self.root in folder.parents:
            return self.root
        return folder

    def _ancestor_ignore_files(self, folder: Path) -> tuple[_IgnoreFile, ...]:
        """Return the ignore files that apply inside FOLDER, outermost first, except its own."""
        base = self._ignore_base(folder)
        ignore_files = [self._ignore_file(base / ".git" / "info", name="exclude", base=base)]
        between = [parent for parent in folder.parents if base in parent.parents]
        ancestors = [base, *reversed(between)]
        ignore_files.extend(self._ignore_file(parent) for parent in ancestors if parent != folder)
        return tuple(item for item in ignore_files if item is not None)

    def _ignore_file(
        self, folder: Path, name: str = ".gitignore", base: Path | None = None
    ) -> _IgnoreFile | None:
        path = folder / name
        if path not in self.ignore_files:
            self.ignore_files[path] = self._load_ignore_file(path, base or folder)
        return self.ignore_files[path]

    def _load_ignore_file(self, path: Path, base: Path) -> _IgnoreFile | None:
        if not path.is_file():
            return None

        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as error:
            self.warnings.append(f"{self._display(path)}: ignore file skipped: {error.strerror}")
            return None
        return _IgnoreFile(base, GitIgnoreSpec.from_lines(lines))

    def _display(self, path: Path) -> str:
        return relative_display_path(path, self.cwd)


def _without_patterns_ignoring(ignore_file: _IgnoreFile, folder: Path) -> _IgnoreFile:
    relative = folder.relative_to(ignore_file.base)
    chain = [f"{path.as_posix()}/" for path in (relative, *relative.parents) if path != Path(".")]
    kept = [
        pattern
        for pattern in ignore_file.spec.patterns
        if not (pattern.include and any(pattern.match_file(path) for path in chain))
    ]
    return _IgnoreFile(ignore_file.base, GitIgnoreSpec(kept))


def _parse_excludes(patterns: Sequence[str]) -> tuple[FileGlob, ...]:
    globs = []
    for pattern in patterns:
        try:
            globs.append(FileGlob.parse(pattern))
        except ValueError as error:
            raise DiscoveryError(f'exclude pattern "{pattern}" is invalid: {error}') from None
    return tuple(globs)


def _resolve(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        # Before Python 3.13, resolve() raises RuntimeError on a symbolic link loop.
        return None
