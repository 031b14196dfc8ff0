"""Benchmark check-spec-headers on a generated 5,000-spec + 300-integration repository.

    python bench/bench_headers.py

Targets (issue 2): whole repository under 1 s; a pre-commit run on 3 files under 150 ms.
Reference points timed in the same run: Python's bare start-up, and importing the validator stack.
"""
from __future__ import annotations

import sys

from common import check_jsonschema_on_three, repository, row, spec_hooks, timed

THREE = ["specs/rest/spec-00000.md", "specs/auth/spec-00004.md", "integrations/system-001.md"]


def main() -> None:
    root = repository()
    tool = spec_hooks()
    python_start, _ = timed([sys.executable, "-c", "pass"], root)
    imports, _ = timed([sys.executable, "-c", "import jsonschema"], root)
    whole, output = timed([tool, "headers"], root)
    three, _ = timed([tool, "headers", *THREE], root, runs=15, hook=True)
    peer = check_jsonschema_on_three(root)
    print(f"check-spec-headers, {root} (5,300 documents)")
    row("python -c pass", python_start)
    row("python -c 'import jsonschema'", imports)
    row("spec-hooks headers (whole repository)", whole, f"target < 1000 ms; {len(output.splitlines())} findings")
    row("spec-hooks headers (3 files, as a pre-commit hook)", three, f"{three / python_start:.1f}x bare start-up")
    if peer is not None:
        row("check-jsonschema --schemafile (3 small files)", peer, f"ratio spec-hooks / check-jsonschema: {three / peer:.2f}")


if __name__ == "__main__":
    main()
