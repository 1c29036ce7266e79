"""The UI's edges: it reaches the sync side only through the sync controller, and uses the
protocol's definitions, not the transitional legacy names."""

from __future__ import annotations

import ast
from pathlib import Path

import sync.protocol.legacy as legacy

ROOT = Path(__file__).resolve().parents[2]
UI_AREAS = ["fieldclient/ui", "fieldclient/map", "fieldclient/app.py", "fieldclient/core/vocab.py"]
ADAPTER = ROOT / "fieldclient" / "ui" / "sync_controller.py"
# The form dialogs move to the protocol's definitions with their validation (issue 8,
# forms part); drop them from this list once they have.
LEGACY_PENDING = {ROOT / "fieldclient" / "ui" / f"{name}.py"
                  for name in ("unit_dialog", "incident_dialog", "position_dialog", "form_dialog")}


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


def test_ui_uses_no_legacy_protocol_names() -> None:
    """Proves the UI, the map and core.vocab use sync.protocol's definitions, not the
    pydantic-era names kept in sync/protocol/legacy.py for the transition."""
    legacy_names = {n for n in vars(legacy) if not n.startswith("__")}
    offenders = [
        f"{p.relative_to(ROOT)}: {module}.{name}"
        for p in _modules() if p not in LEGACY_PENDING
        for module, names in _imports(p)
        if module == "sync.protocol.legacy" or (module == "sync.protocol" and (
            bad := [n for n in names if n in legacy_names and n not in _CURRENT]))
        for name in (names if module == "sync.protocol.legacy" else bad)
    ]
    assert offenders == []


# Names sync.protocol defines itself (legacy.py may import some of them too).
_CURRENT = {n for n in __import__("sync.protocol", fromlist=["__all__"]).__all__}
