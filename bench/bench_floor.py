"""Whole-repository `links` against its floor: mistune alone parsing every tracked Markdown file on all
cores (the least any tool reading Markdown as GitHub does could do), with lychee timed beside it.

    python bench/bench_floor.py [--sizes small,1] [--runs 3]

Rows per repository: the floor (a fresh Python that imports mistune and parses every tracked .md file to
its AST in a pool of one process per core: what our parse is built on); `spec-hooks links` with no cache
(`.git/spec-hooks` removed before each run: a fresh clone, a CI run); the same with every cache warm;
`lychee --offline --include-fragments .` (the peer) when installed beside this Python. Medians of `--runs`
runs after a warm-up, wall clock, in one process tree each.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import OUT, spec_hooks, timed

PLUGINS = ["table", "url", "strikethrough", "footnotes", "task_lists"]  # what spec_hooks.markdown enables


def floor(root: Path) -> int:
    """Parse every tracked Markdown file with mistune on every core; the number of files."""
    from multiprocessing import Pool

    listed = subprocess.run(["git", "ls-files", "-z", "*.md", "*.markdown"], cwd=root, capture_output=True, check=True)
    paths = [str(root / name) for name in listed.stdout.decode().split("\0") if name]
    with Pool(os.cpu_count()) as pool:
        pool.map(_parse, paths, chunksize=64)
    return len(paths)


def _parse(path: str) -> None:
    import mistune

    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = mistune.create_markdown(renderer="ast", plugins=PLUGINS)
    with open(path, encoding="utf-8", errors="replace") as handle:
        _MARKDOWN(handle.read())


_MARKDOWN = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,1")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tool = spec_hooks()
    lychee = Path(sys.executable).with_name("lychee")
    print("| documents | mistune floor | `links`, no cache | ratio to floor | `links`, caches warm | lychee | no cache / lychee | warm / lychee |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes.split(","):
        root = OUT / f"repo-{size}"
        if not (root / ".git").is_dir():
            print(f"(no {root}: see bench_hooks.py for make_repo.py)")
            continue
        caches = root / ".git" / "spec-hooks"
        base, _ = timed([sys.executable, __file__, "--floor-of", str(root)], root, runs=args.runs)
        cold, cold_output = timed([tool, "links"], root, runs=args.runs,
                                  prepare=lambda caches=caches: shutil.rmtree(caches, ignore_errors=True))
        warm, warm_output = timed([tool, "links"], root, runs=args.runs)
        assert warm_output == cold_output, "a cache changed the findings"
        peer = timed([str(lychee), "--offline", "--include-fragments", "--no-progress", "--format", "json", "."], root,
                     runs=args.runs, ok=(0, 2))[0] if lychee.exists() else None
        count = len(subprocess.run(["git", "ls-files", "*.md"], cwd=root, capture_output=True, text=True).stdout.split())
        peer_cells = (f"{peer * 1000:,.0f} ms | {cold / peer:.2f}x | {warm / peer:.2f}x" if peer
                      else "not installed | | ")
        print(f"| {count:,} | {base * 1000:,.0f} ms | {cold * 1000:,.0f} ms | {cold / base:.2f}x | "
              f"{warm * 1000:,.0f} ms | {peer_cells} |", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--floor-of":
        floor(Path(sys.argv[2]))
    else:
        main()
