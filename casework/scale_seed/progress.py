"""A plain-text progress bar for the scale seed, and the seconds each part took.

    [#########...........]  45% damage items 2.3M/5.0M  38 s

On a terminal the bar is redrawn in place; elsewhere (a log, a test) it writes a line per finished part and at
most one line every few seconds in between, so logs stay short.
"""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 20
LOG_EVERY = 5.0  # seconds between in-part lines when the stream is not a terminal


def _count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return str(n)


class Progress:
    """Parts have weights (their expected share of the time); the bar shows the weighted share done."""

    def __init__(self, *, weights: dict[str, float], stream: TextIO | None):
        self.weights = weights
        self.total_weight = sum(weights.values())
        self.stream = stream
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.started = self._part_started = self._logged = time.perf_counter()
        self.finished_weight = 0.0
        self.laps: dict[str, float] = {}
        self._part = ""
        self._total = 0
        self._line = ""

    def start(self, part: str, *, total: int = 0) -> None:
        self._part, self._total = part, total
        self._part_started = time.perf_counter()
        self._draw(0)

    def advance(self, done: int) -> None:
        self._draw(done)

    def finish(self) -> None:
        took = time.perf_counter() - self._part_started
        self.laps[self._part] = took
        self.finished_weight += self.weights.get(self._part, 0.0)
        self._draw(self._total, finished=True)

    def close(self) -> float:
        total = time.perf_counter() - self.started
        self.laps["total"] = total
        if self.stream is not None and self.tty:
            self.stream.write("\n")
            self.stream.flush()
        return total

    def _draw(self, done: int, *, finished: bool = False) -> None:
        if self.stream is None:
            return
        now = time.perf_counter()
        if not self.tty and not finished and now - self._logged < LOG_EVERY:
            return
        self._logged = now
        share = self.finished_weight
        if not finished and self._total:
            share += self.weights.get(self._part, 0.0) * min(1.0, done / self._total)
        share = min(1.0, share / self.total_weight) if self.total_weight else 1.0
        filled = round(share * WIDTH)
        counts = f" {_count(done)}/{_count(self._total)}" if self._total else ""
        line = (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {share * 100:3.0f}% {self._part}{counts} "
                f"{now - self.started:4.0f} s")
        if line == self._line:
            return
        self._line = line
        if self.tty:
            self.stream.write(f"\r{line:<78}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
