"""How every benchmark times a piece of work: warm-up runs first, then each run's wall time in milliseconds."""

import time
from collections.abc import Callable


def timings_ms(work: Callable[[], object], *, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        work()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return timings
