"""Runs every tests/benchmarks/bench_*.py in its own process (`make bench`) and
fails when a figure misses its budget.

Each benchmark prints one JSON line per figure:
  {"bench": name, "value": x, "unit": u, "budget": b}            value must be <= b
  {"bench": ..., "budget": b, "better": "higher"}                  value must be >= b
  {"bench": ..., "budget": null}                                   reported, never judged
Any other keys are details (runs, server CPU, ...). This runner passes every line
through to stdout unchanged and adds nothing there, so the output stays
machine-readable; on stderr it names every figure that misses its budget and every
benchmark that crashed, and it exits 1 if there was either.
Usage: run.py [-k SUBSTRING] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def verdict(line: dict[str, Any]) -> str | None:
    """Why a figure misses its budget (None: it meets it, or has none)."""
    budget, value = line.get("budget"), line.get("value")
    if budget is None:
        return None
    if not isinstance(value, int | float):
        return f"{line.get('bench')}: no value ({value!r})"
    if line.get("better") == "higher":
        if value < budget:
            return f"{line['bench']} = {value} {line.get('unit', '')}, budget at least {budget}"
    elif value > budget:
        return f"{line['bench']} = {value} {line.get('unit', '')}, budget at most {budget}"
    return None


def run(script: Path) -> tuple[int, list[str]]:
    """Run one benchmark, echoing its stdout; its exit code and budget misses."""
    misses: list[str] = []
    # Benchmarks make scratch stores; with no keyring in a bench session they are wrapped
    # by a passphrase, as tests/conftest.py does (the product's default KDF cost).
    env = {"ENLACE_STORE_PASSPHRASE": "bench-passphrase-long-enough", **os.environ}
    proc = subprocess.Popen([sys.executable, str(script)], cwd=HERE.parent.parent, env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for text in proc.stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
        try:
            line = json.loads(text)
        except ValueError:
            continue
        if isinstance(line, dict) and "bench" in line:
            miss = verdict(line)
            if miss:
                misses.append(miss)
    return proc.wait(), misses


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="only benchmarks whose file name contains this")
    ap.add_argument("--dir", type=Path, default=HERE, help="where the bench_*.py are")
    args = ap.parse_args()
    crashed: list[str] = []
    misses: list[str] = []
    for script in sorted(args.dir.glob("bench_*.py")):
        if args.k and args.k not in script.name:
            continue
        code, over = run(script)
        misses += over
        if code != 0:
            crashed.append(f"{script.name} failed with exit code {code}")
    for problem in crashed + [f"over budget: {m}" for m in misses]:
        print(f"# {problem}", file=sys.stderr)
    return 1 if crashed or misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
