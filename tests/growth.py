"""Bounded time without a wall-time bound: how the cost of an input grows when the input grows.

A linear reader takes about `scale` times as long on an input `scale` times larger; a quadratic one
`scale`² times. Both sizes are measured in the same test, on the same machine and load, as CPU time (a
loaded machine slows both alike), best of a few runs; so a test asserts a ratio, never seconds.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

SCALE = 4
# Between linear (4) and quadratic (16) growth, generous to linear: noise, caches, a constant cost.
LINEAR = 2.5 * SCALE
_FLOOR = 0.005  # seconds: below this, the small run says more about the clock than about the work


def _best(run: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()  # a collection of what an earlier run left must not be charged to this one
        try:
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def growth(make: Callable[[int], Callable[[], object]], repeats: int = 3) -> float:
    """The cost of `make(SCALE)()` over that of `make(1)()`; `make(n)` builds the work for an input n
    times the base size (outside the measure)."""
    small, large = make(1), make(SCALE)
    return _best(large, repeats) / max(_best(small, repeats), _FLOOR)


def characters_given_to_block_states(monkeypatch: Any) -> list[int]:
    """The length of each text the Markdown reader's block states are given, from now on: the reader's work
    (and its tokens' memory) counted, not timed."""
    from spec_hooks import markdown

    given: list[int] = []
    process = markdown._State.process

    def counted(state: markdown._State, src: str) -> None:
        given.append(len(src))
        process(state, src)

    monkeypatch.setattr(markdown._State, "process", counted)
    return given
