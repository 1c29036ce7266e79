"""Runs every tests/benchmarks/bench_*.py in its own process (`make bench`).

Each benchmark prints one JSON line per figure:
{"bench": name, "value": x, "unit": u, "budget": b}. This runner passes them
through and adds nothing else to stdout, so the output is machine-readable.
Usage: run.py [-k SUBSTRING] [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="only benchmarks whose file name contains this")
    args = ap.parse_args()
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if args.k and args.k not in script.name:
            continue
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent.parent)
        if proc.returncode != 0:
            print(f"# {script.name} failed with exit code {proc.returncode}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
