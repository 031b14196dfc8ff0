"""Every command on the five real histories of ../shared/corpus/histories: exit status, findings, and the
time of a cold run (no `.git/spec-hooks`, a fresh clone's state) and of a warm one (median of 3 after it).

    python bench/bench_histories.py            # a Markdown table on stdout
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import spec_hooks, timed

HISTORIES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "histories"
COMMANDS = [["check"], ["dates", "--check"], ["links"], ["headers"], ["index"], ["stale"]]
KEEP = {  # the header style of Kotlin/KEEP, configurable today (as tests/test_histories.py configures it)
    ".spec-hooks.yaml": "types:\n  keep:\n    schema: .keep.schema.json\n    keys: [Type, Status]\n"
                        "    paths: ['proposals/**']\n",
    ".keep.schema.json": '{"type": "object", "required": ["Type", "Status"], "properties": '
                         '{"Type": {"type": "string", "minLength": 1}, "Status": {"type": "string", "minLength": 1}}}\n',
}


def main() -> None:
    if not HISTORIES.is_dir():
        raise SystemExit(f"{HISTORIES} is not here")
    tool = spec_hooks()
    print("| repository | command | exit | findings | cold | warm |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as scratch:
        for bundle in sorted(HISTORIES.glob("*.bundle")):
            name = bundle.name.removesuffix(".bundle")
            root = Path(scratch) / name
            subprocess.run(["git", "clone", "-q", str(bundle), str(root)], check=True)
            if name == "Kotlin+KEEP":
                for path, text in KEEP.items():
                    (root / path).write_text(text)
            for command in COMMANDS:
                shutil.rmtree(root / ".git" / "spec-hooks", ignore_errors=True)
                start = time.perf_counter()
                cold = subprocess.run([tool, *command], cwd=root, capture_output=True, text=True)
                cold_seconds = time.perf_counter() - start
                if "Traceback" in cold.stderr:
                    print(cold.stderr, file=sys.stderr)
                warm_seconds, _ = timed([tool, *command], root, runs=3, ok=(0, 1))
                findings = sum(": SH" in line for line in cold.stdout.splitlines())
                print(f"| {name} | `{' '.join(command)}` | {cold.returncode} | {findings} | "
                      f"{cold_seconds * 1000:,.0f} ms | {warm_seconds * 1000:,.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
