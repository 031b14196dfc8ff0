"""The README documents what the code does: every rule, and the commands CI runs."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from spec_hooks.rules import RULES

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text()


def test_every_rule_is_in_the_readme_table() -> None:
    rows = {match.group(1): match.group(2) for match in re.finditer(r"^\| (SH\d{3}) \| ([a-z0-9-]+) \|", README, re.M)}
    assert rows == {code: rule.name for code, rule in RULES.items()}


def test_ci_runs_the_readme_test_command() -> None:
    command = next(line for line in README.splitlines() if "pytest" in line and line.startswith("python3 -m venv"))
    assert command in (PROJECT / ".ci" / "run").read_text().splitlines()


def test_readme_hooks_exist_in_the_manifest() -> None:
    manifest = {hook["id"]: hook for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    snippet = re.search(r"```yaml\nrepos:\n(.*?)```", README, re.S)
    assert snippet is not None
    used = re.findall(r"- id: ([\w-]+)", snippet.group(1))
    assert used and set(used) <= set(manifest)
    for hook in manifest.values():
        assert hook["types"] == ["markdown"] and hook["language"] == "python"
        assert hook["entry"].startswith("spec-hooks ")
