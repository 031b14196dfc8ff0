"""Adoption on the real repositories (issue 24): each bundle of `../shared/corpus/histories` cloned fresh,
`spec-hooks check` with no configuration, then with its recipe from docs/recipes.md, then after the one-off
date backfill (`dates --check --fix`, committed), then `pre-commit run --all-files` with the header, link
and date hooks of this checkout (PRE_COMMIT_HOME in a temporary folder: the first run installs the hook
environment, so it is timed apart from a second one); then, with what is left (the repository's own
problems) switched off for the files that have them (`per_file_disable`, as a team adopting with legacy
exceptions would), the green run. Run with the project installed:

    python bench/bench_adoption.py [--bundles Kotlin+KEEP,...]

Prints, per repository: the findings by code at each step, the exit status and wall time of each
pre-commit run.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
HISTORIES = HERE.parent / "shared" / "corpus" / "histories"
RECIPE_OF = {"swiftlang+swift-evolution": "swift-evolution", "grpc+proposal": "grpc", "Kotlin+KEEP": "Kotlin KEEP",
             "adr+madr": "MADR (front matter)", "dotnet+designs": "dotnet/designs"}
HOOKS = ("check-spec-headers", "check-spec-links", "check-spec-dates")


def recipes() -> dict[str, str]:
    text = (HERE / "docs" / "recipes.md").read_text(encoding="utf-8")
    found = {}
    for section in text.split("\n## ")[1:]:
        title, body = section.split("\n", 1)
        block = re.search(r"```yaml\n(.*?)```", body, re.DOTALL)
        if block:
            found[title.strip()] = block.group(1)
    return found


def _run(root: Path, *command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(command, cwd=root, capture_output=True, text=True, env={**os.environ, **(env or {})})


def _findings(root: Path) -> list[tuple[str, str]]:
    spec_hooks = str(Path(sys.executable).with_name("spec-hooks"))
    output = _run(root, spec_hooks, "check").stdout
    return re.findall(r"^(\S+):\d+:\d+: (SH\d+) ", output, re.MULTILINE)


def _codes(root: Path) -> Counter[str]:
    return Counter(code for _, code in _findings(root))


def _pre_commit(root: Path, home: dict[str, str]) -> tuple[int, float]:
    start = time.perf_counter()
    result = _run(root, sys.executable, "-m", "pre_commit", "run", "--all-files", env=home)
    return result.returncode, time.perf_counter() - start


def _shown(codes: Counter[str]) -> str:
    return ", ".join(f"{code} {count}" for code, count in sorted(codes.items())) or "none"


def _commit(root: Path, message: str) -> None:
    _run(root, "git", "add", "-A")
    _run(root, "git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", message)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bundles", default=",".join(RECIPE_OF))
    args = parser.parse_args()
    all_recipes = recipes()
    rev = _run(HERE, "git", "rev-parse", "HEAD").stdout.strip()
    with tempfile.TemporaryDirectory() as folder:
        home = {"PRE_COMMIT_HOME": str(Path(folder) / "pre-commit")}
        for bundle in args.bundles.split(","):
            root = Path(folder) / bundle
            subprocess.run(["git", "clone", "-q", str(HISTORIES / f"{bundle}.bundle"), str(root)], check=True)
            before = _codes(root)
            (root / ".spec-hooks.yaml").write_text(all_recipes[RECIPE_OF[bundle]])
            with_recipe = _codes(root)
            start = time.perf_counter()
            _run(root, str(Path(sys.executable).with_name("spec-hooks")), "dates", "--check", "--fix")
            backfill = time.perf_counter() - start
            _commit(root, "spec-hooks: recipe and date backfill")
            after_backfill = _codes(root)
            hooks = "".join(f"      - id: {hook}\n" for hook in HOOKS)
            (root / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {HERE}\n    rev: {rev}\n    hooks:\n{hooks}")
            _commit(root, "pre-commit")
            runs = [_pre_commit(root, home) for _ in range(2)]
            exceptions: dict[str, set[str]] = {}
            for path, code in _findings(root):
                exceptions.setdefault(path, set()).add(code)
            with (root / ".spec-hooks.yaml").open("a") as config:
                config.write("" if not exceptions else "per_file_disable:\n" + "".join(f'  "{path}": [{", ".join(sorted(codes))}]\n'
                                                             for path, codes in sorted(exceptions.items())))
            _commit(root, "legacy exceptions")
            green = _pre_commit(root, home)
            print(f"## {bundle}\n- no configuration: {_shown(before)}\n- recipe ({RECIPE_OF[bundle]}): {_shown(with_recipe)}"
                  f"\n- after `dates --check --fix` ({backfill:.1f} s): {_shown(after_backfill)}"
                  f"\n- pre-commit run --all-files: exit {runs[0][0]} in {runs[0][1]:.1f} s (installing the hooks), "
                  f"exit {runs[1][0]} in {runs[1][1]:.1f} s"
                  f"\n- with the {len(exceptions)} files left as legacy exceptions: exit {green[0]} in {green[1]:.1f} s\n",
                  flush=True)


if __name__ == "__main__":
    main()
