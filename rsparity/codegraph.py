"""Which of the package's modules a script depends on, read from its import statements.

The workflow puts :func:`code_digest` of a rule's script into the rule's
``params``, so editing a module reruns exactly the jobs whose code imports it,
directly or through other modules - and a new module that nothing imports
reruns nothing.  Every ``import`` counts, also one inside a function (a lazy
import still runs when the job does); importing ``a.b.c`` also runs the
``__init__`` of ``a`` and ``a.b``.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "rsparity"
PACKAGE_DIR = Path(__file__).resolve().parent


def module_file(name: str, root: Path = PACKAGE_DIR) -> Path | None:
    """The source file of module ``name`` (``rsparity.x.y``), or None if it is not one."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _with_parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def imports(
    source: str, module: str | None = None, root: Path = PACKAGE_DIR, parents: bool = True
) -> set[str]:
    """Package modules that ``source`` imports (resolving relative imports from ``module``);
    with ``parents``, also the packages whose ``__init__`` such an import runs."""
    found: set[str] = set()
    package = module
    path = None if module is None else module_file(module, root)
    if path is not None and path.name != "__init__.py":
        package = module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if package is None:
                    continue
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # "from a import b" imports a, and also a.b when b is a module
            names = [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if module_file(name, root) is not None:
                found |= {m for m in _with_parents(name) if module_file(m, root) is not None}
                if not parents:
                    found -= set(_with_parents(name)) - {name}
    return found


@cache
def _direct(name: str, root: Path) -> frozenset[str]:
    """:func:`imports` of module ``name``, parsed once per process (a workflow's digests
    share most modules; parsing each once per digest was a tenth of a no-op run)."""
    return frozenset(imports(module_file(name, root).read_text(), name, root))


@cache
def _closure(name: str, root: Path) -> frozenset[str]:
    seen = {name}
    todo = [name]
    while todo:
        current = todo.pop()
        for dep in _direct(current, root):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return frozenset(seen)


def dependencies(script: str | Path, root: Path = PACKAGE_DIR) -> set[str]:
    """Every package module that running ``script`` (a file outside or inside the
    package) imports, transitively."""
    out: set[str] = set()
    for name in imports(Path(script).read_text(), None, root):
        out |= _closure(name, root)
    return out


def package_modules(root: Path = PACKAGE_DIR) -> list[str]:
    """Every module of the package, by dotted name."""
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((PACKAGE, *parts)))
    return names


def import_cycle(root: Path = PACKAGE_DIR) -> list[str] | None:
    """A cycle of explicit imports among the package's modules (a list of names), or None."""
    graph = {
        name: imports(module_file(name, root).read_text(), name, root, parents=False) - {name}
        for name in package_modules(root)
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for dep in sorted(graph.get(name, ())):
            if state.get(dep) == 1:
                return path[path.index(dep) :] + [dep] if dep in path else [name, dep]
            if dep not in state:
                found = visit(dep, [*path, dep])
                if found:
                    return found
        state[name] = 2
        return None

    for name in graph:
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


def code_digest(modules: Iterable[str], root: Path = PACKAGE_DIR) -> str:
    """A short sha256 over the source of ``modules`` (sorted by name)."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(f"{name}\0".encode())
        digest.update(module_file(name, root).read_bytes())
    return digest.hexdigest()[:16]


def module_dependencies(name: str, root: Path = PACKAGE_DIR) -> set[str]:
    """Module ``name``, its parent packages and everything they import, transitively."""
    out: set[str] = set()
    for module in _with_parents(name):
        out |= _closure(module, root)
    return out


def module_digest(name: str, root: Path = PACKAGE_DIR) -> str:
    """:func:`code_digest` of :func:`module_dependencies` (for a rule whose ``run:``
    block calls a package function)."""
    return code_digest(module_dependencies(name, root), root)


def script_digest(script: str | Path, root: Path = PACKAGE_DIR) -> str:
    """:func:`code_digest` of everything ``script`` imports from the package."""
    return code_digest(dependencies(script, root), root)
