"""A closed-loop load generator: N threads call a function back to back for a fixed time."""
from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class LoadResult:
    name: str
    calls: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)


def run_load(name: str, make_caller: Callable[[], Callable[[], bool]], clients: int = 16,
             seconds: float = 10.0, warmup: float = 2.0) -> LoadResult:
    """``make_caller`` is called once per thread (so each has its own connection) and returns a
    function doing one call, returning True on success. Only calls after the warm-up count."""
    start_gate = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    counters = {"errors": 0}
    window: dict[str, float] = {}

    def worker() -> None:
        call = make_caller()
        start_gate.wait()
        own: list[float] = []
        own_errors = 0
        while True:
            now = time.perf_counter()
            if now >= window["end"]:
                break
            try:
                ok = call()
            except Exception:
                ok = False
            done = time.perf_counter()
            if now >= window["measure_from"]:
                if ok:
                    own.append((done - now) * 1000)
                else:
                    own_errors += 1
        with lock:
            latencies.extend(own)
            counters["errors"] += own_errors

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    begin = time.perf_counter()
    window["measure_from"] = begin + warmup
    window["end"] = begin + warmup + seconds
    start_gate.wait()
    for t in threads:
        t.join()
    return LoadResult(name, len(latencies), counters["errors"], seconds, latencies)
