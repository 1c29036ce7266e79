"""`make bench` fails when a figure misses its budget (tests/benchmarks/run.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _bench(folder: Path, name: str, lines: list[dict], code: int = 0) -> None:
    body = "".join(f"print({json.dumps(json.dumps(line))})\n" for line in lines)
    (folder / f"bench_{name}.py").write_text(body + f"raise SystemExit({code})\n")


def test_runner_names_every_figure_over_budget_and_exits_non_zero(tmp_path: Path) -> None:
    """Proves the runner passes figures through, judges "at most" and "at least" budgets,
    ignores null budgets, names each miss and each crash, and exits 1."""
    lines = [
        {"bench": "a.fast_s", "value": 1.0, "unit": "s", "budget": 1.5},
        {"bench": "a.slow_s", "value": 2.6, "unit": "s", "budget": 1.5},
        {"bench": "a.rate_per_s", "value": 30000, "unit": "changes/s", "budget": 40000,
         "better": "higher"},
        {"bench": "a.busy_per_s", "value": 50000, "unit": "changes/s", "budget": 40000,
         "better": "higher"},
        {"bench": "a.ratio", "value": 9.0, "unit": "x", "budget": None},
    ]
    _bench(tmp_path, "a", lines)
    _bench(tmp_path, "b", [], code=3)
    proc = subprocess.run([sys.executable, str(RUNNER), "--dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert [json.loads(x) for x in proc.stdout.splitlines()] == lines  # passed through as they are
    err = proc.stderr
    assert "a.slow_s = 2.6 s, budget at most 1.5" in err
    assert "a.rate_per_s = 30000 changes/s, budget at least 40000" in err
    assert "bench_b.py failed with exit code 3" in err
    for fine in ("a.fast_s", "a.busy_per_s", "a.ratio"):
        assert fine not in err


def test_runner_passes_when_every_figure_meets_its_budget(tmp_path: Path) -> None:
    """Proves a run with every figure within budget exits 0."""
    _bench(tmp_path, "a", [{"bench": "a.fast_s", "value": 1.0, "unit": "s", "budget": 1.5}])
    proc = subprocess.run([sys.executable, str(RUNNER), "--dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
