"""Clocks, memory and the context every benchmark gets."""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Clock:
    """Wall and CPU seconds of one measured block (CPU = this process, all threads)."""

    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed() -> Iterator[Clock]:
    clock = Clock()
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield clock
    finally:
        clock.wall = time.perf_counter() - wall
        clock.cpu = time.process_time() - cpu


def best_of(fn: Callable[[], T], repeat: int = 3) -> tuple[Clock, T]:
    """The fastest of ``repeat`` runs (wall clock) and the last value."""
    best: Clock | None = None
    value: T
    for _ in range(max(1, repeat)):
        with timed() as clock:
            value = fn()
        if best is None or clock.wall < best.wall:
            best = clock
    assert best is not None
    return best, value


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


@dataclass(frozen=True)
class Context:
    """What a benchmark is given: a scratch folder of this run and the run's size."""

    workdir: Path  # shared by the benchmarks of one run, removed at the end
    quick: bool

    def scratch(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path
