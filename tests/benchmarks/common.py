"""Helpers shared by benchmarks: emit one JSON line per figure, take medians."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def emit(bench: str, value: float, unit: str, budget: float | None, **extra: object) -> None:
    line = {"bench": bench, "value": round(value, 4), "unit": unit, "budget": budget}
    line.update(extra)
    print(json.dumps(line), flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)
