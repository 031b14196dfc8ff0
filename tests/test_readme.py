"""The README documents what the code does: every rule, and the commands CI runs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
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


def _spec_hooks_env(**extra: str) -> dict[str, str]:
    import os
    import sys

    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **extra}


@pytest.fixture
def flawed(repo):
    from conftest import spec

    repo.write("specs/rest/a.md", spec(spec_id="rest/a", status="Approved"))
    repo.add()
    repo.commit("a", when="2025-03-04T10:00:00+00:00")
    return repo


def test_readme_workflow_commands_run(flawed, tmp_path: Path) -> None:
    import subprocess

    block = re.search(r"```yaml\n(name: specs\n.*?)```", README, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["specs"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    commands = [step["run"] for step in steps if "run" in step and step["run"].startswith("spec-hooks")]
    assert commands == ["spec-hooks check", "spec-hooks check --format sarif > spec-hooks.sarif"]
    summary = tmp_path / "summary.md"
    env = _spec_hooks_env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    results = [subprocess.run(["bash", "-c", command], cwd=flawed.root, env=env, capture_output=True, text=True)
               for command in commands]
    assert [result.returncode for result in results] == [1, 1]
    assert "::error file=specs/rest/a.md,line=4,col=15,title=SH106::" in results[0].stdout
    assert "| `specs/rest/a.md` | [SH106](" in summary.read_text()
    assert summary.read_text().count("### spec-hooks findings") == 1, "the SARIF step adds no second table"
    sarif = json.loads((flawed.root / "spec-hooks.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "SH106"


def test_action_check_step(flawed) -> None:
    import subprocess

    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    install, check = action["runs"]["steps"]
    assert install["run"].endswith('"$GITHUB_ACTION_PATH"')
    base = {"GITHUB_ACTION_PATH": str(PROJECT), "SPEC_HOOKS_FILES": "", "SPEC_HOOKS_CONFIG": "",
            "SPEC_HOOKS_SARIF_FILE": "out.sarif"}
    plain = subprocess.run(["bash", "-c", check["run"]], cwd=flawed.root, capture_output=True, text=True,
                           env=_spec_hooks_env(**base, SPEC_HOOKS_FORMAT="", GITHUB_ACTIONS="true"))
    assert plain.returncode == 1
    assert plain.stdout.splitlines()[0] == "specs/rest/a.md:4:15: SH106 Status 'Approved' is not one of Draft, Final, Deprecated"
    sarif = subprocess.run(["bash", "-c", check["run"]], cwd=flawed.root, capture_output=True, text=True,
                           env=_spec_hooks_env(**{**base, "SPEC_HOOKS_FILES": "specs/rest/a.md"}, SPEC_HOOKS_FORMAT="sarif"))
    assert sarif.returncode == 1 and sarif.stdout == ""
    assert json.loads((flawed.root / "out.sarif").read_text())["version"] == "2.1.0"


def test_readme_demo_command(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(["bash", str(PROJECT / "examples" / "demo.sh")], capture_output=True, text=True,
                            env=_spec_hooks_env())
    assert result.returncode == 1, result.stderr
    codes = set(re.findall(r": (SH\d{3}) ", result.stdout))
    assert {"SH106", "SH107", "SH103", "SH111", "SH201", "SH205", "SH301"} <= codes
    assert result.stdout.rstrip().endswith("(exit status 1)")
