"""Each hook on a 3-file commit, side by side with check-jsonschema, at every repository size generated.

    python bench/bench_hooks.py [--runs 11] [--sizes small,1,10x]

A commit as pre-commit runs it: the three files get a new body line and are staged (new blobs, as in a
real commit), then each hook's entry with the FILES runs with PRE_COMMIT=1; the change is undone afterwards.
Rounds interleave the tools (one run of each per round), so a slow moment of the machine hits all of them
alike; the figure is the median. "warm": after whole-repository `headers` and `links` runs (the kept
header lines and parsed documents a repository has after its first full run); "cold": no `.git/spec-hooks` at all (a fresh
clone). The repositories come from make_repo.py:

    python bench/make_repo.py bench/out/repo-small --specs 280 --integrations 20 --commits 1000
    python bench/make_repo.py bench/out/repo-1 --specs 5000 --integrations 300            (common.repository)
    python bench/make_repo.py bench/out/repo-10x --specs 59800 --integrations 3000 --commits 100000
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from common import OUT, check_jsonschema_on_three, spec_hooks

THREE = ["specs/rest/spec-00000.md", "specs/auth/spec-00004.md", "integrations/system-001.md"]
# Each hook's entry as .pre-commit-hooks.yaml gives it (`dates --check`: the fixer would rewrite the date
# of the edited files in the first round and have nothing to do in the next).
HOOKS = {"headers": ["headers"], "links": ["links", "--hook"], "dates": ["dates", "--check"],
         "check": ["check", "--hook"]}


def _documents(root: Path) -> int:
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=root, capture_output=True, text=True, check=True)
    return len(listed.stdout.splitlines())


def _stage_edit(root: Path) -> None:
    for path in THREE:
        with open(root / path, "a", encoding="utf-8") as handle:
            handle.write("\nA line of this commit.\n")
    subprocess.run(["git", "add", *THREE], cwd=root, check=True)


def _undo_edit(root: Path) -> None:
    subprocess.run(["git", "reset", "-q", "--", *THREE], cwd=root, check=True)
    subprocess.run(["git", "checkout", "-q", "--", *THREE], cwd=root, check=True)


def _once(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {result.returncode}: {result.stderr[-500:]}")
    return elapsed


def measure(root: Path, runs: int, cold: bool) -> dict[str, float]:
    """Median seconds per hook on the staged 3-file edit, and check-jsonschema's in the same rounds."""
    tool = spec_hooks()
    env = {**os.environ, "LC_ALL": "C", "PRE_COMMIT": "1"}
    cache = root / ".git" / "spec-hooks"
    if not cold and not (cache / "headers").exists():  # kept from an earlier whole run, or made now
        for command in ("headers", "links"):  # every cache a 3-file hook reads (not the history's)
            _once([tool, command], root, {**os.environ, "LC_ALL": "C"})
    samples: dict[str, list[float]] = {hook: [] for hook in HOOKS}
    samples["check-jsonschema"] = []
    _stage_edit(root)
    try:
        for round_number in range(runs + 1):
            for hook in HOOKS:
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                elapsed = _once([tool, *HOOKS[hook], *THREE], root, env)
                if round_number:
                    samples[hook].append(elapsed)
            peer = check_jsonschema_on_three(root, runs=1)
            if peer is not None and round_number:
                samples["check-jsonschema"].append(peer)
    finally:
        _undo_edit(root)
    return {name: statistics.median(values) for name, values in samples.items() if values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="small,1,10x")
    args = parser.parse_args()
    print("| documents | cache | " + " | ".join(f"`{hook}`" for hook in HOOKS) + " | check-jsonschema |")
    print("| ---: | --- | " + " | ".join("---:" for _ in HOOKS) + " | ---: |")
    for size in args.sizes.split(","):
        root = OUT / f"repo-{size}"
        if not (root / ".git").is_dir():
            print(f"(no {root}: generate it with make_repo.py, see this script's docstring)")
            continue
        count = _documents(root)
        for cold in (False, True):
            figures = measure(root, args.runs, cold)
            peer = figures.get("check-jsonschema")
            cells = [f"{figures[hook] * 1000:,.0f} ms" + (f" ({figures[hook] / peer:.2f}x)" if peer else "")
                     for hook in HOOKS]
            shown_peer = f"{peer * 1000:,.0f} ms" if peer else "not installed"
            print(f"| {count:,} | {'cold' if cold else 'warm'} | " + " | ".join(cells) + f" | {shown_peer} |", flush=True)


if __name__ == "__main__":
    main()
