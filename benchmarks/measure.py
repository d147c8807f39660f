"""CPU-second measurement with repeats, medians and ratios against a comparator run in the same process.

The machine is shared, so wall time says little: every figure is CPU seconds of this process
(`time.process_time`, user + system) plus, where a figure waits on a database server, the wall time
beside it. Peak memory is the growth of the process's maximum resident set during the first run.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def probe() -> float:
    """CPU seconds of a fixed piece of pure-Python work (three million additions), the median of three: how
    fast this machine runs the interpreter at the moment. Printed in the header at the start and at the
    end of a run, so figures of runs on a shared machine can be set side by side: the same code took
    twice as long on the evening the probe did too."""
    def once() -> float:
        c0 = time.process_time()
        total = 0
        for i in range(3_000_000):
            total += i
        return time.process_time() - c0
    return statistics.median(once() for _ in range(3))


@dataclass
class Run:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    peak_mb: float | None = None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def wall_median(self) -> float | None:
        return statistics.median(self.wall) if self.wall else None


def measure(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> Run:
    """Run `fn` `repeat` times (after `setup` each time, untimed); CPU and wall seconds of each run."""
    run = Run()
    for i in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        before = peak_rss_mb()
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        run.cpu.append(time.process_time() - c0)
        run.wall.append(time.perf_counter() - w0)
        if i == 0:
            run.peak_mb = max(0.0, peak_rss_mb() - before)
    return run


@dataclass
class Figure:
    """One line of the table: the project's figure, an optional comparator, and the issue's goal."""

    name: str
    ours: Run
    goal: str
    comparator: str = ""
    theirs: Run | None = None
    note: str = ""

    def ratio(self) -> float | None:
        if self.theirs is None or not self.theirs.cpu_median or self.ours.cpu_median is None:
            return None
        return self.ours.cpu_median / self.theirs.cpu_median

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "goal": self.goal, "comparator": self.comparator, "note": self.note,
            "cpu_s": self.ours.cpu, "cpu_median_s": self.ours.cpu_median, "wall_median_s": self.ours.wall_median,
            "peak_mb": self.ours.peak_mb,
            "comparator_cpu_s": self.theirs.cpu if self.theirs else None,
            "comparator_cpu_median_s": self.theirs.cpu_median if self.theirs else None,
            "comparator_wall_median_s": self.theirs.wall_median if self.theirs else None,
            "ratio": self.ratio(),
        }


def _secs(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| work | CPU (median) | wall | peak +MB | comparator | comparator CPU | ratio | goal |",
             "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f.ratio()
        name = f.name + (f" ({f.note})" if f.note else "")
        if f.ours.cpu_median is None:
            lines.append(f"| {name} | — | — | — | {f.comparator or '—'} | — | — | {f.goal} |")
            continue
        peak = "—" if f.ours.peak_mb is None else f"{f.ours.peak_mb:.0f}"
        lines.append(
            f"| {name} | {_secs(f.ours.cpu_median)} | {_secs(f.ours.wall_median)} | {peak} | {f.comparator or '—'} "
            f"| {_secs(f.theirs.cpu_median) if f.theirs else '—'} | {'—' if ratio is None else f'{ratio:.2f}x'} "
            f"| {f.goal} |"
        )
    return "\n".join(lines)
