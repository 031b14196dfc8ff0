"""Large single files against the mistune floor (issue 26): each shape is written into a fresh repository,
then `spec-hooks links` on that one file is timed cold (no kept parse) and warm, beside mistune alone
parsing the same text (in this process, CPU time, best of 3). Run with the project installed:

    python bench/bench_large.py [--scale 1.0] [--shapes one-line,broken,lines,fragments,openers]

Reported: seconds, and cold time over the floor (the issue's target: at most 2x the floor, plus 10 us a link).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEADER = ("# Big\n\n- **Spec ID:** rest/big\n- **Status:** Final\n- **Version:** 1.0\n- **Created:** 2025-01-14\n"
          "- **Updated:** 2025-03-04\n\n---\n\n## Overview\n\n")


def _one_line(n: int) -> str:
    return HEADER + "".join(f"[l{i}](target.md#overview) " for i in range(n)) + "\n"


def _broken(n: int) -> str:
    return HEADER + "".join(f"[l{i}](missing-{i % 50}.md)\n" for i in range(n))


def _lines(n: int) -> str:
    return HEADER + "".join(f"See [link {i}](target.md#overview) and more text here.\n" for i in range(n))


def _fragments(n: int) -> str:
    """Links to headings of target.md that do not exist (each may get a "did you mean")."""
    return HEADER + "".join(f"[s{i}](target.md#part-{i % 2000})\n" for i in range(n))


def _openers(n: int) -> str:
    return "# A\n\n[x](nope.md)\n\n" + "<!-- spec-hooks: disable-file " * (n // 5) + "\n"


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "one-line": (_one_line, 100_000),
    "broken": (_broken, 100_000),
    "lines": (_lines, 100_000),
    "fragments": (_fragments, 20_000),
    "openers": (_openers, 100_000),
}
TARGET = "# Target\n\n## Overview\n\n" + "".join(f"## Section {i}\n\nText.\n\n" for i in range(2000))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _floor(text: str) -> float:
    import mistune

    from spec_hooks.markdown import PLUGINS  # the floor parses with the plugins spec-hooks reads with

    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        mistune.create_markdown(renderer="ast", plugins=list(PLUGINS))(text)
        best = min(best, time.process_time() - start)
    return best


def _timed(root: Path, name: str, cold: bool) -> float:
    if cold:
        shutil.rmtree(root / ".git" / "spec-hooks", ignore_errors=True)
    spec_hooks = Path(sys.executable).with_name("spec-hooks")
    start = time.perf_counter()
    subprocess.run([str(spec_hooks), "links", "-q", name], cwd=root, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-large-"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "b")
    _git(root, "config", "user.email", "b@example.com")
    (root / "target.md").write_text(TARGET)
    texts = {}
    for shape in args.shapes.split(","):
        make, n = SHAPES[shape]
        texts[shape] = make(int(n * args.scale))
        (root / f"{shape}.md").write_text(texts[shape])
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "shapes")
    print("| shape | size | mistune alone | links, cold | cold / floor | links, warm |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for shape, text in texts.items():
        floor = _floor(text)
        cold = min(_timed(root, f"{shape}.md", cold=True) for _ in range(2))
        warm = min(_timed(root, f"{shape}.md", cold=False) for _ in range(2))
        print(f"| {shape} | {len(text.encode()) / 1e6:.1f} MB | {floor:.2f} s | {cold:.2f} s | "
              f"{cold / floor:.2f}x | {warm:.2f} s |")
    if not os.environ.get("KEEP"):
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
