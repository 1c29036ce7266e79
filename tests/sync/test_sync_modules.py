"""The server's modules depend on each other in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "sync" / "server"


def _imports(path: Path) -> set[str]:
    """Server modules this file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("sync.server."):
                found.add(node.module.split(".")[2])
            elif node.module == "sync.server":
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names
                         if a.name.startswith("sync.server."))
    return found


def test_server_modules_have_no_import_cycle() -> None:
    """Proves no server module reaches itself through its imports (the old push <-> writer
    cycle, or any new one, fails this)."""
    graph = {p.stem: _imports(p) for p in SERVER.glob("*.py") if p.stem != "__init__"}
    assert "applier" in graph and "group_commit" in graph  # the walk sees the real modules

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph.get(start, ()))
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph.get(m, ()))
        return seen

    cycles = sorted(m for m in graph if m in reach(m))
    assert cycles == [], cycles
