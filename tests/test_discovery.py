"""Tests for turning PATH arguments into the Python files to analyse."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tenantlint.config import Config
from tenantlint.discovery import SKIPPED_FOLDERS, DiscoveryError, discover, relative_display_path

NOBODY = 65534


def make_tree(root: Path, files: Sequence[str], contents: dict[str, str] | None = None) -> None:
    """Create FILES (paths relative to ROOT; a trailing "/" makes a folder)."""
    for name in files:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((contents or {}).get(name, "").encode("utf-8"))


def found(
    root: Path, paths: Sequence[str] = (), config: Config | None = None, cwd: Path | None = None
) -> list[str]:
    """Run discovery and return the files as POSIX paths relative to ROOT."""
    config = config or Config(root=root)
    return [path.relative_to(root).as_posix() for path in discover(paths, config, cwd or root)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


# Walking


def test_no_path_means_cwd(repo: Path) -> None:
    make_tree(repo, ["main.py", "app/routers/alerts.py", "app/__init__.py"])

    assert found(repo) == ["app/__init__.py", "app/routers/alerts.py", "main.py"]


def test_returns_absolute_paths(repo: Path) -> None:
    make_tree(repo, ["app/main.py"])

    assert list(discover(["app"], Config(root=repo), repo)) == [repo / "app" / "main.py"]


def test_only_py_files(repo: Path) -> None:
    make_tree(repo, ["a.py", "b.pyi", "c.pyc", "d.txt", "e.py.bak", "pkg.py/inner.py"])

    assert found(repo) == ["a.py", "pkg.py/inner.py"]


def test_sorted_by_path_parts(repo: Path) -> None:
    make_tree(repo, ["b.py", "a_b/z.py", "a/z.py", "a.py", "A.py"])

    assert found(repo) == ["A.py", "a/z.py", "a.py", "a_b/z.py", "b.py"]


def test_overlapping_paths_yield_once(repo: Path) -> None:
    make_tree(repo, ["app/main.py", "app/api/alerts.py"])

    files = found(repo, ["app/api/alerts.py", "app", "app/api", "./app/../app/main.py"])

    assert files == ["app/api/alerts.py", "app/main.py"]


def test_relative_paths_use_cwd(repo: Path) -> None:
    make_tree(repo, ["app/api/alerts.py", "app/main.py"])

    assert found(repo, ["api", "main.py"], cwd=repo / "app") == ["app/api/alerts.py", "app/main.py"]


@pytest.mark.parametrize("folder", sorted(SKIPPED_FOLDERS))
def test_skipped_folder_names(repo: Path, folder: str) -> None:
    make_tree(repo, ["app/main.py", f"app/{folder}/hidden.py", f"{folder}/top.py"])

    assert found(repo) == ["app/main.py"]


def test_skipped_folder_named_explicitly_is_walked(repo: Path) -> None:
    make_tree(repo, ["build/generated.py", "main.py"])

    assert found(repo, ["build"]) == ["build/generated.py"]


def test_missing_path_raises(repo: Path) -> None:
    make_tree(repo, ["main.py"])

    with pytest.raises(DiscoveryError) as caught:
        found(repo, ["main.py", "app/rotuers"])

    assert str(caught.value) == "app/rotuers: no such file or folder"


def test_broken_symlink_named_explicitly_raises(repo: Path) -> None:
    (repo / "gone.py").symlink_to(repo / "missing.py")

    with pytest.raises(DiscoveryError) as caught:
        found(repo, ["gone.py"])

    assert str(caught.value) == "gone.py: no such file or folder"


def test_explicit_non_python_file_warns(repo: Path) -> None:
    make_tree(repo, ["notes.txt", "types.pyi", "main.py"])
    warnings: list[str] = []

    files = list(discover(["notes.txt", "types.pyi", "main.py"], Config(root=repo), repo, warnings))

    assert files == [repo / "main.py"]
    assert warnings == ["notes.txt: skipped because it is not a regular .py file"]


# Symbolic links


def test_symlink_loop_to_parent(repo: Path) -> None:
    make_tree(repo, ["app/main.py", "app/api/alerts.py"])
    (repo / "app" / "api" / "up").symlink_to(repo / "app")
    (repo / "app" / "self").symlink_to(repo / "app" / "self")

    assert found(repo) == ["app/api/alerts.py", "app/main.py"]


def test_symlink_loop_between_folders(repo: Path) -> None:
    make_tree(repo, ["one/a.py", "two/b.py"])
    (repo / "one" / "to_two").symlink_to(repo / "two")
    (repo / "two" / "to_one").symlink_to(repo / "one")

    assert found(repo) == ["one/a.py", "two/b.py"]


def test_symlinked_folder_outside_is_followed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    make_tree(project, [".git/", "main.py"])
    make_tree(tmp_path, ["shared/routers/alerts.py"])
    (project / "shared").symlink_to(tmp_path / "shared")

    assert found(project) == ["main.py", "shared/routers/alerts.py"]


def test_real_path_preferred_over_link(repo: Path) -> None:
    make_tree(repo, ["b_real/alerts.py", "z_real.py"])
    (repo / "a_link").symlink_to(repo / "b_real")
    (repo / "a_file_link.py").symlink_to(repo / "z_real.py")

    assert found(repo) == ["b_real/alerts.py", "z_real.py"]


def test_broken_symlink_in_walk_ignored(repo: Path) -> None:
    make_tree(repo, ["main.py"])
    (repo / "gone.py").symlink_to(repo / "missing.py")

    assert found(repo) == ["main.py"]


# .gitignore


def test_root_gitignore(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "app/main.py", "app/api_pb2.py", "generated/models.py", "app/generated/x.py"],
        {".gitignore": "*_pb2.py\n/generated/\n"},
    )

    assert found(repo) == ["app/generated/x.py", "app/main.py"]


def test_nested_gitignore_and_negation(repo: Path) -> None:
    make_tree(
        repo,
        [
            ".gitignore",
            "app/.gitignore",
            "app/local_dev.py",
            "app/local_settings.py",
            "app/main.py",
            "scripts/run.py",
            "scripts/keep.py",
            "local_top.py",
        ],
        {
            ".gitignore": "scripts/*.py\n!scripts/keep.py\n",
            "app/.gitignore": "local_*.py\n!local_settings.py\n",
        },
    )

    assert found(repo) == ["app/local_settings.py", "app/main.py", "local_top.py", "scripts/keep.py"]


def test_nested_gitignore_overrides_root(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "app/.gitignore", "app/tmp_keep.py", "tmp_top.py"],
        {".gitignore": "tmp_*.py\n", "app/.gitignore": "!tmp_keep.py\n"},
    )

    assert found(repo) == ["app/tmp_keep.py"]


def test_negation_cannot_reinclude_in_ignored_folder(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "vendor/keep.py", "main.py"],
        {".gitignore": "vendor/\n!vendor/keep.py\n"},
    )

    assert found(repo) == ["main.py"]


def test_ancestor_gitignore_applies_to_subfolder(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "app/gen/schema.py", "app/main.py"],
        {".gitignore": "app/gen/\n"},
    )

    assert found(repo, ["app"], cwd=repo) == ["app/main.py"]
    assert found(repo, ["."], cwd=repo / "app") == ["app/main.py"]


def test_git_info_exclude(repo: Path) -> None:
    make_tree(
        repo,
        [".git/info/exclude", "scratch.py", "main.py"],
        {".git/info/exclude": "scratch.py\n"},
    )

    assert found(repo) == ["main.py"]


def test_gitignore_above_repository_unused(tmp_path: Path) -> None:
    make_tree(tmp_path, [".gitignore", "project/.git/", "project/main.py"], {".gitignore": "*.py\n"})
    project = tmp_path / "project"

    assert found(project) == ["main.py"]


def test_repository_gitignore_applies_below_config_root(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "service/api_pb2.py", "service/main.py"],
        {".gitignore": "*_pb2.py\n"},
    )
    service = repo / "service"

    assert found(service, config=Config(root=service)) == ["main.py"]


def test_gitignore_without_repository_uses_config_root(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [".gitignore", "app/main.py", "app/secret_local.py"],
        {".gitignore": "*_local.py\n"},
    )

    assert found(tmp_path, ["."], cwd=tmp_path / "app") == ["app/main.py"]


def test_explicit_file_bypasses_gitignore(repo: Path) -> None:
    make_tree(repo, [".gitignore", "scratch.py"], {".gitignore": "scratch.py\n"})

    assert found(repo, ["scratch.py"]) == ["scratch.py"]


def test_explicit_ignored_folder_is_walked(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "vendor/lib.py", "vendor/api_pb2.py", "vendor/pkg/mod.py", "main.py"],
        {".gitignore": "vendor/\n*_pb2.py\n"},
    )
    warnings: list[str] = []

    files = list(discover(["vendor"], Config(root=repo), repo, warnings))

    assert files == [repo / "vendor" / "lib.py", repo / "vendor" / "pkg" / "mod.py"]
    assert warnings == []
    assert found(repo) == ["main.py"]


def test_explicit_folder_below_ignored_parent(repo: Path) -> None:
    make_tree(
        repo,
        [".gitignore", "vendor/pkg/mod.py", "vendor/pkg/cache/tmp.py", "vendor/other.py"],
        {".gitignore": "/vendor\ncache/\n"},
    )

    assert found(repo, ["vendor/pkg"]) == ["vendor/pkg/mod.py"]


def test_cwd_inside_ignored_folder_is_walked(repo: Path) -> None:
    make_tree(repo, [".gitignore", "build/gen/models.py"], {".gitignore": "build/\n"})

    assert found(repo, cwd=repo / "build" / "gen") == ["build/gen/models.py"]


# exclude


def test_exclude_file_and_folder(repo: Path) -> None:
    make_tree(
        repo,
        [
            "app/main.py",
            "app/legacy/old.py",
            "app/v1/migrations/0001.py",
            "migrations/0002.py",
            "scripts/seed.py",
            "scripts/tools/deep.py",
        ],
    )
    config = Config(root=repo, exclude=("app/legacy", "**/migrations", "scripts/*.py"))

    assert found(repo, config=config) == ["app/main.py", "scripts/tools/deep.py"]


def test_exclude_applies_to_explicit_files(repo: Path) -> None:
    make_tree(repo, ["app/legacy/old.py", "app/gen_models.py", "app/main.py"])
    config = Config(root=repo, exclude=("app/legacy", "**/gen_*.py"))

    files = found(repo, ["app/legacy/old.py", "app/gen_models.py", "app/main.py"], config=config)

    assert files == ["app/main.py"]


def test_exclude_applies_to_explicit_folder(repo: Path) -> None:
    make_tree(repo, ["app/legacy/v1/old.py", "app/main.py"])
    config = Config(root=repo, exclude=("app/legacy",))

    assert found(repo, ["app/legacy/v1", "app/main.py"], config=config) == ["app/main.py"]


def test_exclude_relative_to_config_root(repo: Path) -> None:
    make_tree(repo, ["app/legacy/old.py", "app/main.py", "app/app/legacy/nested.py"])
    config = Config(root=repo, exclude=("app/legacy",))

    assert found(repo, config=config, cwd=repo / "app") == ["app/app/legacy/nested.py", "app/main.py"]


def test_exclude_outside_root_uses_absolute_path(tmp_path: Path) -> None:
    make_tree(tmp_path, ["project/.git/", "project/main.py", "shared/gen/models.py", "shared/util.py"])
    config = Config(root=tmp_path / "project", exclude=("**/gen",))

    files = discover(["main.py", "../shared"], config, tmp_path / "project")

    assert list(files) == [tmp_path / "project" / "main.py", tmp_path / "shared" / "util.py"]


def test_invalid_exclude_raises(repo: Path) -> None:
    with pytest.raises(DiscoveryError) as caught:
        found(repo, config=Config(root=repo, exclude=("app/[x",)))

    assert str(caught.value) == (
        'exclude pattern "app/[x" is invalid: the file glob "app/[x" has a "[" without a closing "]"'
    )


# Unreadable folders


def discover_without_privileges(paths: Sequence[str], config: Config, cwd: Path) -> tuple[list[str], list[str]]:
    """Run discovery in a child process that has dropped root, if the tests run as root.

    Root reads every folder whatever its mode, so a permission error needs
    an unprivileged process.
    """
    if os.geteuid() != 0:
        warnings: list[str] = []
        return [str(path) for path in discover(paths, config, cwd, warnings)], warnings

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        _report_discovery_as_nobody(write_end, paths, config, cwd)

    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        payload = stream.read()
    os.waitpid(pid, 0)
    files, warnings = json.loads(payload)
    return files, warnings


def _report_discovery_as_nobody(write_end: int, paths: Sequence[str], config: Config, cwd: Path) -> None:
    try:
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        warnings: list[str] = []
        files = [str(path) for path in discover(paths, config, cwd, warnings)]
        os.write(write_end, json.dumps([files, warnings]).encode("utf-8"))
    except BaseException as error:
        os.write(write_end, json.dumps([[], [f"child failed: {error!r}"]]).encode("utf-8"))
    finally:
        os._exit(0)


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    # tmp_path sits below a folder that only its owner can enter.
    folder = Path(tempfile.mkdtemp(prefix="tenantlint-discovery-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_unreadable_folder_is_skipped_with_warning(world_readable_dir: Path) -> None:
    root = world_readable_dir
    make_tree(root, [".git/", "app/main.py", "app/private/secret.py"])
    for folder in (root, root / ".git", root / "app"):
        folder.chmod(0o755)
    (root / "app" / "main.py").chmod(0o644)
    (root / "app" / "private").chmod(0o000)

    files, warnings = discover_without_privileges([], Config(root=root), root)

    assert files == [str(root / "app" / "main.py")]
    assert warnings == ["app/private: folder skipped: Permission denied"]


# Display paths


@pytest.mark.parametrize(
    ("path", "cwd", "expected"),
    [
        ("/srv/app/routers/alerts.py", "/srv/app", "routers/alerts.py"),
        ("/srv/app", "/srv/app", "."),
        ("/srv/other/x.py", "/srv/app", "/srv/other/x.py"),
        ("/srv/app-2/x.py", "/srv/app", "/srv/app-2/x.py"),
        ("routers/alerts.py", "/srv/app", "routers/alerts.py"),
        ("../app/x.py", "/srv/app", "x.py"),
        ("/srv/app/./a/../b.py", "/srv/app", "b.py"),
    ],
)
def test_relative_display_path(path: str, cwd: str, expected: str) -> None:
    assert relative_display_path(Path(path), Path(cwd)) == expected
