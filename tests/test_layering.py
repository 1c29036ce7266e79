"""House rules on imports, checked on the source text of every module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_FREE = ["fieldclient/core", "fieldclient/store", "fieldclient/replication", "sync"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_core_store_replication_and_sync_never_import_qt() -> None:
    """Proves the Qt-free layers stay Qt-free (design notes, layout rules)."""
    offenders = [
        f"{p.relative_to(ROOT)}: {name}"
        for folder in QT_FREE
        for p in _modules(folder)
        for name in _imports(p)
        if name.split(".")[0] in {"PySide6", "shiboken6"}
    ]
    assert offenders == []


def test_server_never_imports_the_client() -> None:
    """Proves sync/ does not depend on fieldclient/."""
    offenders = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in _modules("sync")
        for name in _imports(p)
        if name.split(".")[0] == "fieldclient"
    ]
    assert offenders == []


def test_client_uses_only_protocol_and_merge_from_sync() -> None:
    """Proves the client imports only sync.protocol and sync.merge."""
    offenders = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in _modules("fieldclient")
        for name in _imports(p)
        if name.split(".")[0] == "sync"
        and name != "sync.merge" and name.split(".")[:2] != ["sync", "protocol"]
    ]
    assert offenders == []


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
