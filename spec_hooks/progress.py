"""Progress on stderr for long runs on a terminal (never in a pipe, a log or under -q)."""
from __future__ import annotations

import sys
import time

enabled = True  # -q turns it off
SHOW_FROM = 200  # items: below this a run is quick enough to need none


class Progress:
    """`spec-hooks: parsing 1,200/5,300 files` rewritten in place, at most ten times a second,
    and erased when done."""

    def __init__(self, total: int, what: str) -> None:
        self.total, self.what = total, what
        self.shown = enabled and total >= SHOW_FROM and sys.stderr.isatty()
        self.done = 0
        self._last = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.shown and (now - self._last >= 0.1 or self.done >= self.total):
            self._last = now
            sys.stderr.write(f"\rspec-hooks: {self.what} {self.done:,}/{self.total:,}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
