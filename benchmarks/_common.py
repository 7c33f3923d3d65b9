"""Shared by the benchmarks: a demo data folder and a timing helper."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from assessor.demo import write_demo


def demo_folder(root: Path) -> Path:
    target = root / "data"
    write_demo(target)
    return target


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def interleaved_medians(
    ours: Callable[[], object], floor: Callable[[], object], total: int, batch: int = 25
) -> tuple[float, float]:
    """Alternate batches of both, so drift (WAL growth, checkpoints, other load) hits both."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(max(1, total // batch)):
        for fn, samples in ((ours, a), (floor, b)):
            for _ in range(batch):
                start = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def report(name: str, ours: float, floor: float, goal: float, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"{name}: assessor {ours * scale:.3f} {unit}, floor {floor * scale:.3f} {unit}")
    print(f"ratio {ours / floor:.2f} (goal <= {goal})")
