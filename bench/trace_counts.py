"""Count what one run does, by function: how often files are classified, specs built, catalogues made,
caches written, git started, `exclude` asked. Run from a repository's root:

    python /path/to/bench/trace_counts.py check              # a whole-repository run
    python /path/to/bench/trace_counts.py check --hook A B C # a hook run on three files

The counts come from cProfile's call counts of the named functions (in-process, one run); the figures
of issue 25's closing note were taken with it on bench/out/repo-small.
"""
from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import sys

COUNTED = {
    "classify calls": ("documents.py", "classify"),
    "specs built (named_fields)": ("documents.py", "named_fields"),
    "catalogues made": ("catalogue.py", "__init__"),
    "cache files written": ("cache.py", "write_keyed"),
    "git processes started (Git.start)": ("runner.py", "start"),
    "exclude asked (Config.excluded)": ("config.py", "excluded"),
    "documents read from disk": ("source.py", "read_source"),
}


def main(argv: list[str]) -> None:
    from spec_hooks import cli

    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        profiler.runcall(cli.main, argv)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    calls: dict[tuple[str, str], int] = {}
    for (filename, _, name), (_, total, *_rest) in stats.items():
        key = (filename.rsplit("/", 1)[-1], name)
        if "spec_hooks" in filename:
            calls[key] = calls.get(key, 0) + total
    for label, key in COUNTED.items():
        print(f"  {label:<36} {calls.get(key, 0):>8,}")


if __name__ == "__main__":
    main(sys.argv[1:])
