"""Look into other modules of the project for the definitions a module imports.

Only module-level facts are read (with `ast`, which is much faster than
libcst for a read-only look): `Annotated` dependency aliases such as
`TenantId = Annotated[str, Depends(get_current_tenant_id)]`.
"""

from __future__ import annotations

import ast
import contextvars
import functools
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Paths an analysis looked at besides the file itself, so that a cached
# result can be invalidated when one of them changes (or appears).
_CONSULTED: contextvars.ContextVar[set[Path] | None] = contextvars.ContextVar("consulted", default=None)
Stamp = tuple[str, int, int]  # (path, st_mtime_ns, st_size); (path, -1, -1) for a missing path


@contextmanager
def recording() -> Iterator[set[Path]]:
    """Collect the paths that the analyses inside the block consult."""
    consulted: set[Path] = set()
    token = _CONSULTED.set(consulted)
    try:
        yield consulted
    finally:
        _CONSULTED.reset(token)


def note_consulted(path: Path) -> None:
    consulted = _CONSULTED.get()
    if consulted is not None:
        consulted.add(path)


def stamp(path: Path) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return (str(path), -1, -1)
    return (str(path), status.st_mtime_ns, status.st_size)


def stamps_current(stamps: list[Stamp]) -> bool:
    """Return whether every consulted path is as it was when the stamps were taken."""
    return all(stamp(Path(entry[0])) == tuple(entry) for entry in stamps)

# Top-level modules whose names are never project code, besides the standard library.
LIBRARIES = frozenset({"fastapi", "starlette", "pydantic", "sqlalchemy", "sqlmodel", "typing_extensions", "loguru", "structlog"})


def is_library_module(dotted_name: str) -> bool:
    top = dotted_name.lstrip(".").split(".", 1)[0]
    return top in LIBRARIES or top in sys.stdlib_module_names


def top_level_names(root: Path) -> frozenset[str]:
    """Return the packages and modules at the top of the project (and of its `src/` folder)."""
    return _top_level_names(root, stamp(root), stamp(root / "src"))


# The stamps in the cache keys make a long-lived process (a test run, an
# editor integration) see files that changed since they were first read.
@functools.lru_cache(maxsize=64)
def _top_level_names(root: Path, *stamps: Stamp) -> frozenset[str]:
    names: set[str] = set()
    for folder in (root, root / "src"):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.suffix == ".py":
                names.add(entry.stem)
            elif entry.is_dir() and not entry.name.startswith("."):
                names.add(entry.name)
    return frozenset(names)


def module_file(root: Path, dotted_name: str) -> Path | None:
    """Return the file that defines module DOTTED_NAME under ROOT, or None."""
    parts = dotted_name.split(".")
    for base in (root, root / "src"):
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            note_consulted(candidate)
            if candidate.is_file():
                return candidate
    return None


def _aliases(path: Path, module: str) -> dict[str, str]:
    return _aliases_at(path, module, stamp(path))


@functools.lru_cache(maxsize=256)
def _aliases_at(path: Path, module: str, file_stamp: Stamp) -> dict[str, str]:
    """Return {alias: qualified dependency} for the `Annotated` dependency aliases that MODULE, at PATH, defines."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return {}
    imports = _imports(tree)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            imports.setdefault(node.name, f"{module}.{node.name}")
    found = {}
    for node in tree.body:
        target, value = _binding(node)
        if target is None or not isinstance(value, ast.Subscript):
            continue
        dependency = _annotated_dependency(value, imports)
        if dependency:
            found[target] = dependency
    return found


def _binding(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    type_alias = getattr(ast, "TypeAlias", None)
    if type_alias is not None and isinstance(node, type_alias):
        return node.name.id, node.value
    return None, None


def _imports(tree: ast.Module) -> dict[str, str]:
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _annotated_dependency(value: ast.Subscript, imports: dict[str, str]) -> str | None:
    elements = value.slice.elts if isinstance(value.slice, ast.Tuple) else []
    for element in elements[1:]:
        if isinstance(element, ast.Call) and _name(element.func).rsplit(".", 1)[-1] in ("Depends", "Security"):
            if element.args:
                name = _name(element.args[0])
                head, _, rest = name.partition(".")
                base = imports.get(head, head)
                return f"{base}.{rest}" if rest else base
    return None


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def imported_alias(root: Path, qualified: str) -> str | None:
    """Return the dependency behind an imported alias such as `app.types.TenantId`.

    Returns None when the defining module is not found under ROOT, and an
    empty string when it is found but does not define such an alias.
    """
    module, _, name = qualified.rpartition(".")
    if not module or module.startswith("."):
        return None
    path = module_file(root, module)
    if path is None:
        return None
    return _aliases(path, module).get(name, "")


def _module_facts(path: Path) -> tuple[frozenset[str], dict[str, str]]:
    return _module_facts_at(path, stamp(path))


@functools.lru_cache(maxsize=256)
def _module_facts_at(path: Path, file_stamp: Stamp) -> tuple[frozenset[str], dict[str, str]]:
    """Return (names bound to a router or app, names imported from elsewhere) of the module at PATH."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return frozenset(), {}
    routers = set()
    imported: dict[str, str] = {}
    for node in tree.body:
        target, value = _binding(node)
        if target and isinstance(value, ast.Call) and _name(value.func).rsplit(".", 1)[-1] in ("APIRouter", "FastAPI"):
            routers.add(target)
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{module}.{alias.name}" if node.module else f"{module}{alias.name}"
    return frozenset(routers), imported


def defines_router(root: Path, qualified: str, depth: int = 3) -> bool | None:
    """Whether `module.name` is bound to an `APIRouter(...)` or `FastAPI(...)` in the project.

    Follows re-exports such as `from .alerts import router` up to DEPTH
    modules. Returns None when the module is not found under ROOT.
    """
    module, _, name = qualified.rpartition(".")
    if not module or module.startswith("."):
        return None
    path = module_file(root, module)
    if path is None:
        return None
    routers, imported = _module_facts(path)
    if name in routers:
        return True
    target = imported.get(name)
    if target is None or depth == 0:
        return False
    if target.startswith("."):
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        level = len(target) - len(target.lstrip("."))
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - (level - 1)]) if level - 1 <= len(parts) else ""
        target = f"{base}.{target.lstrip('.')}" if base else target.lstrip(".")
    return defines_router(root, target, depth - 1)
