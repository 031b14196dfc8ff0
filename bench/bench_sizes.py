"""Time against size for each pathological shape (issue 11): the Markdown reader (links, anchors and
header) on 10 KB, 100 KB, 1 MB and 10 MB of each shape the suite tests at 100 KB.

    python bench/bench_sizes.py [--largest 10000000] [--shape NAME ...] [--cutoff SECONDS]

Linear time shows as a growth near 10x for each 10x in size. A shape whose previous size took over
`--cutoff` seconds (default 5) is not run at the next (and is reported as such).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from spec_hooks.header import extract_header
from spec_hooks.markdown import parse

from test_pathological import shapes

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)


def seconds(text: str) -> float:
    start = time.perf_counter()
    parse(text).anchors.all()
    extract_header(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--largest", type=int, default=SIZES[-1])
    parser.add_argument("--shape", action="append", default=[], help="only this shape (repeatable)")
    parser.add_argument("--cutoff", type=float, default=5.0)
    args = parser.parse_args()
    sizes = [size for size in SIZES if size <= args.largest]
    print("| shape | " + " | ".join(f"{size // 1000:,} KB" for size in sizes) + " | growth per 10x (last step) |")
    print("| --- |" + " ---: |" * len(sizes) + " ---: |")
    for name in args.shape or shapes(10):
        times: list[float] = []
        for size in sizes:
            if times and times[-1] > args.cutoff:
                break
            times.append(seconds(shapes(size)[name]))
        cells = [f"{value * 1000:,.0f} ms" for value in times] + ["not run"] * (len(sizes) - len(times))
        growth = f"{times[-1] / times[-2]:.1f}x" if len(times) > 1 and times[-2] > 0 else ""
        print(f"| {name.replace('|', '&#124;')} | " + " | ".join(cells) + f" | {growth} |", flush=True)


if __name__ == "__main__":
    main()
