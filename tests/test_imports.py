"""No import cycles, and ``caseapp`` never importing ``workers``.

A cycle is looked for among the imports a module runs when it is loaded (its top-level ``import``
statements, not those inside functions), with Tarjan's strongly connected components over the whole tree.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("caseapp", "workers")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _top_level_imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules that loading ``name`` imports: ``from a import b`` counts ``a.b`` when it is a
    module (like ``import a.b``, which loads the package ``a`` first but does not depend on what it defines),
    and ``a`` when ``b`` is one of its attributes."""
    is_package = path.name == "__init__.py"
    imported: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            submodules = {f"{base}.{alias.name}" for alias in node.names} & set(modules)
            imported |= submodules
            if len(submodules) < len(node.names):  # attributes of ``base`` itself, not only its submodules
                imported.add(base)
    return {m for m in imported if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _top_level_imports(path, name, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_caseapp_never_imports_workers():
    graph = _graph()
    offenders = {name: sorted(m for m in deps if m.startswith("workers")) for name, deps in graph.items()
                 if name.startswith("caseapp")}
    assert {k: v for k, v in offenders.items() if v} == {}
    lazy = [str(p.relative_to(ROOT)) for p in (ROOT / "caseapp").rglob("*.py")
            if "import workers" in p.read_text(encoding="utf-8") or "from workers" in p.read_text(encoding="utf-8")]
    assert lazy == []


def test_every_module_imports():
    """Each module loads (in the order a sorted walk gives; cycles are ruled out above, so any order works)."""
    import importlib

    for name in sorted(_modules()):
        importlib.import_module(name)
