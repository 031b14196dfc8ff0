"""Benchmark the date hooks on a generated repository: 5,300 documents, 10,000 commits.

    python bench/bench_dates.py

Targets (issue 4): `spec-hooks dates --check` over the whole repository under 1.5 s and at least 30x
faster than the per-file approach other tools take (`git log -1 --format=%as -- FILE` for every
document), with identical dates on every document; the fixer on 3 staged files under 150 ms.

"Identical dates" is checked against a per-file walk with the same meaning (each file's own
`git log -p -U0`, date-only changes skipped), since `git log -1` also counts commits that only
touched the date line. The stale dates the generator planted must be exactly the ones reported.
"""
from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spec_hooks.run import Project

from common import repository, row, spec_hooks, timed

THREE = ["specs/rest/spec-00000.md", "specs/auth/spec-00004.md", "integrations/system-001.md"]


def our_dates(root: Path) -> dict[str, str]:
    """Last content change per document, as the verifier computes it (through the library)."""
    from spec_hooks.checks.dates import RepositoryState
    from spec_hooks.checks.history import commit_dates
    from spec_hooks.run import open_project

    project = open_project_at(root, open_project)
    state = RepositoryState(project)
    documents = {path: blob for path, blob in project.snapshot.head_tree.items()
                 if path.startswith(("specs/", "integrations/"))}
    traces = state.traces(documents, need_created=False)
    project.close()
    return {trace.document: commit_dates(trace.changed, "author")[0].isoformat() for trace in traces if trace.changed}


def open_project_at(root: Path, open_project: Callable[[str | None], Project]) -> Project:
    import os

    before = os.getcwd()
    os.chdir(root)
    try:
        return open_project(None)
    finally:
        os.chdir(before)


def per_file(root: Path, paths: list[str]) -> tuple[float, dict[str, str]]:
    """Each file's own history, date-only changes skipped: the same answer, one git process per file."""
    date_line = re.compile(rb"[-+][ \t]{0,3}[-*+][ \t]+\*\*(?:Updated|Created|Last updated)(?::\*\*|\*\*:)")
    from concurrent.futures import ThreadPoolExecutor

    def last_change(path: str) -> tuple[str, str | None]:
        output = subprocess.run(["git", "log", "--format=%x01%ad", "--date=short", "-p", "-U0", "--", path],
                                cwd=root, capture_output=True).stdout
        for record in output.split(b"\x01")[1:]:
            day, _, patch = record.partition(b"\n")
            changed = [line for line in patch.split(b"\n")
                       if line[:1] in (b"+", b"-") and not line.startswith((b"+++", b"---"))]
            if not changed or not all(date_line.match(line) for line in changed):
                return path, day.decode()
        return path, None

    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:  # a cross-check of the answers, not a timing: run it wide
        found = {path: day for path, day in pool.map(last_change, paths) if day}
    return time.perf_counter() - start, found


def naive(root: Path, paths: list[str]) -> float:
    start = time.perf_counter()
    for path in paths:
        subprocess.run(["git", "log", "-1", "--format=%as", "--", path], cwd=root, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    root = repository(commits=10000)
    tool = spec_hooks()
    whole, output = timed([tool, "dates", "--check"], root)
    planted = {line.split("\t")[0] for line in (root / ".bench-stale-dates.txt").read_text().splitlines()}
    reported = {line.split(":")[0] for line in output.splitlines() if " SH301 " in line}
    paths = sorted(our_dates(root))
    naive_seconds = naive(root, paths)
    per_file_seconds, theirs = per_file(root, paths)
    ours = our_dates(root)
    same = sum(ours[path] == theirs.get(path) for path in paths)
    print(f"check-spec-dates, {root} ({len(paths)} documents, 10,000 commits)")
    row("spec-hooks dates --check (whole repository)", whole, f"target < 1500 ms; {len(reported)} stale dates reported")
    print(f"  stale dates planted by the generator: {len(planted)}; reported: {len(reported)}; "
          f"identical sets: {planted == reported}")
    plain, _ = timed(["git", "log", "--raw", "--no-abbrev", "-M", "--cc", "-z", "--format=%H %P", "HEAD"], root)
    row("git log --raw -M --cc (one plain pass over the same history)", plain,
        f"dates --check is {whole / plain:.1f}x this pass (target <= 3x, goal 2x)")
    kept = root / ".git" / "spec-hooks" / "changes"
    fresh, _ = timed([tool, "dates", "--check"], root, prepare=lambda: kept.unlink(missing_ok=True))
    row("spec-hooks dates --check, no verdicts kept from a run before", fresh,
        f"{fresh / plain:.1f}x the plain pass: every deciding change's blobs read and compared")
    row("per file: git log -1 --format=%as -- FILE", naive_seconds,
        f"{naive_seconds / len(paths) * 1000:.1f} ms a file; spec-hooks is {naive_seconds / whole:.0f}x faster (target >= 30x)")
    row("per file, same meaning: git log -p -U0 -- FILE (4 threads)", per_file_seconds,
        f"identical last-change dates: {same} of {len(paths)} documents")
    for path in THREE:
        text = (root / path).read_text()
        (root / path).write_text(text + "\nA staged edit.\n")
    subprocess.run(["git", "add", *THREE], cwd=root, check=True)
    try:
        fixer, _ = timed([tool, "dates", *THREE], root, runs=15)
    finally:
        subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)
    row("spec-hooks dates (the fixer) on 3 staged files", fixer, "target < 150 ms")


if __name__ == "__main__":
    main()
