"""Benchmark the catalogue commands of issue 13 on the 10,000-commit benchmark repository (5,300 specs).

    python bench/bench_catalogue.py

Target (issue 13): `spec-hooks index --check` no slower than `spec-hooks headers` on the same repository,
and `spec-hooks stale` no slower than `spec-hooks dates --check`, both timed in the same run, with the
document cache warm (a repository's usual state) and cold (a fresh clone). The repository is cloned
into a temporary folder with an index block committed, so bench/out/ is left as generated.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from common import repository, row, spec_hooks, timed


def prepared_clone() -> Path:
    source = repository(10000)
    root = Path(tempfile.mkdtemp()) / "repo"
    subprocess.run(["git", "clone", "-q", "--local", str(source), str(root)], check=True)
    (root / "SPECS.md").write_text("# Specs\n\n<!-- spec-hooks:index -->\n<!-- /spec-hooks:index -->\n")
    subprocess.run(["git", "add", "SPECS.md"], cwd=root, check=True)
    subprocess.run([spec_hooks(), "index", "--fix", "-q"], cwd=root, capture_output=True)
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@x"}
    subprocess.run(["git", "add", "SPECS.md"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "index"], cwd=root, check=True, env={**__import__("os").environ, **env})
    return root


def main() -> None:
    root = prepared_clone()
    tool = spec_hooks()
    cache = root / ".git" / "spec-hooks"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    pairs = [("headers", [tool, "headers", "-q"], "index --check", [tool, "index", "--check", "-q"]),
             ("dates --check", [tool, "dates", "--check", "-q"], "stale --days 180", [tool, "stale", "--days", "180"])]
    for state, prepare in (("cold", cold), ("warm", None)):
        print(f"{state} document cache (median of 3 runs after a warm-up):")
        for peer_name, peer, ours_name, ours in pairs:
            peer_seconds, _ = timed(peer, root, runs=3, prepare=prepare)
            our_seconds, output = timed(ours, root, runs=3, prepare=prepare)
            row(f"spec-hooks {peer_name}", peer_seconds)
            row(f"spec-hooks {ours_name}", our_seconds, f"{our_seconds / peer_seconds:.2f}x {peer_name}")
    shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
