"""The UI's edges: it reaches the sync side only through the sync controller."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_AREAS = ["fieldclient/ui", "fieldclient/map", "fieldclient/app.py", "fieldclient/core/vocab.py"]
ADAPTER = ROOT / "fieldclient" / "ui" / "sync_controller.py"


def _modules() -> list[Path]:
    out: list[Path] = []
    for area in UI_AREAS:
        path = ROOT / area
        out += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return out


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import, including those inside functions."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
    return found


def test_only_the_sync_controller_imports_replication() -> None:
    """Proves every UI module but ui/sync_controller.py reaches replication through it."""
    offenders = [
        f"{p.relative_to(ROOT)}: {module}"
        for p in _modules() if p != ADAPTER
        for module, _names in _imports(p)
        if module.startswith("fieldclient.replication")
    ]
    assert offenders == []
