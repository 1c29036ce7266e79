"""House rules on imports, checked on the source text of every module.

The rules are one table of forbidden directions (FORBIDDEN). An import is any
`import x`, `from x import y` (relative ones resolved), and a literal
`importlib.import_module("x")` or `__import__("x")`, so a dynamic import cannot
hide an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (name, packages whose modules are checked, imported prefixes they must not use,
#  exceptions: imported prefixes allowed although a forbidden prefix covers them)
FORBIDDEN: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("core -> store", ("fieldclient.core",), ("fieldclient.store",), ()),
    ("core -> replication", ("fieldclient.core",), ("fieldclient.replication",), ()),
    ("core -> ui/map/app", ("fieldclient.core",),
     ("fieldclient.ui", "fieldclient.map", "fieldclient.app"), ()),
    ("store -> ui", ("fieldclient.store",), ("fieldclient.ui", "fieldclient.map", "fieldclient.app"),
     ()),
    ("store -> replication", ("fieldclient.store",), ("fieldclient.replication",), ()),
    ("replication -> ui", ("fieldclient.replication",),
     ("fieldclient.ui", "fieldclient.map", "fieldclient.app"), ()),
    ("report -> replication/ui", ("fieldclient.report",),
     ("fieldclient.replication", "fieldclient.ui", "fieldclient.map", "fieldclient.app"), ()),
    ("protocol -> storage", ("sync.protocol",), ("sqlalchemy", "sync.server", "alembic"), ()),
    ("protocol -> merge", ("sync.protocol",), ("sync.merge",), ()),
    ("server -> client", ("sync",), ("fieldclient",), ()),
    ("client -> server", ("fieldclient",), ("sync",), ("sync.protocol", "sync.merge")),
    ("Qt-free -> Qt",
     ("fieldclient.core", "fieldclient.store", "fieldclient.replication", "fieldclient.demo",
      "fieldclient.cli", "fieldclient.ops_cli", "fieldclient.demo_operations",
      "fieldclient.report.sitrep", "fieldclient.report.tables", "fieldclient.report.cli", "sync"),
     ("PySide6", "shiboken6"), ()),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a relative import (`from ..x import y` in `module`)."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return called in ("import_module", "__import__")


def _literal_dynamic_import(node: ast.Call) -> str | None:
    """`importlib.import_module("x")`, `import_module("x")` or `__import__("x")` -> "x"."""
    if not _is_dynamic_import(node) or not node.args:
        return None
    arg = node.args[0]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def computed_imports(path: Path) -> list[int]:
    """Lines importing a module whose name is computed: no table can check those."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
            and _is_dynamic_import(n) and _literal_dynamic_import(n) is None]


def imports_of(path: Path) -> set[str]:
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(_resolve(module, is_package, node.level, node.module))
            elif node.module:
                names.add(node.module)
        elif isinstance(node, ast.Call):
            target = _literal_dynamic_import(node)
            if target is not None:
                names.add(target)
    return names


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _modules(package: str) -> list[Path]:
    base = ROOT / package.replace(".", "/")
    if base.with_suffix(".py").is_file():
        return [base.with_suffix(".py")]
    return sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts)


def violations(rule: tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]],
               modules: dict[Path, set[str]] | None = None) -> list[str]:
    _name, packages, banned, allowed = rule
    found = []
    for package in packages:
        for path in _modules(package):
            names = modules[path] if modules and path in modules else imports_of(path)
            for name in sorted(names):
                if any(_under(name, b) for b in banned) and not any(
                        _under(name, a) for a in allowed):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


@pytest.mark.parametrize("rule", FORBIDDEN, ids=[r[0] for r in FORBIDDEN])
def test_forbidden_import_direction(rule) -> None:  # type: ignore[no-untyped-def]
    """Proves no module imports across a forbidden direction of the layering table."""
    assert violations(rule) == []


def test_no_import_by_computed_name() -> None:
    """Proves the product imports nothing by a computed name (e.g. a plug-in list), which
    would hide an edge from the table above."""
    found = [f"{p.relative_to(ROOT)}:{line}" for package in ("fieldclient", "sync")
             for p in _modules(package) for line in computed_imports(p)]
    assert found == []


def test_dynamic_imports_with_a_literal_name_are_seen(tmp_path: Path) -> None:
    """Proves importlib.import_module/__import__ with a literal name count as imports,
    and relative imports resolve, so neither can hide an edge from the table."""
    pkg = ROOT / "fieldclient" / "core"
    probe = pkg / "_layering_probe.py"
    probe.write_text(
        "import importlib\n"
        "from importlib import import_module\n"
        "def f():\n"
        "    importlib.import_module('fieldclient.store.db')\n"
        "    import_module('fieldclient.replication.apply')\n"
        "    __import__('PySide6.QtCore')\n"
        "    from ..ui import errors\n",
        encoding="utf-8",
    )
    try:
        names = imports_of(probe)
        assert {"fieldclient.store.db", "fieldclient.replication.apply", "PySide6.QtCore",
                "fieldclient.ui"} <= names
        by_name = {r[0]: r for r in FORBIDDEN}
        for rule in ("core -> store", "core -> replication", "core -> ui/map/app",
                     "Qt-free -> Qt"):
            assert any("_layering_probe" in v for v in violations(by_name[rule])), rule
    finally:
        probe.unlink()


def test_no_module_past_800_lines() -> None:
    """Proves no module has grown past the size the house style calls a bug."""
    big = [
        f"{p.relative_to(ROOT)}: {n}"
        for folder in ["fieldclient", "sync"]
        for p in _modules(folder)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    ]
    assert big == []


def test_packaging_is_not_a_python_package() -> None:
    """Proves packaging/ cannot shadow PyPI's `packaging`."""
    assert not (ROOT / "packaging" / "__init__.py").exists()
