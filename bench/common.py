"""Shared by the benchmark scripts: the generated repository and a wall-clock timer."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))


def repository(commits: int = 1) -> Path:
    """The benchmark repository with `commits` commits, generated once and kept in bench/out/."""
    from make_repo import generate

    root = OUT / f"repo-{commits}"
    if not (root / ".git").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {root} ...", flush=True)
        generate(root, 5000, 300, commits)
    return root


def spec_hooks() -> str:
    """The spec-hooks console script of the running interpreter's environment."""
    candidate = Path(sys.executable).with_name("spec-hooks")
    return str(candidate) if candidate.exists() else shutil.which("spec-hooks") or "spec-hooks"


def timed(command: list[str], cwd: Path, runs: int = 5, ok: tuple[int, ...] = (0, 1),
          prepare: Callable[[], None] | None = None, hook: bool = False) -> tuple[float, str]:
    """Median wall time in seconds over `runs` runs (after one warm-up), and the last run's stdout;
    `prepare` runs before each run, untimed. `hook`: run as pre-commit runs a hook (PRE_COMMIT=1)."""
    env = {**os.environ, "LC_ALL": "C", **({"PRE_COMMIT": "1"} if hook else {})}
    output = ""
    samples = []
    for attempt in range(runs + 1):
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
        if result.returncode not in ok:
            raise SystemExit(f"{' '.join(command)} exited {result.returncode}: {result.stderr[-500:]}")
        output = result.stdout
        if attempt:
            samples.append(elapsed)
    return statistics.median(samples), output


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<58} {seconds * 1000:8.0f} ms  {note}")


def check_jsonschema_on_three(root: Path, runs: int = 15) -> float | None:
    """The Python pre-commit hook users know, on 3 small files, timed as a hook: check-jsonschema
    --schemafile validating three small JSON documents (None when it is not installed)."""
    import json
    import tempfile

    tool = Path(sys.executable).with_name("check-jsonschema")
    if not tool.exists():
        return None
    folder = Path(tempfile.mkdtemp())
    (folder / "schema.json").write_text(json.dumps({"type": "object", "required": ["id"],
                                                    "properties": {"id": {"type": "string"}}}))
    for index in range(3):
        (folder / f"doc{index}.json").write_text(json.dumps({"id": f"doc-{index}"}))
    seconds, _ = timed([str(tool), "--schemafile", "schema.json", "doc0.json", "doc1.json", "doc2.json"], folder,
                       runs=runs, hook=True)
    shutil.rmtree(folder, ignore_errors=True)
    return seconds
