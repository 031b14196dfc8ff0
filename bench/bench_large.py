"""Large single files against the mistune floor (issue 26): each shape is written into a fresh repository,
then one spec-hooks command on that one file is timed cold (no `.git/spec-hooks`) and warm, beside mistune
alone parsing the same text (in its own process, CPU time, best of 3). Run with the project installed:

    python bench/bench_large.py [--scale 1.0] [--shapes one-line,broken,...] [--runs 2]

Reported per shape: size, the floor, the command cold and warm (best of --runs), its peak resident memory,
and the issue's budget: 2x the floor, plus 10 us a link and 50 us a header item, plus the command's start-up
(the same command on a small valid spec, measured in the same run). "cold - start-up" is what the input costs.
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
from dataclasses import dataclass
from pathlib import Path

HEADER = ("# Big\n\n- **Spec ID:** rest/big\n- **Status:** Final\n- **Version:** 1.0\n- **Created:** 2025-01-14\n"
          "- **Updated:** 2025-03-04\n\n---\n\n## Overview\n\n")
SECTION = ("## Section {i}\n\nSee [the target](target.md#overview) and [another](target.md), with `code`,\n"
           "*emphasis* and a [reference][ref].\n\n- an item with [a link](target.md#section-1)\n  - nested\n\n"
           "```python\nprint('[not a link](x.md)')\n```\n\n| a | b |\n| --- | --- |\n| [c](target.md) | d |\n\n"
           "> quoted [link](target.md)\n\n")


@dataclass(frozen=True)
class Shape:
    make: Callable[[int], str]
    count: int  # links or header items at scale 1
    command: str
    per: str  # what the units are: the budget allows 10 us a link, 50 us a header item


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
    return "# A\n\n[x](nope.md)\n\n" + "<!-- spec-hooks: disable-file " * n + "\n"


def _sections(n: int) -> str:
    """Ordinary Markdown (headings, lists, code, tables, quotes), n links: 50 MB at 1,000,000."""
    return HEADER + "[ref]: target.md\n\n" + "".join(SECTION.format(i=i) for i in range(n // 6))


def _nested(n: int) -> str:
    return HEADER + "".join("  " * i + "- a\n" for i in range(n))


def _header_items(n: int) -> str:
    return _header(HEADER.split("\n---")[0], [f"- **Key {i}:** value {i}" for i in range(n)])


def _header_duplicates(n: int) -> str:
    return _header(HEADER.split("\n---")[0], ["- **Status:** Final"] * n)


def _header_brackets(n: int) -> str:
    return _header(HEADER.split("\n---")[0], ["- **Version:** " + "[" * n])


def _header(top: str, items: list[str]) -> str:
    return top.rstrip("\n") + "\n" + "\n".join(items) + "\n\n---\n\n## Overview\n"


SHAPES: dict[str, Shape] = {
    "one-line": Shape(_one_line, 100_000, "links", "link"),
    "broken": Shape(_broken, 100_000, "links", "link"),
    "broken-check": Shape(_broken, 100_000, "check", "link"),
    "lines": Shape(_lines, 100_000, "links", "link"),
    "fragments": Shape(_fragments, 20_000, "links", "link"),
    "openers": Shape(_openers, 20_000, "links", "link"),
    "sections": Shape(_sections, 1_000_000, "links", "link"),
    "sections-check": Shape(_sections, 1_000_000, "check", "link"),
    "nested": Shape(_nested, 10_000, "links", "link"),
    "header-items": Shape(_header_items, 10_000, "headers", "item"),
    "header-duplicates": Shape(_header_duplicates, 10_000, "check", "item"),
    "header-brackets": Shape(_header_brackets, 100_000, "headers", "value character"),
}
TARGET = "# Target\n\n## Overview\n\n" + "".join(f"## Section {i}\n\nText.\n\n" for i in range(2000))
PER = {"link": 10e-6, "item": 50e-6, "value character": 0.0}  # one item: its 50 us is noise


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


FLOOR = """
import sys, time
import mistune
from spec_hooks.markdown import PLUGINS  # the floor parses with the plugins spec-hooks reads with
text = open(sys.argv[1], encoding="utf-8").read()
best = float("inf")
for _ in range(3):
    start = time.process_time()
    mistune.create_markdown(renderer="ast", plugins=list(PLUGINS))(text)
    best = min(best, time.process_time() - start)
    if best > 30:  # a large input: once is enough
        break
print(best)
"""


FLOOR_AT_MOST = 300  # seconds: mistune alone takes minutes and gigabytes on some shapes (deep nesting)


def _floor(path: Path) -> float | None:
    """In its own process: this one stays small, so each command's peak memory is its own (a forked child
    starts with its parent's resident size). None when mistune alone takes over FLOOR_AT_MOST."""
    try:
        result = subprocess.run([sys.executable, "-c", FLOOR, str(path)], capture_output=True, text=True, check=True,
                                timeout=FLOOR_AT_MOST)
    except subprocess.TimeoutExpired:
        return None
    return float(result.stdout)


def _timed(root: Path, command: str, name: str, cold: bool) -> tuple[float, int]:
    """Wall seconds and peak resident kilobytes of one run."""
    if cold:
        shutil.rmtree(root / ".git" / "spec-hooks", ignore_errors=True)
    spec_hooks = Path(sys.executable).with_name("spec-hooks")
    start = time.perf_counter()
    process = subprocess.Popen([str(spec_hooks), command, "-q", name], cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def _best(root: Path, command: str, name: str, cold: bool, runs: int) -> tuple[float, int]:
    results = [_timed(root, command, name, cold) for _ in range(runs)]
    return min(seconds for seconds, _ in results), max(kilobytes for _, kilobytes in results)


def _repository(shape: str | None = None, units: int = 0) -> Path:
    """A fresh repository of its own, with `shape.md` made of `units` of the shape when one is named: a cold
    run reads the headers of every tracked file, so shapes sharing one would be charged for each other."""
    root = Path(tempfile.mkdtemp(prefix="bench-large-"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "b")
    _git(root, "config", "user.email", "b@example.com")
    (root / "target.md").write_text(TARGET)
    (root / "tiny.md").write_text(HEADER)
    if shape is not None:
        _write_shape(shape, units, root / "shape.md")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "shapes")
    return root


def _write_shape(name: str, units: int, path: Path) -> None:
    """Written by another process: this one stays small (a forked child starts with its parent's resident
    size, which would be counted as the command's peak)."""
    subprocess.run([sys.executable, __file__, "--write", name, str(units), str(path)], check=True)


def main() -> None:
    if sys.argv[1:2] == ["--write"]:
        shape_name, count, path = sys.argv[2:5]
        Path(path).write_text(SHAPES[shape_name].make(int(count)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    bare = _repository()
    start = {command: _best(bare, command, "tiny.md", True, 3) for command in ("links", "headers", "check")}
    start_up = {command: seconds for command, (seconds, _) in start.items()}
    shutil.rmtree(bare)
    print("start-up, a small valid spec, cold: "
          f"{', '.join(f'{c} {s:.2f} s, {k / 1024:.0f} MB' for c, (s, k) in start.items())}\n")
    print("| shape | command | size | units | mistune alone | cold | warm | peak memory | cold - start-up | budget |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
    for name in args.shapes.split(","):
        shape = SHAPES[name]
        units = int(shape.count * args.scale)
        root = _repository(name, units)
        size = (root / "shape.md").stat().st_size
        floor = _floor(root / "shape.md")
        cold, kilobytes = _best(root, shape.command, "shape.md", True, args.runs)
        warm, _ = _best(root, shape.command, "shape.md", False, args.runs)
        cost = cold - start_up[shape.command]
        if floor is None:
            floor_text, budget_text = f"over {FLOOR_AT_MOST} s", "-"
        else:
            budget = 2 * floor + PER[shape.per] * units
            floor_text, budget_text = f"{floor:.2f} s", f"{budget:.2f} s{'' if cost <= budget else ' (over)'}"
        print(f"| {name} | `{shape.command}` | {size / 1e6:.1f} MB | {units:,} {shape.per}s | "
              f"{floor_text} | {cold:.2f} s | {warm:.2f} s | {kilobytes / 1024:.0f} MB | {cost:.2f} s | "
              f"{budget_text} |", flush=True)
        if not os.environ.get("KEEP"):
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
